import type Logger from 'bunyan'

import type { Alert } from '../../../alerts/index.js'
import { redactURLInMessage } from '../../../util/index.js'
import { classifyStatus, createHttpClient } from '../../http/index.js'
import type { HttpClient } from '../../http/index.js'
import { NotifyError } from '../../notify-error.js'
import type { AlertTemplate } from '../../template/index.js'
import { truncateInBytes } from '../../truncate.js'
import type { Notifier, NotifyContext } from '../../types.js'
import { FieldRenderer } from '../fields.js'

import { WEBEX_MAX_MESSAGE_BYTES, WEBEX_RETRY_CODES } from './config.js'
import type { WebexConfig } from './config.js'
import { encodeWebexMessage } from './payload.js'

/** WebexNotifierOptions are what one `webex_configs` entry needs to send. */
export interface WebexNotifierOptions {
  readonly config: WebexConfig
  /** The config's templates, built on first call. */
  readonly template: () => AlertTemplate
  /** The integration's logger. */
  readonly log: Logger
  /** `User-Agent`, `Alertmanager/0.25.0` to look like Alertmanager. */
  readonly userAgent: string
  /**
   * The client to send with; by default one is built from `config.http_config` (whose
   * `authorization` the config requires) and owned (closed by {@link WebexNotifier.close}).
   */
  readonly httpClient?: HttpClient
}

/** WEBEX_CONTENT_TYPE is the request's Content-Type (`notify.PostJSON`). */
const WEBEX_CONTENT_TYPE = 'application/json'

/**
 * WebexNotifier is Alertmanager 0.25's Webex integration (`notify/webex/webex.go`): it renders
 * the message, cuts it to 7439 bytes with the `…` marker (logged at debug level with the cut
 * message, as 0.25 does), and POSTs it as markdown for the room to `api_url` with the
 * configured Authorization. A template error fails the notification for good with the
 * template's message. 2xx succeeds; 5xx and failures to get a response are retryable, any
 * other status is final (no extra retry codes), worded as 0.25's Retrier does.
 *
 * @example
 * ```ts
 * const notifier = new WebexNotifier({ config, template: () => tmpl, log,
 *   userAgent: 'Alertmanager/0.25.0' })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class WebexNotifier implements Notifier {
  readonly #config: WebexConfig
  readonly #template: () => AlertTemplate
  readonly #log: Logger
  readonly #client: HttpClient
  readonly #ownsClient: boolean

  /**
   * WebexNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, logger and user agent.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: WebexNotifierOptions) {
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
   * @throws NotifyError with `retryable` as 0.25's Webex notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    this.#log.debug({ incident: ctx.groupKey })
    const fields = new FieldRenderer(this.#template(), ctx, alerts)
    const rendered = fields.text(this.#config.message)
    if (fields.error !== undefined) {
      throw new NotifyError(fields.error.message, {
        retryable: false,
        reason: 'other',
        cause: fields.error,
      })
    }
    const message = truncateInBytes(rendered, WEBEX_MAX_MESSAGE_BYTES)
    if (message.truncated) {
      // 0.25 logs this one at debug level, with the message as cut (not a group key).
      this.#log.debug(
        { truncated_message: message.text },
        'message truncated due to exceeding maximum allowed length by webex'
      )
    }
    const body = encodeWebexMessage(message.text, this.#config.room_id)
    const url = this.#config.api_url
    // The client's errors are already redacted NotifyErrors.
    const response = await this.#client.post(
      url,
      body,
      { 'Content-Type': WEBEX_CONTENT_TYPE },
      ctx.signal
    )
    // 0.25 quotes the body as it is; a body echoing the URL back gets it redacted.
    const failure = classifyStatus(
      response.status,
      WEBEX_RETRY_CODES,
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
