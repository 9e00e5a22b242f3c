import type Logger from 'bunyan'

import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import { redactURLInMessage } from '../../../util/index.js'
import { classifyStatus, createHttpClient } from '../../http/index.js'
import type { HttpClient } from '../../http/index.js'
import { NotifyError } from '../../notify-error.js'
import type { AlertTemplate } from '../../template/index.js'
import type { Notifier, NotifyContext } from '../../types.js'
import { FieldRenderer } from '../fields.js'

import { DISCORD_COLORS, DISCORD_RETRY_CODES } from './config.js'
import type { DiscordConfig } from './config.js'
import { encodeDiscordMessage } from './payload.js'

/** DiscordNotifierOptions are what one `discord_configs` entry needs to send. */
export interface DiscordNotifierOptions {
  readonly config: DiscordConfig
  /** The config's templates, built on first call. */
  readonly template: () => AlertTemplate
  /** The integration's logger. */
  readonly log: Logger
  /** `User-Agent`, `Alertmanager/0.25.0` to look like Alertmanager. */
  readonly userAgent: string
  /**
   * The client to send with; by default one is built from `config.http_config` and owned
   * (closed by {@link DiscordNotifier.close}).
   */
  readonly httpClient?: HttpClient
}

/** DISCORD_CONTENT_TYPE is the request's Content-Type (`notify.PostJSON`). */
const DISCORD_CONTENT_TYPE = 'application/json'

/**
 * DiscordNotifier is Alertmanager 0.25's Discord integration (`notify/discord/discord.go`): it
 * POSTs one embed (the rendered title and message, red while any alert fires, else green) to
 * the webhook URL. A template error fails the notification for good with the template's
 * message. 2xx succeeds; 5xx and failures to get a response are retryable, any other status is
 * final (no extra retry codes), worded as 0.25's Retrier does: `unexpected status code <code>:
 * <body>`. The webhook URL is a secret: it is `<redacted>` wherever an error would show it.
 *
 * @example
 * ```ts
 * const notifier = new DiscordNotifier({ config, template: () => tmpl, log,
 *   userAgent: 'Alertmanager/0.25.0' })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class DiscordNotifier implements Notifier {
  readonly #config: DiscordConfig
  readonly #template: () => AlertTemplate
  readonly #log: Logger
  readonly #client: HttpClient
  readonly #ownsClient: boolean

  /**
   * DiscordNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, logger and user agent.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: DiscordNotifierOptions) {
    this.#config = options.config
    this.#template = options.template
    this.#log = options.log
    this.#ownsClient = options.httpClient === undefined
    this.#client =
      options.httpClient ??
      createHttpClient(options.config.http_config, { userAgent: options.userAgent })
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's Discord notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    this.#log.debug({ incident: ctx.groupKey })
    const fields = new FieldRenderer(this.#template(), ctx, alerts)
    const title = fields.text(this.#config.title)
    const description = fields.text(this.#config.message)
    if (fields.error !== undefined) {
      throw new NotifyError(fields.error.message, {
        retryable: false,
        reason: 'other',
        cause: fields.error,
      })
    }
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))
    const body = encodeDiscordMessage({
      title,
      description,
      color: firing ? DISCORD_COLORS.firing : DISCORD_COLORS.resolved,
    })
    const url = this.#config.webhook_url
    // The client's errors are already redacted NotifyErrors.
    const response = await this.#client.post(
      url,
      body,
      { 'Content-Type': DISCORD_CONTENT_TYPE },
      ctx.signal
    )
    // 0.25 quotes the body as it is; a body echoing the secret URL back gets it redacted.
    const failure = classifyStatus(
      response.status,
      DISCORD_RETRY_CODES,
      redactURLInMessage(response.body, url)
    )
    if (failure !== undefined) {
      throw failure
    }
  }

  /**
   * close releases the HTTP client when this notifier built it; idempotent.
   *
   * @returns when connections are closed.
   */
  async close(): Promise<void> {
    if (this.#ownsClient) {
      await this.#client.close()
    }
  }
}
