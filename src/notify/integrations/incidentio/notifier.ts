import type Logger from 'bunyan'

import type { Alert } from '../../../alerts/index.js'
import type { HttpClientConfig } from '../../../config/index.js'
import { Deadline, errorMessage, redactURLInMessage } from '../../../util/index.js'
import { classifyStatus, HttpConfigError } from '../../http/index.js'
import type { HttpResponse } from '../../http/index.js'
import type { Notifier, NotifyContext } from '../../notifier.js'
import { readSecretFileSync } from '../../secret-file.js'
import { OwnedHttpClient, readSecretField } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { INCIDENTIO_MAX_PAYLOAD_BYTES, INCIDENTIO_RETRY_CODES } from './config.js'
import type { IncidentioConfig } from './config.js'
import { errorDetails } from './error-details.js'
import { buildIncidentioMessage } from './payload.js'

/**
 * IncidentioNotifierOptions are what one `incidentio_configs` entry needs to send: the message
 * carries the receiver's name and the external URL, and the notifier logs the size cut.
 */
export interface IncidentioNotifierOptions extends Omit<
  HttpNotifierOptions<IncidentioConfig>,
  'template'
> {
  /** The receiver this integration belongs to; the message carries it regex-quoted. */
  readonly receiverName: string
  /** `--web.external-url`, normalised. */
  readonly externalURL: string
}

/**
 * IncidentioNotifier is newer Alertmanager's incident.io integration
 * (notify/incidentio/incidentio.go at 68fb2d5). It POSTs a webhook-like message (see
 * {@link buildIncidentioMessage}) to `url`, or to the trimmed content of `url_file` read at
 * every notification, with `Authorization: Bearer <alert_source_token>` when a token is
 * configured (replacing http_config's authorization; `alert_source_token_file` is read once,
 * here, as New does). `timeout`, when set, bounds each attempt within the flush deadline.
 * 2xx succeeds; 5xx, 429 and failures to get a response are retried; other statuses are
 * final. Errors quote the details incident.io's JSON error body gives
 * (`unexpected status code 429: Too many requests: rate limit exceeded`); the URL is
 * `<redacted>` in every error.
 */
export class IncidentioNotifier implements Notifier {
  readonly #config: IncidentioConfig
  readonly #receiverName: string
  readonly #externalURL: string
  readonly #log: Logger
  readonly #client: OwnedHttpClient

  /**
   * IncidentioNotifier's constructor reads `alert_source_token_file` and builds the HTTP
   * client.
   *
   * @param options - config, receiver, node-wide facts and the logger.
   * @throws HttpConfigError for an unreadable token file (`failed to read
   *   alert_source_token_file: open …`) or an unusable http_config.
   */
  constructor(options: IncidentioNotifierOptions) {
    this.#config = options.config
    this.#receiverName = options.receiverName
    this.#externalURL = options.externalURL
    this.#log = options.log
    this.#client = new OwnedHttpClient(withToken(options.config), options)
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, reason, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the incidentio notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.#config
    this.#log.debug({ groupKey: ctx.groupKey }, 'incident.io notification')
    const message = buildIncidentioMessage({
      receiver: this.#receiverName,
      groupKey: ctx.groupKey,
      groupLabels: ctx.groupLabels,
      externalURL: this.#externalURL,
      notificationReason: ctx.notificationReason ?? 'unknown',
      maxAlerts: config.max_alerts,
      alerts,
      now: ctx.now,
    })
    if (message.cut !== undefined) {
      const fields = {
        original_size: message.cut.originalSize,
        final_size: message.cut.finalSize,
        max_size: INCIDENTIO_MAX_PAYLOAD_BYTES,
      }
      if (message.cut.stillTooLarge) {
        // Sent anyway: incident.io will likely refuse it, and the log says why.
        this.#log.error(
          fields,
          'Truncated alert content due to incident.io payload size limit, but still exceeds limit'
        )
      } else {
        this.#log.warn(fields, 'Truncated alert content due to incident.io payload size limit')
      }
    }
    const url = await readSecretField({
      inline: config.url,
      file: config.url_file,
      emptyIsUnset: true,
      errorPrefix: 'read url_file: ',
    })
    // context.WithTimeoutCause: `timeout` bounds this attempt within the flush's own deadline.
    const deadline = config.timeout > 0 ? new Deadline(config.timeout, [ctx.signal]) : undefined
    let response: HttpResponse
    try {
      // The client's errors are already redacted NotifyErrors.
      response = await this.#client.post(
        url,
        message.body,
        { 'Content-Type': 'application/json' },
        deadline?.signal ?? ctx.signal
      )
    } finally {
      deadline?.clear()
    }
    // errDetails quotes incident.io's own words; they may echo the (secret-bearing) URL.
    const failure = classifyStatus(response.status, INCIDENTIO_RETRY_CODES, () =>
      redactURLInMessage(errorDetails(response.body), url)
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

/**
 * withToken is the http_config the client is built with: with a token (inline, or read from
 * its file now), an `Authorization: Bearer` of it replaces whatever http_config authorizes
 * with; the config itself (often the shared global http_config) is not changed.
 */
function withToken(config: IncidentioConfig): HttpClientConfig {
  let token = config.alert_source_token ?? ''
  const file = config.alert_source_token_file ?? ''
  if (file !== '') {
    try {
      token = readSecretFileSync(file, 'trim')
    } catch (err: unknown) {
      throw new HttpConfigError(`failed to read alert_source_token_file: ${errorMessage(err)}`, {
        cause: err,
      })
    }
  }
  if (token === '') {
    return config.http_config
  }
  return { ...config.http_config, authorization: { type: 'Bearer', credentials: token } }
}
