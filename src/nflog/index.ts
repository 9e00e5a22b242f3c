/**
 * @module nflog
 * The notification log: the last notification per aggregation group and integration, merged
 * last-writer-wins across nodes. May import labels and util only; it satisfies notify's
 * NotificationLog structurally.
 */
export { Nflog, stateKey } from './nflog.js'
export type { MeshEntry, NflogEntry, NflogOptions, NflogReceiver } from './nflog.js'
