import type { Alert } from '../alerts/index.js'
import { ACTIVE_STATUS } from '../api/index.js'
import type { AlertStatus } from '../api/index.js'
import type { Inhibitor } from '../inhibit/index.js'
import type { Silencer } from '../silences/index.js'

/**
 * alertStatusOf builds the status the API shows for an alert: silenced by the matching
 * silences, inhibited by the current config's inhibitor (none before the first config), or
 * active. It is recomputed on every read, as Alertmanager's API does through its marker, so a
 * new or expired silence shows at once; the silencer's per-alert cache keeps that cheap.
 *
 * @param silencer - the node's silencer.
 * @param inhibitor - the running config's inhibitor, read at every call.
 * @returns the status function.
 */
export function alertStatusOf(
  silencer: Silencer,
  inhibitor: () => Inhibitor | undefined
): (alert: Alert) => AlertStatus {
  return (alert) => {
    const { silencedBy } = silencer.status(alert.labels, alert.fingerprint)
    const source = inhibitor()?.inhibitedBy(alert.labels)
    const inhibitedBy = source === undefined ? [] : [source]
    if (silencedBy.length === 0 && inhibitedBy.length === 0) {
      return ACTIVE_STATUS
    }
    return { state: 'suppressed', silencedBy, inhibitedBy }
  }
}
