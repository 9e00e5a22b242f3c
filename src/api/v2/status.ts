import { goJSONStringify, formatRFC3339Millis } from '../../util/index.js'

import type { ApiDeps, ClusterView, ConfigSourceView } from './deps.js'

/** NodeConfigStatus is one `alertmesh.nodes` entry, in its JSON key order. */
interface NodeConfigStatus {
  readonly name: string
  readonly hash: string
  readonly appliedAt: string
  readonly error?: string
}

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/**
 * nodeConfigs lists what every current cluster member (this node included) applied, so drift
 * between replicas shows on any node. Members come from the cluster view, so a node that left
 * drops out even though its last report is still gossiped; this node reports from its own
 * source, which is never behind the gossip.
 */
function nodeConfigs(
  deps: ApiDeps,
  self: { readonly name: string; readonly config: ConfigSourceView },
  cluster: ClusterView
): NodeConfigStatus[] {
  const names = new Set([self.name, ...cluster.peers.map((p) => p.name)])
  return [...names]
    .map((name): NodeConfigStatus => {
      const report =
        name === self.name
          ? { ...self.config, error: self.config.error?.message }
          : deps.memberConfig(name)
      return {
        name,
        hash: report?.hash ?? '',
        appliedAt: report?.appliedAt ?? '',
        ...(report?.error === undefined ? {} : { error: report.error }),
      }
    })
    .sort(byName)
}

/**
 * statusBody renders GET /api/v2/status in go-swagger's key order.
 *
 * @param deps - the node.
 * @returns the JSON text (with Alertmanager's trailing newline).
 */
export function statusBody(deps: ApiDeps): string {
  const cluster = deps.cluster()
  const peers = [...cluster.peers]
    .sort(byName)
    .map((peer) => ({ address: peer.address, name: peer.name }))
  const node = deps.node()
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
    // alertmesh's own section: where this node's config came from and what every member
    // applied, so drift between replicas and a node running on its cached config are visible.
    // Alertmanager clients ignore it.
    alertmesh: { name: node.name, config: node.config, nodes: nodeConfigs(deps, node, cluster) },
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
