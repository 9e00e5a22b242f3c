/**
 * @module inhibit
 * Owns inhibition (Alertmanager's inhibit/inhibit.go): the inhibitor that mutes alerts while a matching source
 * alert fires, with each rule's source cache indexed by its `equal` label values. May import
 * src/alerts, src/labels, src/config and src/util, through their index.ts only; must not import
 * notify, dispatch, api, silences, nflog, cluster, consul or cli.
 */
export { INHIBITOR_GC_INTERVAL_MS, Inhibitor } from './inhibitor.js'
export type { InhibitorOptions } from './inhibitor.js'
