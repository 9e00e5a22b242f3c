/**
 * @module inhibit
 * Inhibition: alerts muted while a matching source alert fires (inhibit_rules). May import
 * alerts, labels, config and util.
 */
export { Inhibitor } from './inhibitor.js'
export type { InhibitorOptions } from './inhibitor.js'
