// The wire shapes of /api/v2/status that are not in Alertmanager's OpenAPI spec, or that the web
// UI reads: types only, with no import, so that the browser bundle (src/ui) can share them with
// the handlers instead of keeping a copy.

/** PeerView is one cluster member as /api/v2/status lists it. */
export interface PeerView {
  readonly name: string
  readonly address: string
}

/** ClusterView is the cluster section of /api/v2/status. */
export interface ClusterView {
  readonly name?: string
  readonly status: 'ready' | 'settling' | 'disabled'
  readonly peers: readonly PeerView[]
}

/**
 * ConfigSourceView is where the running config came from, reported by /api/v2/status under
 * `alertmesh.config` (Alertmanager clients ignore the extra key).
 */
export interface ConfigSourceView {
  readonly mode: 'file' | 'consul'
  /** Where the running config was read: the file, Consul, or the cache of Consul's last one. */
  readonly source: 'file' | 'consul' | 'cache'
  /** The file path or the Consul key. */
  readonly location: string
  /** `alertmanager_config_hash` as 12 hex digits ('' before the first config). */
  readonly hash: string
  /** Consul's ModifyIndex of the applied config, in Consul mode. */
  readonly version?: string
  /** When the running config was applied, RFC 3339 ('' before the first config). */
  readonly appliedAt: string
  /** The last refused config or failed read, cleared by the next success. */
  readonly error?: { readonly message: string; readonly at: string }
  /** Consul's address and whether its last answer was a success, in Consul mode. */
  readonly consul?: { readonly address: string; readonly reachable: boolean }
}

/**
 * MemberConfigView is what another cluster member last reported about its config, as gossiped
 * (an `alertmesh.nodes` entry of /api/v2/status without the name).
 */
export interface MemberConfigView {
  /** The member's applied config hash, 12 hex digits ('' before it applied one). */
  readonly hash: string
  /** When the member applied it, RFC 3339 ('' when unknown). */
  readonly appliedAt: string
  /** Why the member's last config was refused; absent when it was applied. */
  readonly error?: string
}

/** VersionInfo is the versionInfo section of /api/v2/status. */
export interface VersionInfo {
  readonly version: string
  readonly revision: string
  readonly branch: string
  readonly buildUser: string
  readonly buildDate: string
  readonly goVersion: string
}
