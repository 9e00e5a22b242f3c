/**
 * @module dispatch
 * The routing tree, aggregation groups and the dispatcher that feeds group flushes to the
 * notification pipeline. May import alerts, labels, config, notify and util.
 */
export { AggregationGroup } from './aggregation-group.js'
export type { FlushFn } from './aggregation-group.js'
export { Dispatcher } from './dispatcher.js'
export type { AlertGroupView, DispatcherOptions } from './dispatcher.js'
export { MIN_FLUSH_TIMEOUT_MS, flushTimeoutMs } from './flush-timeout.js'
export { createDispatcherMetrics } from './metrics.js'
export type { DispatcherMetrics } from './metrics.js'
export { DEFAULT_ROUTE_OPTS, Route, buildRouteTree } from './route.js'
export type { RouteOpts } from './route.js'
