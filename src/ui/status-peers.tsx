// The Status page's peer table: every cluster member with the config hash it reports, so a
// replica running another config (a failed reload, a stale Consul cache) stands out.
import type { NodeConfigStatus, Status } from './types'

/** PeerConfig is what the table says about one member's config. */
export type PeerConfig =
  /** The node does not report members' configs (an older alertmesh, or Alertmanager). */
  | { readonly kind: 'not-reported' }
  /** The member has not reported its config (yet). */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'none' }
  | { readonly kind: 'same' | 'differs'; readonly node: NodeConfigStatus }

/** PeerRow is one line of the table. */
export interface PeerRow {
  readonly name: string
  /** '' for a member that reported its config but is not a peer now. */
  readonly address: string
  readonly self: boolean
  readonly config: PeerConfig
}

function configOf(node: NodeConfigStatus | undefined, selfHash: string): PeerConfig {
  if (node === undefined) {
    return { kind: 'unknown' }
  }
  if (node.hash === '') {
    return { kind: 'none' }
  }
  return { kind: node.hash === selfHash ? 'same' : 'differs', node }
}

/**
 * peerRows joins the cluster's peers with the configs the members reported. This node's own
 * hash is the reference: drift is a difference from what the page's node runs.
 */
export function peerRows(status: Status): PeerRow[] {
  const selfName = status.cluster.name ?? status.alertmesh?.name
  const nodes = status.alertmesh?.nodes
  const selfHash = status.alertmesh?.config.hash ?? ''
  const rows: PeerRow[] = status.cluster.peers.map((peer) => ({
    name: peer.name,
    address: peer.address,
    self: peer.name === selfName,
    config:
      nodes === undefined
        ? { kind: 'not-reported' }
        : configOf(
            nodes.find((n) => n.name === peer.name),
            selfHash
          ),
  }))
  // A member that reported but left (or has not joined yet) still matters when looking for drift.
  for (const node of nodes ?? []) {
    if (!rows.some((r) => r.name === node.name)) {
      rows.push({
        name: node.name,
        address: '',
        self: node.name === selfName,
        config: configOf(node, selfHash),
      })
    }
  }
  return rows
}

function ConfigCell(props: { readonly config: PeerConfig; readonly self: boolean }) {
  const config = props.config
  switch (config.kind) {
    case 'not-reported':
      return <span class="muted">config hash unknown</span>
    case 'unknown':
      return <span class="muted">unknown (not reported)</span>
    case 'none':
      return <span class="bad">no config applied yet</span>
    case 'same':
    case 'differs':
      return (
        <>
          <code>{config.node.hash}</code>{' '}
          {props.self ? null : config.kind === 'differs' ? (
            <span class="drift">differs</span>
          ) : (
            <span class="ok">same</span>
          )}
          {config.node.error === undefined ? null : (
            <div class="bad">last config refused: {config.node.error}</div>
          )}
        </>
      )
  }
}

/** PeersTable lists the cluster's members; `rows` from {@link peerRows}. */
export function PeersTable(props: { readonly rows: readonly PeerRow[] }) {
  if (props.rows.length === 0) {
    return <p class="muted">Clustering is disabled: this node runs alone.</p>
  }
  return (
    <div class="table-wrap">
      <table class="peers">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Config hash</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr
              key={row.name}
              data-peer={row.name}
              class={row.config.kind === 'differs' && !row.self ? 'drift-row' : undefined}
            >
              <th scope="row">
                {row.name}
                {row.self ? <span class="badge self">self</span> : null}
              </th>
              <td>
                {row.address === '' ? <span class="muted">not a peer now</span> : row.address}
              </td>
              <td>
                <ConfigCell config={row.config} self={row.self} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
