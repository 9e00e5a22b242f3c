import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import { errorMessage } from '../../../util/index.js'
import type { NotifyContext } from '../../notifier.js'
import { truncateInRunes } from '../../truncate.js'
import { FieldRenderer, groupKeyHash, readFileAsGo } from '../fields.js'
import { finalError, HttpNotifier, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'
import { commonPairs } from '../template-data.js'

import { OPSGENIE_MAX_MESSAGE_RUNES, OPSGENIE_RETRY_CODES } from './config.js'
import type { OpsGenieConfig, OpsGenieResponder } from './config.js'
import { encodeCreate, encodeField, OpsGenieEndpoints, safeSplit } from './requests.js'
import type { OpsGenieRequest } from './requests.js'

/** OpsGenieNotifierOptions are what one `opsgenie_configs` entry needs to send. */
export type OpsGenieNotifierOptions = HttpNotifierOptions<OpsGenieConfig>

/**
 * OpsGenieNotifier is Alertmanager 0.25's OpsGenie integration (notify/opsgenie/opsgenie.go).
 * While any alert fires it creates the alert (`POST v2/alerts`, alias = SHA-256 of the group
 * key) and, with `update_alerts`, then sets its message and description (`PUT
 * v2/alerts/<alias>/message` and `/description`); once all are resolved it closes it (`POST
 * v2/alerts/<alias>/close`). Requests go one after the other with `Authorization: GenieKey
 * <key>`; the first failure ends the attempt, retryable for 5xx, 429 and failures to get a
 * response. A failed status quotes the response body.
 */
export class OpsGenieNotifier extends HttpNotifier<OpsGenieConfig> {
  readonly #endpoints: OpsGenieEndpoints

  /**
   * OpsGenieNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, logger and node-wide facts.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: OpsGenieNotifierOptions) {
    super(options)
    this.#endpoints = new OpsGenieEndpoints(options.config.api_url)
  }

  /**
   * notify sends the flush's requests in order, stopping at the first failure.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const { requests, apiKey } = await this.#createRequests(ctx, alerts)
    const headers = { Authorization: `GenieKey ${apiKey}` }
    for (const request of requests) {
      // The client's errors are already redacted, retryable NotifyErrors, as 0.25 returns them.
      // 0.25 quotes the body unredacted; a body may echo the URL, which may carry secrets.
      await this.client.sendJSON({
        ...request,
        headers,
        retryCodes: OPSGENIE_RETRY_CODES,
        signal: ctx.signal,
      })
    }
  }

  /** #createRequests is 0.25's createRequests: the requests and the API key to send them with. */
  async #createRequests(
    ctx: NotifyContext,
    alerts: readonly Alert[]
  ): Promise<{ requests: OpsGenieRequest[]; apiKey: string }> {
    const config = this.config
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    this.log.debug({ alert: ctx.groupKey }, 'opsgenie alert')
    // TmplText's first-error rule: the order of the renders below is 0.25's, which decides
    // whose error is reported when several fields fail. Go walks the details map in random
    // order; ours is sorted, one of Go's possible orders.
    const details = Object.assign(
      Object.create(null) as Record<string, string>,
      commonPairs(alerts.map((a) => a.labels))
    )
    for (const [key, text] of Object.entries(config.details ?? {}).sort(([a], [b]) =>
      a < b ? -1 : 1
    )) {
      details[key] = fields.text(text)
    }
    const alias = groupKeyHash(ctx.groupKey)
    const requests: OpsGenieRequest[] = []
    if (alerts.every((a) => isResolved(a, ctx.now))) {
      requests.push({
        method: 'POST',
        url: this.#endpoints.byAlias(alias, 'close'),
        body: encodeField('source', fields.text(config.source), false),
      })
    } else {
      const cut = truncateInRunes(fields.text(config.message), OPSGENIE_MAX_MESSAGE_RUNES)
      if (cut.truncated) {
        // 0.25 logs the group key as `alert` here, not `key`.
        this.log.warn(
          { alert: ctx.groupKey, max_runes: OPSGENIE_MAX_MESSAGE_RUNES },
          'Truncated message'
        )
      }
      const responders = renderResponders(config.responders ?? [], fields)
      const alert = {
        alias,
        message: cut.text,
        description: fields.text(config.description),
        details,
        source: fields.text(config.source),
        responders,
        tags: safeSplit(fields.text(config.tags ?? ''), ','),
        note: fields.text(config.note ?? ''),
        priority: fields.text(config.priority ?? ''),
        entity: fields.text(config.entity ?? ''),
        actions: safeSplit(fields.text(config.actions ?? ''), ','),
      }
      requests.push({ method: 'POST', url: this.#endpoints.create(), body: encodeCreate(alert) })
      if (config.update_alerts) {
        requests.push(
          {
            method: 'PUT',
            url: this.#endpoints.byAlias(alias, 'message'),
            body: encodeField('message', alert.message, true),
          },
          {
            method: 'PUT',
            url: this.#endpoints.byAlias(alias, 'description'),
            body: encodeField('description', alert.description, true),
          }
        )
      }
    }
    let apiKey: string
    if ((config.api_key ?? '') !== '') {
      apiKey = fields.text(config.api_key ?? '')
    } else {
      let content: string
      try {
        content = await readFileAsGo(config.api_key_file ?? '')
      } catch (err) {
        throw finalError(`read key_file error: ${errorMessage(err)}`, err)
      }
      // Not trimmed: 0.25 templates the file's content as it is, newline included.
      apiKey = fields.text(content)
    }
    throwOnTemplateError(fields, 'templating error: ')
    return { requests, apiKey }
  }
}

/**
 * renderResponders renders each responder's fields; a responder rendering all empty is dropped
 * (so responders can come from labels), and a `teams` responder becomes one `team` responder
 * per comma-separated name, each name rendered once more, as 0.25 does.
 */
function renderResponders(
  responders: readonly OpsGenieResponder[],
  fields: FieldRenderer
): Required<OpsGenieResponder>[] {
  const out: Required<OpsGenieResponder>[] = []
  for (const r of responders) {
    const responder = {
      id: fields.text(r.id ?? ''),
      name: fields.text(r.name ?? ''),
      username: fields.text(r.username ?? ''),
      type: fields.text(r.type ?? ''),
    }
    if (Object.values(responder).every((v) => v === '')) {
      continue
    }
    if (responder.type === 'teams') {
      for (const team of safeSplit(responder.name, ',')) {
        out.push({ id: '', name: fields.text(team), username: '', type: fields.text('team') })
      }
      continue
    }
    out.push(responder)
  }
  return out
}
