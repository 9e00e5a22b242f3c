import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { truncateInRunes } from '../../truncate.js'
import { FieldRenderer, groupKeyHash, readKeyFileAsGo } from '../fields.js'
import { HttpNotifier, readSecretField, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { VICTOROPS_MAX_STATE_MESSAGE_RUNES, VICTOROPS_RETRY_CODES } from './config.js'
import type { VictorOpsConfig } from './config.js'
import { encodeVictorOpsMessage, victorOpsURL } from './payload.js'

/**
 * VictorOpsNotifierOptions are what one `victorops_configs` entry needs to send; an injected
 * `httpClient` is not closed by {@link VictorOpsNotifier.close}.
 */
export type VictorOpsNotifierOptions = HttpNotifierOptions<VictorOpsConfig>

/** The message types 0.25 lets a firing notification keep; any other becomes CRITICAL. */
const FIRING_MESSAGE_TYPES: ReadonlySet<string> = new Set(['INFO', 'WARNING', 'CRITICAL'])
const TRIGGER = 'CRITICAL'
const RESOLVE = 'RECOVERY'

/**
 * VictorOpsNotifier is Alertmanager 0.25's VictorOps integration
 * (notify/victorops/victorops.go): one JSON alert per flush, POSTed to
 * `<api_url><api_key>/<routing_key>`, whose `entity_id` is the SHA-256 of the group key so that
 * VictorOps ties the RECOVERY to its CRITICAL.
 *
 * Failures follow 0.25 to the letter, including where it is inconsistent: an unreadable
 * `api_key_file` or a routing key that fails to render is final, but a failing template in the
 * body (message_type, state_message, entity_display_name, monitoring_tool, custom_fields) is
 * retried, as 0.25's Notify returns `true` for every error of createVictorOpsPayload. Statuses
 * are judged by the plain Retrier: 2xx succeeds, 5xx and failures to get a response are
 * retried, anything else is final, reported as `unexpected status code <n>: <body>` with the
 * URL (which carries the API key) redacted.
 */
export class VictorOpsNotifier extends HttpNotifier<VictorOpsConfig> {
  /**
   * notify sends one attempt for the flush: CRITICAL (or the configured INFO/WARNING) while any
   * alert fires, RECOVERY once all are resolved.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's VictorOps notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    // The API key: inline, else `api_key_file`'s trimmed content, read now as 0.25 does.
    const apiKey = await readSecretField({
      inline: this.config.api_key,
      file: this.config.api_key_file,
      emptyIsUnset: true,
      errorPrefix: 'failed to read API key from file: ',
      read: readKeyFileAsGo,
    })
    // 0.25 renders the routing key into the URL and fails for good on its template error
    // before it builds the body; the body's fields then render with a fresh error state,
    // which this renderer still has when the routing key rendered.
    const url = victorOpsURL(config.api_url, apiKey, fields.text(config.routing_key))
    throwOnTemplateError(fields, 'templating error: ')

    const resolved = alerts.every((a) => isResolved(a, ctx.now))
    let messageType = fields.text(config.message_type)
    if (!resolved && !FIRING_MESSAGE_TYPES.has(messageType)) {
      messageType = TRIGGER
    }
    if (resolved) {
      messageType = RESOLVE
    }
    // 0.25 truncates (and warns) before it looks at template errors.
    const stateMessage = truncateInRunes(
      fields.text(config.state_message),
      VICTOROPS_MAX_STATE_MESSAGE_RUNES
    )
    if (stateMessage.truncated) {
      this.log.warn(
        { incident: ctx.groupKey, max_runes: VICTOROPS_MAX_STATE_MESSAGE_RUNES },
        'Truncated state_message'
      )
    }
    // No prototype: a custom field named `__proto__` stays an ordinary key.
    const message = Object.create(null) as Record<string, string>
    message['message_type'] = messageType
    message['entity_id'] = groupKeyHash(ctx.groupKey)
    message['entity_display_name'] = fields.text(config.entity_display_name)
    message['state_message'] = stateMessage.text
    message['monitoring_tool'] = fields.text(config.monitoring_tool)
    throwRetryableOnTemplateError(fields)
    // Go ranges over custom_fields in random order, so which of several failing fields is
    // reported varies there; here it is the sorted order, one of Go's possible ones.
    const custom = config.custom_fields ?? {}
    for (const key of Object.keys(custom).sort()) {
      message[key] = fields.text(custom[key] ?? '')
      throwRetryableOnTemplateError(fields)
    }

    // The client's errors are already redacted; 0.25 returns them as they are.
    await this.client.sendJSON({
      url,
      body: encodeVictorOpsMessage(message),
      retryCodes: VICTOROPS_RETRY_CODES,
      signal: ctx.signal,
    })
  }
}

/**
 * throwRetryableOnTemplateError is 0.25's `return true, fmt.Errorf("templating error: %s",
 * err)` in Notify after createVictorOpsPayload: unlike most notifiers, a template error in the
 * body is retried until the flush gives up.
 */
function throwRetryableOnTemplateError(fields: FieldRenderer): void {
  if (fields.error !== undefined) {
    throw new NotifyError(`templating error: ${fields.error.message}`, {
      retryable: true,
      reason: 'other',
      cause: fields.error,
    })
  }
}
