import type { Readable } from 'node:stream'

import { prepareAlert } from '../../alerts/index.js'
import type { Alert } from '../../alerts/index.js'
import type { Route } from '../../dispatch/index.js'
import type { Matcher } from '../../labels/index.js'
import { goJSONString, goJSONStringMap } from '../../util/index.js'

import { receiversJson, statusJson } from './alert-json.js'
import type { AlertJsonCache, AlertStatus } from './alert-json.js'
import type { ApiDeps } from './deps.js'
import { jsonArrayStream } from './json-stream.js'
import { parsePostableAlerts } from './postable-alerts.js'

/** AlertQuery is the parsed query of GET /api/v2/alerts and /alerts/groups. */
export interface AlertQuery {
  readonly active: boolean
  readonly silenced: boolean
  readonly inhibited: boolean
  readonly matchers: readonly Matcher[]
}

/**
 * AlertFilter keeps the alerts a query asks for (Alertmanager's api.alertFilter): not yet
 * ended, state and mute flags as asked, and every filter matcher matching.
 */
export type AlertFilter = (alert: Alert) => AlertStatus | undefined

/**
 * alertFilter builds the filter of a query at one instant.
 *
 * @param deps - for the alert status.
 * @param query - the parsed query.
 * @param now - the request instant.
 * @returns a function giving the alert's status when it passes, else undefined.
 */
export function alertFilter(deps: ApiDeps, query: AlertQuery, now: number): AlertFilter {
  return (alert) => {
    if (alert.endsAt !== 0 && alert.endsAt < now) {
      return undefined
    }
    const status = deps.alertStatus(alert)
    if (!query.active && status.state === 'active') {
      return undefined
    }
    if (!query.silenced && status.silencedBy.length > 0) {
      return undefined
    }
    if (!query.inhibited && status.inhibitedBy.length > 0) {
      return undefined
    }
    for (const matcher of query.matchers) {
      if (!matcher.matchesLabels(alert.labels)) {
        return undefined
      }
    }
    return status
  }
}

/**
 * ReceiverCache remembers, per alert version, the JSON of the receivers its labels route to.
 * Routing is the costly part of listing many alerts, and its result only changes with the
 * alert or the config; the receiver lists themselves are few and interned.
 */
export class ReceiverCache {
  #route: Route | undefined
  #byAlert = new WeakMap<Alert, { names: string[]; json: string }>()
  readonly #interned = new Map<string, { names: string[]; json: string }>()

  /**
   * get returns the receivers of an alert under a routing tree.
   *
   * @param route - the current routing tree.
   * @param alert - the alert.
   * @returns the receiver names in routing order and their JSON.
   */
  get(route: Route, alert: Alert): { names: string[]; json: string } {
    if (route !== this.#route) {
      this.#route = route
      this.#byAlert = new WeakMap()
      this.#interned.clear()
    }
    let entry = this.#byAlert.get(alert)
    if (entry === undefined) {
      const names = route.match(alert.labels).map((r) => r.opts.receiver)
      const key = names.join('\u0000')
      entry = this.#interned.get(key)
      if (entry === undefined) {
        entry = { names, json: receiversJson(names) }
        this.#interned.set(key, entry)
      }
      this.#byAlert.set(alert, entry)
    }
    return entry
  }
}

/** ListingCaches are what GET listings remember across requests. */
export interface ListingCaches {
  readonly receivers: ReceiverCache
  readonly alertJson: AlertJsonCache
}

/**
 * listAlerts answers GET /api/v2/alerts (Alertmanager's getAlertsHandler): every stored alert
 * passing the filter and, when given, whose receivers match the receiver regex; sorted by
 * fingerprint.
 *
 * @param deps - the node.
 * @param caches - receiver and alert JSON caches shared across requests.
 * @param query - the parsed query.
 * @param receiver - the anchored receiver regex, if any.
 * @returns the response body stream.
 */
export function listAlerts(
  deps: ApiDeps,
  caches: ListingCaches,
  query: AlertQuery,
  receiver: { test(s: string): boolean } | undefined
): Readable {
  const { route } = deps.runtime()
  const filter = alertFilter(deps, query, deps.now())
  const rows: { alert: Alert; receivers: string; status: AlertStatus }[] = []
  for (const alert of deps.store.values()) {
    const receivers = caches.receivers.get(route, alert)
    if (receiver !== undefined && !receivers.names.some((name) => receiver.test(name))) {
      continue
    }
    const status = filter(alert)
    if (status !== undefined) {
      rows.push({ alert, receivers: receivers.json, status })
    }
  }
  // Sorting the keys natively and looking rows up is far cheaper than a JS comparator.
  const byFingerprint = new Map(rows.map((row) => [row.alert.fingerprint, row]))
  const order = [...byFingerprint.keys()].sort()
  rows.length = 0
  for (const fp of order) {
    rows.push(byFingerprint.get(fp) as (typeof rows)[number])
  }
  return jsonArrayStream(rows.length, (i, sink) => {
    const row = rows[i] as (typeof rows)[number]
    sink.write(caches.alertJson.json(row.alert, row.receivers, statusJson(row.status)))
  })
}

/**
 * listAlertGroups answers GET /api/v2/alerts/groups (Alertmanager's getAlertGroupsHandler).
 *
 * @param deps - the node.
 * @param caches - receiver and alert JSON caches shared across requests.
 * @param query - the parsed query.
 * @param receiver - the anchored receiver regex, if any, applied to each group's receiver.
 * @returns the response body stream.
 */
export function listAlertGroups(
  deps: ApiDeps,
  caches: ListingCaches,
  query: AlertQuery,
  receiver: { test(s: string): boolean } | undefined
): Readable {
  const { dispatcher } = deps.runtime()
  const filter = alertFilter(deps, query, deps.now())
  const statuses = new Map<Alert, AlertStatus>()
  const { groups, receivers } = dispatcher.groups(
    (route) => receiver === undefined || receiver.test(route.opts.receiver),
    (alert) => {
      const status = filter(alert)
      if (status !== undefined) {
        statuses.set(alert, status)
      }
      return status !== undefined
    }
  )
  // An alert's receivers here are those of the listed groups it is in: a few distinct lists,
  // rendered once per request; one shared text also makes the JSON cache's check a pointer
  // comparison.
  const receiverTexts = new Map<string, string>()
  const receiversText = (fingerprint: string): string => {
    const names = receivers.get(fingerprint) ?? []
    const key = names.join('\u0000')
    let text = receiverTexts.get(key)
    if (text === undefined) {
      text = receiversJson(names)
      receiverTexts.set(key, text)
    }
    return text
  }
  return jsonArrayStream(groups.length, (i, sink) => {
    const group = groups[i] as (typeof groups)[number]
    sink.write('{"alerts":[')
    group.alerts.forEach((alert, index) => {
      const status = statuses.get(alert) ?? deps.alertStatus(alert)
      if (index > 0) {
        sink.write(',')
      }
      sink.write(caches.alertJson.json(alert, receiversText(alert.fingerprint), statusJson(status)))
    })
    sink.write(
      `],"labels":${goJSONStringMap(group.labels)},"receiver":{"name":${goJSONString(group.receiver)}}}`
    )
  })
}

/**
 * postAlerts applies POST /api/v2/alerts (Alertmanager's postAlertsHandler): defaults and
 * validation per alert, best effort (valid alerts are stored even when others are not), and
 * the validation errors joined by "; ".
 *
 * @param deps - the node.
 * @param body - the request body text.
 * @returns undefined on success, else the error text for a 400 answer.
 */
export function postAlerts(deps: ApiDeps, body: string): string | undefined {
  const posted = parsePostableAlerts(body)
  const now = deps.now()
  const resolveTimeoutMs = deps.runtime().config.config.global.resolve_timeout
  const valid: Alert[] = []
  const errors: string[] = []
  let firing = 0
  for (const item of posted) {
    // Alertmanager counts every received alert, valid or not, by its (defaulted) end.
    if ((item.endsAt === 0 ? now + resolveTimeoutMs : item.endsAt) > now) {
      firing++
    }
    const prepared = prepareAlert(item, now, resolveTimeoutMs)
    if (prepared.error === undefined) {
      valid.push(prepared.alert)
    } else {
      errors.push(prepared.error)
    }
  }
  deps.metrics.countReceived(firing, posted.length - firing)
  if (errors.length > 0) {
    deps.metrics.alertsInvalid.inc({ version: 'v2' }, errors.length)
  }
  deps.store.put(valid)
  return errors.length > 0 ? errors.join('; ') : undefined
}
