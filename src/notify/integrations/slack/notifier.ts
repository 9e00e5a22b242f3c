import type { Alert } from '../../../alerts/index.js'
import { goQuote } from '../../../labels/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, readSecretField, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { SLACK_RETRY_CODES } from './config.js'
import type { SlackConfig } from './config.js'
import { encodeSlackMessage, renderSlackMessage } from './payload.js'

/**
 * SlackNotifierOptions are what one `slack_configs` entry needs to send; an injected
 * `httpClient` is not closed by {@link SlackNotifier.close}.
 */
export type SlackNotifierOptions = HttpNotifierOptions<SlackConfig>

/**
 * SlackNotifier is Alertmanager 0.25's Slack integration (`notify/slack/slack.go`): it renders
 * one attachment from the entry's templates and POSTs it as JSON to `api_url`, or to the URL
 * read (and trimmed) from `api_url_file` at each notification. A template error fails the
 * notification for good with the template's message; so does an unreadable `api_url_file`.
 * 2xx succeeds; 5xx and failures to get a response are retryable, any other status is final
 * (Slack adds no retry codes). A status error reads as 0.25's does,
 * `channel "<channel>": unexpected status code <code>: <body>`, with the URL redacted wherever
 * it shows, because Slack webhook URLs are secrets.
 *
 * @example
 * ```ts
 * const notifier = new SlackNotifier({ config, template: () => tmpl, log,
 *   userAgent: 'Alertmanager/0.25.0' })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class SlackNotifier extends HttpNotifier<SlackConfig> {
  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's Slack notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const message = renderSlackMessage(this.config, fields, ctx.groupKey, this.log)
    throwOnTemplateError(fields)
    const body = encodeSlackMessage(message)
    // The client's errors are thrown as they are, without the channel: 0.25 wraps only the
    // status error with it. 0.25 quotes the body as it is; a body echoing the secret URL back
    // gets it redacted.
    const failure = await this.client.postJSON({
      url: await readSecretField({
        inline: this.config.api_url,
        file: this.config.api_url_file,
        emptyIsUnset: false,
        errorPrefix: '',
      }),
      body,
      retryCodes: SLACK_RETRY_CODES,
      signal: ctx.signal,
    })
    if (failure !== undefined) {
      throw new NotifyError(`channel ${goQuote(message.channel)}: ${failure.message}`, {
        retryable: failure.retryable,
        reason: failure.reason,
      })
    }
  }
}
