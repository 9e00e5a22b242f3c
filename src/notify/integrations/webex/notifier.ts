import type { Alert } from '../../../alerts/index.js'
import type { NotifyContext } from '../../notifier.js'
import { truncateInBytes } from '../../truncate.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { WEBEX_MAX_MESSAGE_BYTES, WEBEX_RETRY_CODES } from './config.js'
import type { WebexConfig } from './config.js'
import { encodeWebexMessage } from './payload.js'

/**
 * WebexNotifierOptions are what one `webex_configs` entry needs to send. The client is built
 * from `config.http_config`, whose `authorization` the config requires, unless one is injected;
 * an injected one is not closed by {@link WebexNotifier.close}.
 */
export type WebexNotifierOptions = HttpNotifierOptions<WebexConfig>

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
export class WebexNotifier extends HttpNotifier<WebexConfig> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's Webex notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    this.log.debug({ incident: ctx.groupKey })
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const rendered = fields.text(this.config.message)
    throwOnTemplateError(fields)
    const message = truncateInBytes(rendered, WEBEX_MAX_MESSAGE_BYTES)
    if (message.truncated) {
      // 0.25 logs this one at debug level, with the message as cut (not a group key).
      this.log.debug(
        { truncated_message: message.text },
        'message truncated due to exceeding maximum allowed length by webex'
      )
    }
    const body = encodeWebexMessage(message.text, this.config.room_id)
    // 0.25 quotes the body as it is; a body echoing the URL back gets it redacted.
    await this.client.sendJSON({
      url: this.config.api_url,
      body,
      retryCodes: WEBEX_RETRY_CODES,
      signal: ctx.signal,
    })
  }
}
