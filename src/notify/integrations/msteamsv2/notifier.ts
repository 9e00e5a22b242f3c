import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { NotifyContext } from '../../notifier.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, readSecretField, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { MSTEAMSV2_RETRY_CODES } from './config.js'
import type { MSTeamsV2Config } from './config.js'
import { buildAdaptiveCard } from './payload.js'

/**
 * MSTeamsV2NotifierOptions are what one `msteamsv2_configs` entry needs to send. `userAgent` is
 * `Alertmanager/<version>` as notify.PostJSON sends it. msteamsv2.go logs only the group key at
 * debug level, which alertmesh leaves out, so the logger goes unused.
 */
export type MSTeamsV2NotifierOptions = HttpNotifierOptions<MSTeamsV2Config>

/**
 * MSTeamsV2Notifier is newer Alertmanager's Microsoft Teams integration for Power Automate
 * workflow webhooks (notify/msteamsv2/msteamsv2.go at 68fb2d5): it renders title and text with
 * text/template (the first failing one fails the notification for good), reads
 * `webhook_url_file` at every notification, and POSTs an Adaptive Card whose title colour says
 * whether any alert fires. 2xx succeeds, 5xx and failures to get a response are retried, other
 * statuses are final (`unexpected status code <code>: <body>`); the URL is `<redacted>` in
 * every error.
 */
export class MSTeamsV2Notifier extends HttpNotifier<MSTeamsV2Config> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the msteamsv2 notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    // The order msteamsv2.go renders them in: with first-error semantics it picks the error.
    const title = fields.text(config.title)
    const text = fields.text(config.text)
    throwOnTemplateError(fields)
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))
    const body = buildAdaptiveCard({ title, text, status: firing ? 'firing' : 'resolved' })
    // Retrier.Check quotes the body; it may echo the (secret) URL back.
    const failure = await this.client.postJSON({
      url: await readSecretField({
        inline: config.webhook_url,
        file: config.webhook_url_file,
        emptyIsUnset: true,
        errorPrefix: 'read webhook_url_file: ',
      }),
      body,
      retryCodes: MSTEAMSV2_RETRY_CODES,
      signal: ctx.signal,
    })
    if (failure !== undefined) {
      throw failure
    }
  }
}
