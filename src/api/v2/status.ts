import { goJSONStringify, formatRFC3339Millis } from '../../util/index.js'

import type { ApiDeps } from './deps.js'

/**
 * statusBody renders GET /api/v2/status in go-swagger's key order.
 *
 * @param deps - the node.
 * @returns the JSON text (with Alertmanager's trailing newline).
 */
export function statusBody(deps: ApiDeps): string {
  const cluster = deps.cluster()
  const peers = [...cluster.peers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((peer) => ({ address: peer.address, name: peer.name }))
  const v = deps.version
  const body = {
    cluster: {
      ...(cluster.name === undefined ? {} : { name: cluster.name }),
      peers,
      status: cluster.status,
    },
    config: { original: deps.runtime().config.original },
    uptime: formatRFC3339Millis(deps.startedAt),
    versionInfo: {
      branch: v.branch,
      buildDate: v.buildDate,
      buildUser: v.buildUser,
      goVersion: v.goVersion,
      revision: v.revision,
      version: v.version,
    },
    // alertmesh's own section: where this node's config came from, so drift between replicas
    // and a node running on its cached config are visible. Alertmanager clients ignore it.
    alertmesh: deps.node(),
  }
  return `${goJSONStringify(body)}\n`
}

/**
 * receiversBody renders GET /api/v2/receivers: every configured receiver in config order,
 * referenced by a route or not.
 *
 * @param deps - the node.
 * @returns the JSON text.
 */
export function receiversBody(deps: ApiDeps): string {
  const names = deps.runtime().config.config.receivers.map((r) => ({ name: r.name }))
  return `${goJSONStringify(names)}\n`
}
