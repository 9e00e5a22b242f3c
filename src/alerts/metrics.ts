import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import { isResolved } from './alert.js'
import type { Alert } from './alert.js'
import type { AlertStore } from './store.js'

/**
 * registerAlertsGauge registers `alertmanager_alerts{state}` as provider/mem's alerts gauge
 * counts it: unresolved alerts, active or suppressed as the node's status says, and
 * `unprocessed` always 0 (an alert is processed as it is stored).
 *
 * @param registry - the node's registry.
 * @param store - the alerts.
 * @param isSuppressed - whether an alert is silenced or inhibited now.
 */
export function registerAlertsGauge(
  registry: Registry,
  store: AlertStore,
  isSuppressed: (alert: Alert) => boolean
): void {
  new Gauge({
    name: 'alertmanager_alerts',
    help: 'How many alerts by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = Date.now()
      let active = 0
      let suppressed = 0
      for (const alert of store.values()) {
        if (!isResolved(alert, now)) {
          if (isSuppressed(alert)) {
            suppressed++
          } else {
            active++
          }
        }
      }
      this.set({ state: 'active' }, active)
      this.set({ state: 'suppressed' }, suppressed)
      this.set({ state: 'unprocessed' }, 0)
    },
  })
}
