/**
 * @module api
 * The HTTP face of a node: Alertmanager's API v2, alertmesh's own read-only API (routing tree
 * under /api/alertmesh/v1), health and readiness, reload, metrics and the
 * UI files. The only folder that imports koa. May import alerts, silences, dispatch, cluster,
 * config, labels and util.
 */
export {
  DEFAULT_GET_CONCURRENCY,
  MAX_BODY_BYTES,
  createHttpApp,
  normalizeRoutePrefix,
} from './app.js'
export type { HttpOptions, UiAsset, UiFiles } from './app.js'
export { ALERTMESH_API_PREFIX } from './alertmesh/router.js'
export type { InheritableOption, RouteJson, RouteTestJson } from './alertmesh/routes-wire.js'
export { HandlerError, OpenApiError, statusForError } from './errors.js'
export { createApiMetrics } from './metrics.js'
export type { ApiMetrics } from './metrics.js'
export { ACTIVE_STATUS } from './v2/alert-json.js'
export type { AlertStatus } from './v2/alert-json.js'
export type {
  ApiDeps,
  ApiRuntime,
  ClusterView,
  ConfigSourceView,
  MemberConfigView,
  PeerView,
  VersionInfo,
} from './v2/deps.js'
export type { SilenceStore } from './v2/silences.js'
export type { HistorySource } from './v2/deps.js'
