import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { NotifyContext } from '../../notifier.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { DISCORD_COLORS, DISCORD_RETRY_CODES } from './config.js'
import type { DiscordConfig } from './config.js'
import { encodeDiscordMessage } from './payload.js'

/**
 * DiscordNotifierOptions are what one `discord_configs` entry needs to send; an injected
 * `httpClient` is not closed by {@link DiscordNotifier.close}.
 */
export type DiscordNotifierOptions = HttpNotifierOptions<DiscordConfig>

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
export class DiscordNotifier extends HttpNotifier<DiscordConfig> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's Discord notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    this.log.debug({ incident: ctx.groupKey })
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const title = fields.text(this.config.title)
    const description = fields.text(this.config.message)
    throwOnTemplateError(fields)
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))
    const body = encodeDiscordMessage({
      title,
      description,
      color: firing ? DISCORD_COLORS.firing : DISCORD_COLORS.resolved,
    })
    // 0.25 quotes the body as it is; a body echoing the secret URL back gets it redacted.
    await this.client.sendJSON({
      url: this.config.webhook_url,
      body,
      retryCodes: DISCORD_RETRY_CODES,
      signal: ctx.signal,
    })
  }
}
