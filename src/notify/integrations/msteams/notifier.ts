import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { NotifyContext } from '../../notifier.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, readSecretField, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { MSTEAMS_RETRY_CODES } from './config.js'
import type { MSTeamsConfig } from './config.js'
import { buildMessageCard } from './payload.js'

/**
 * MSTeamsNotifierOptions are what one `msteams_configs` entry needs to send. `userAgent` is
 * `Alertmanager/<version>` as notify.PostJSON sends it. msteams.go logs nothing of its own, so
 * the logger goes unused.
 */
export type MSTeamsNotifierOptions = HttpNotifierOptions<MSTeamsConfig>

/**
 * MSTeamsNotifier is newer Alertmanager's Microsoft Teams integration (notify/msteams/msteams.go
 * at 68fb2d5, unchanged in behaviour since 0.27.0): it renders title, text and summary with
 * text/template (the first failing one fails the notification for good), reads
 * `webhook_url_file` at every notification, and POSTs a MessageCard whose colour says whether
 * any alert fires. 2xx succeeds, 5xx and failures to get a response are retried, other
 * statuses are final (`unexpected status code <code>: <body>`); the URL is `<redacted>` in
 * every error.
 */
export class MSTeamsNotifier extends HttpNotifier<MSTeamsConfig> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the msteams notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    // The order msteams.go renders them in: with first-error semantics it picks the error.
    const title = fields.text(config.title)
    const text = fields.text(config.text)
    const summary = fields.text(config.summary)
    throwOnTemplateError(fields)
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))
    const body = buildMessageCard({
      title,
      summary,
      text,
      status: firing ? 'firing' : 'resolved',
    })
    // Retrier.Check quotes the body; it may echo the (secret) URL back.
    const failure = await this.client.postJSON({
      url: await readSecretField({
        inline: config.webhook_url,
        file: config.webhook_url_file,
        emptyIsUnset: true,
        errorPrefix: 'read webhook_url_file: ',
      }),
      body,
      retryCodes: MSTEAMS_RETRY_CODES,
      signal: ctx.signal,
    })
    if (failure !== undefined) {
      throw failure
    }
  }
}
