import type { Alert } from '../../alerts/index.js'
import { goJSONString, goJSONStringMap, formatRFC3339Millis } from '../../util/index.js'

/** AlertStatus is an alert's state as the API reports it (Alertmanager's types.AlertStatus). */
export interface AlertStatus {
  readonly state: 'unprocessed' | 'active' | 'suppressed'
  readonly silencedBy: readonly string[]
  readonly inhibitedBy: readonly string[]
}

/** ACTIVE_STATUS is the status of an alert that is neither silenced nor inhibited. */
export const ACTIVE_STATUS: AlertStatus = { state: 'active', silencedBy: [], inhibitedBy: [] }

const ACTIVE_STATUS_JSON = renderStatus(ACTIVE_STATUS)

/**
 * statusJson renders a status in go-swagger's key order.
 *
 * @param status - the status.
 * @returns the JSON text.
 */
export function statusJson(status: AlertStatus): string {
  if (status === ACTIVE_STATUS) {
    return ACTIVE_STATUS_JSON
  }
  return renderStatus(status)
}

function renderStatus(status: AlertStatus): string {
  return `{"inhibitedBy":${JSON.stringify(status.inhibitedBy)},"silencedBy":${JSON.stringify(status.silencedBy)},"state":"${status.state}"}`
}

/**
 * receiversJson renders receiver names as `[{"name":…}]`.
 *
 * @param receivers - receiver names, in the order to report.
 * @returns the JSON text.
 */
export function receiversJson(receivers: readonly string[]): string {
  return `[${receivers.map((name) => `{"name":${goJSONString(name)}}`).join(',')}]`
}

/**
 * gettableAlertJson renders one alert exactly as Alertmanager 0.25's API does: go-swagger emits
 * the gettableAlert's own fields in alphabetical order, then the embedded alert's generatorURL
 * (omitted when empty) and labels.
 *
 * @param alert - the stored alert.
 * @param receiversText - receiversJson of the alert's receivers.
 * @param statusText - statusJson of the alert's status.
 * @returns the JSON text of the object.
 */
export function gettableAlertJson(alert: Alert, receiversText: string, statusText: string): string {
  const generator =
    alert.generatorURL === '' ? '' : `"generatorURL":${goJSONString(alert.generatorURL)},`
  return (
    `{"annotations":${goJSONStringMap(alert.annotations)},` +
    `"endsAt":"${formatRFC3339Millis(alert.endsAt)}",` +
    `"fingerprint":"${alert.fingerprint}",` +
    `"receivers":${receiversText},` +
    `"startsAt":"${formatRFC3339Millis(alert.startsAt)}",` +
    `"status":${statusText},` +
    `"updatedAt":"${formatRFC3339Millis(alert.updatedAt)}",` +
    `${generator}"labels":${goJSONStringMap(alert.labels)}}`
  )
}

/**
 * AlertJsonCache remembers each alert's JSON with the receivers and status texts it was
 * rendered with. A stored alert never changes (an update stores a new object), so an entry is
 * valid exactly while the receivers and status texts are equal to the ones of the current
 * request: a new silence, an inhibition, a reload or a resolve shows at once, with no event to
 * listen for. Rendering is the costly part of a 100k-alert listing; comparing two short texts is
 * not. Entries go with their alert (a WeakMap).
 */
export class AlertJsonCache {
  readonly #byAlert = new WeakMap<
    Alert,
    { readonly receivers: string; readonly status: string; readonly json: string }
  >()

  /**
   * json returns gettableAlertJson(alert, receiversText, statusText), from the cache when the
   * alert was last rendered with the same texts.
   *
   * @param alert - the stored alert.
   * @param receiversText - receiversJson of the alert's receivers.
   * @param statusText - statusJson of the alert's status.
   * @returns the JSON text of the object.
   */
  json(alert: Alert, receiversText: string, statusText: string): string {
    const entry = this.#byAlert.get(alert)
    if (entry?.receivers === receiversText && entry.status === statusText) {
      return entry.json
    }
    const json = gettableAlertJson(alert, receiversText, statusText)
    this.#byAlert.set(alert, { receivers: receiversText, status: statusText, json })
    return json
  }
}
