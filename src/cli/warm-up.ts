import type { AlertStore } from '../alerts/index.js'
import { warmUpHttpClient } from '../notify/index.js'

/**
 * warmUpOnFirstAlert loads the notifiers' HTTP library (undici) right after the first alert
 * arrives and sends one request through it on the loopback interface (warmUpHttpClient). A node
 * that never gets an alert never pays for it (start-up and idle memory stay as they are), and
 * one that does pays during group_wait, so the first notification is not late: in a 3-node
 * cluster with group_wait 1s the first notifications of a fresh node arrived after 1.28 s where
 * Alertmanager's arrive after 1.05 s, and loading alone still left the first request ~20 ms
 * slower than the next (parser and request path compiled on first use).
 *
 * @param store - the alert store; the listener leaves it after the first alert.
 */
export function warmUpOnFirstAlert(store: AlertStore): void {
  let seen = false
  const unsubscribe = store.subscribe(() => {
    if (seen) {
      return
    }
    seen = true
    // After the request that brought the alert is answered, not inside it.
    setImmediate(() => {
      unsubscribe()
      void warmUpHttpClient()
    })
  })
}
