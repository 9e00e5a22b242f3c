/**
 * @module alerts
 * The alert model, Alertmanager's ingestion rules and the in-memory alert store with its
 * subscriptions. May import labels and util only.
 */
export { alertString, alertsString, isResolved } from './alert.js'
export type { Alert } from './alert.js'
export { mergeAlerts } from './merge.js'
export { prepareAlert } from './postable.js'
export type { PostableAlert, PreparedAlert } from './postable.js'
export { registerAlertsGauge } from './metrics.js'
export { AlertStore } from './store.js'
export type { AlertListener, AlertStoreOptions } from './store.js'
export { compareAlerts, compareLabelSets, labelSetBefore } from './order.js'
