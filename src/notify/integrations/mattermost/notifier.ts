import type { Alert } from '../../../alerts/index.js'
import { goQuote } from '../../../labels/index.js'
import { redactURLInMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { FieldRenderer } from '../fields.js'
import {
  finalError,
  HttpNotifier,
  JSON_CONTENT_TYPE,
  readSecretField,
  throwOnTemplateError,
} from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { MATTERMOST_RETRY_CODES } from './config.js'
import type { MattermostConfig } from './config.js'
import { createRequest, encodeRequest, sanitizeRequest } from './payload.js'

/**
 * MattermostNotifierOptions are what one `mattermost_configs` entry needs to send. `log` gets
 * the truncation and priority warnings; `userAgent` is `Alertmanager/<version>` as
 * notify.PostJSON sends it.
 */
export type MattermostNotifierOptions = HttpNotifierOptions<MattermostConfig>

/**
 * MattermostNotifier is newer Alertmanager's Mattermost integration (notify/mattermost/
 * mattermost.go at 68fb2d5): it reads `webhook_url_file` at every notification (an unreadable
 * file or an empty URL fails for good), renders the request (first template error fails for
 * good), sanitises it (text cut to 16383 runes, priority flags made consistent, each logged)
 * and POSTs it to the webhook. 2xx succeeds, 5xx and failures to get a response are retried,
 * other statuses are final; status errors name the channel, and the URL is `<redacted>`.
 */
export class MattermostNotifier extends HttpNotifier<MattermostConfig> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the mattermost notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    // Go returns os.ReadFile's error as it is.
    const url = await readSecretField({
      inline: this.config.webhook_url,
      file: this.config.webhook_url_file,
      emptyIsUnset: false,
      errorPrefix: '',
    })
    if (url === '') {
      throw finalError('webhook url missing')
    }
    const req = createRequest(this.config, (t) => fields.text(t))
    throwOnTemplateError(fields)
    sanitizeRequest(req, ctx.groupKey, (record, message) => {
      this.log.warn(record, message)
    })
    const response = await this.client.post(
      url,
      encodeRequest(req),
      { 'Content-Type': JSON_CONTENT_TYPE },
      ctx.signal
    )
    // Retrier.Check quotes the body; it may echo the (secret) URL back.
    const failure = classifyStatus(response.status, MATTERMOST_RETRY_CODES, () =>
      redactURLInMessage(response.body, url)
    )
    if (failure !== undefined) {
      throw new NotifyError(`channel ${goQuote(req.channel)}: ${failure.message}`, {
        retryable: failure.retryable,
        reason: failure.reason,
        cause: failure,
      })
    }
    this.log.debug({ status: response.status }, 'Message sent to Mattermost successfully')
  }
}
