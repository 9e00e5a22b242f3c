import type { Alert } from '../../alerts/index.js'
import { isResolved } from '../../alerts/index.js'
import type { NotifyContext } from '../notifier.js'

import { FieldRenderer } from './fields.js'
import { HttpNotifier, readSecretField, throwOnTemplateError } from './http-notifier.js'
import type { TeamsWebhookConfig } from './teams-config.js'

export type { TeamsWebhookConfig } from './teams-config.js'

/**
 * TeamsNotifier is what newer Alertmanager's two Microsoft Teams notifiers share
 * (notify/msteams/msteams.go and notify/msteamsv2/msteamsv2.go at 68fb2d5): render the
 * card's fields with text/template (the first failing one fails the notification for good),
 * read `webhook_url_file` at every notification (an empty inline URL counts as unset), and
 * POST the card. 2xx succeeds, 5xx and failures to get a response are retried, other statuses
 * are final (`unexpected status code <code>: <body>`); the URL is `<redacted>` in every
 * error. Each kind supplies its card and retry codes.
 */
export abstract class TeamsNotifier<C extends TeamsWebhookConfig> extends HttpNotifier<C> {
  /** The non-5xx statuses the kind retries. */
  protected abstract readonly retryCodes: readonly number[]

  /**
   * card renders the kind's fields, in the order its Go notifier renders them (with
   * first-error semantics that order picks the error), and builds the body.
   *
   * @param fields - the notification's templated fields.
   * @param status - whether any alert fires.
   * @returns the JSON body.
   */
  protected abstract card(fields: FieldRenderer, status: 'firing' | 'resolved'): string

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the kind's Go notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))
    const body = this.card(fields, firing ? 'firing' : 'resolved')
    throwOnTemplateError(fields)
    // Retrier.Check quotes the body; it may echo the (secret) URL back.
    await this.client.sendJSON({
      url: await readSecretField({
        inline: this.config.webhook_url,
        file: this.config.webhook_url_file,
        emptyIsUnset: true,
        errorPrefix: 'read webhook_url_file: ',
      }),
      body,
      retryCodes: this.retryCodes,
      signal: ctx.signal,
    })
  }
}
