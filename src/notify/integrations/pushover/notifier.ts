import type { Alert } from '../../../alerts/index.js'
import { redactURLInMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { PUSHOVER_API_URL, PUSHOVER_RETRY_CODES } from './config.js'
import type { PushoverConfig } from './config.js'
import { encodePushoverParameters, renderPushoverParameters } from './parameters.js'

/**
 * TEXT_CONTENT_TYPE is the Content-Type of 0.25's `notify.PostText`, which Pushover's notifier
 * sends although its body is empty.
 */
const TEXT_CONTENT_TYPE = 'text/plain'

/**
 * PushoverNotifierOptions are what one `pushover_configs` entry needs to send; an injected
 * `httpClient` is not closed by {@link PushoverNotifier.close}.
 */
export interface PushoverNotifierOptions extends HttpNotifierOptions<PushoverConfig> {
  /**
   * Where messages go instead of Pushover's fixed endpoint: for tests only, as the `apiURL`
   * field of 0.25's notifier. Its query, if any, is replaced by the message's parameters.
   *
   * @default PUSHOVER_API_URL
   */
  readonly apiURL?: string
}

/**
 * PushoverNotifier is Alertmanager 0.25's Pushover integration (`notify/pushover/pushover.go`):
 * it renders the message's parameters from the entry's templates and POSTs them, form-encoded,
 * in the query string of Pushover's fixed endpoint, with an empty `text/plain` body, as 0.25
 * does. A template error fails the notification for good with the template's message. 2xx
 * succeeds; 5xx and failures to get a response are retryable, any other status is final
 * (Pushover adds no retry codes). The URL carries the token and user key, so it is redacted in
 * every error and in the response body quoted by a status error.
 *
 * @example
 * ```ts
 * const notifier = new PushoverNotifier({ config, template: () => tmpl, log,
 *   userAgent: 'Alertmanager/0.25.0' })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class PushoverNotifier extends HttpNotifier<PushoverConfig> {
  /** The endpoint without query or fragment: 0.25 replaces its RawQuery. */
  readonly #endpoint: string

  /**
   * PushoverNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, logger, user agent and, in tests, the endpoint.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: PushoverNotifierOptions) {
    super(options)
    const apiURL = options.apiURL ?? PUSHOVER_API_URL
    const fragment = apiURL.indexOf('#')
    const base = fragment < 0 ? apiURL : apiURL.slice(0, fragment)
    const query = base.indexOf('?')
    this.#endpoint = query < 0 ? base : base.slice(0, query)
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's Pushover notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const parameters = renderPushoverParameters(this.config, fields, ctx.groupKey, this.log)
    throwOnTemplateError(fields)
    const url = `${this.#endpoint}?${encodePushoverParameters(parameters)}`
    // 0.25 logs no URL here: it holds the token and user key.
    this.log.debug({ incident: ctx.groupKey }, 'Sending message')
    const response = await this.client.post(
      url,
      '',
      { 'Content-Type': TEXT_CONTENT_TYPE },
      ctx.signal
    )
    // 0.25 quotes the body as it is; a body echoing the request back gets the URL redacted.
    const failure = classifyStatus(response.status, PUSHOVER_RETRY_CODES, () =>
      redactURLInMessage(response.body, url)
    )
    if (failure !== undefined) {
      throw failure
    }
  }
}
