import type { Alert } from '../../../alerts/index.js'
import { REDACTED, redactURLInMessage } from '../../../util/index.js'
import { classifyStatus, HttpConfigError } from '../../http/index.js'
import type { HttpClient } from '../../http/index.js'
import type { Notifier, NotifyContext } from '../../notifier.js'
import { OwnedHttpClient } from '../http-notifier.js'

import { checkWebhookURL, WEBHOOK_CONTENT_TYPE, WEBHOOK_RETRY_CODES } from './config.js'
import type { WebhookConfig } from './config.js'
import { buildWebhookPayload } from './payload.js'

/** WebhookNotifierOptions are what one `webhook_configs` entry needs to send. */
export interface WebhookNotifierOptions {
  readonly config: WebhookConfig
  /** The receiver this integration belongs to; the payload carries it regex-quoted. */
  readonly receiverName: string
  /** `--web.external-url`, normalised. */
  readonly externalURL: string
  /** `User-Agent`, `Alertmanager/0.25.0` to look like Alertmanager. */
  readonly userAgent: string
  /**
   * The client to send with; by default one is built from `config.http_config` and owned
   * (closed by {@link WebhookNotifier.close}).
   */
  readonly httpClient?: HttpClient
}

/**
 * WebhookNotifier is Alertmanager 0.25's webhook integration (`notify/webhook/webhook.go`):
 * it POSTs {@link buildWebhookPayload}'s message with `Content-Type: application/json` and the
 * configured User-Agent. 2xx succeeds; 5xx and failures to get a response are retryable; any
 * other status is final. Errors read like Alertmanager's
 * (`unexpected status code 400: <url>: <body>`) except that the URL is always `<redacted>`,
 * here and in every transport error, because webhook URLs are secrets.
 *
 * @example
 * ```ts
 * const notifier = new WebhookNotifier({ config, receiverName: 'team-db',
 *   externalURL: 'http://am.example.com:9093', userAgent: 'Alertmanager/0.25.0' })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class WebhookNotifier implements Notifier {
  readonly #config: WebhookConfig
  readonly #receiverName: string
  readonly #externalURL: string
  readonly #client: OwnedHttpClient

  /**
   * WebhookNotifier's constructor validates the URL and builds the HTTP client.
   *
   * @param options - config, receiver and node-wide facts.
   * @throws HttpConfigError for an unusable URL or http_config (the message never quotes the URL).
   */
  constructor(options: WebhookNotifierOptions) {
    const problem = checkWebhookURL(options.config.url)
    if (problem !== undefined) {
      throw new HttpConfigError(problem)
    }
    this.#config = options.config
    this.#receiverName = options.receiverName
    this.#externalURL = options.externalURL
    this.#client = new OwnedHttpClient(options.config.http_config, options)
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as Alertmanager's webhook returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const body = buildWebhookPayload({
      receiver: this.#receiverName,
      groupKey: ctx.groupKey,
      groupLabels: ctx.groupLabels,
      externalURL: this.#externalURL,
      maxAlerts: this.#config.max_alerts,
      alerts,
      now: ctx.now,
    })
    const url = this.#config.url
    // The client's errors are already redacted NotifyErrors.
    const response = await this.#client.post(
      url,
      body,
      { 'Content-Type': WEBHOOK_CONTENT_TYPE },
      ctx.signal
    )
    // Alertmanager's errDetails quotes "<url>: <body>"; the body may echo the URL back.
    const failure = classifyStatus(response.status, WEBHOOK_RETRY_CODES, () =>
      redactURLInMessage(`${REDACTED}: ${response.body}`, url)
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
    await this.#client.close()
  }
}
