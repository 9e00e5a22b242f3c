import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import type { VersionInfo } from '../api/index.js'

/** ALERTMESH_VERSION is this release of alertmesh. */
export const ALERTMESH_VERSION = '0.1.0'

/**
 * COMPATIBLE_VERSION is the Alertmanager API level alertmesh implements. It is what the API
 * reports as `versionInfo.version` and what the User-Agent carries, because amtool, Grafana
 * and other clients branch on Alertmanager's version; alertmesh's own version is the revision.
 */
export const COMPATIBLE_VERSION = '0.25.0'

/** VERSION_INFO is served in /api/v2/status. */
export const VERSION_INFO: VersionInfo = {
  version: COMPATIBLE_VERSION,
  revision: `alertmesh-${ALERTMESH_VERSION}`,
  branch: 'alertmesh',
  buildUser: 'alertmesh',
  buildDate: '',
  goVersion: `node${process.versions.node}`,
}

/** USER_AGENT is sent with every notification, as Alertmanager sends `Alertmanager/<version>`. */
export const USER_AGENT = `Alertmanager/${COMPATIBLE_VERSION}`

/**
 * versionText renders --version like Alertmanager's.
 *
 * @returns the text.
 */
export function versionText(): string {
  return [
    `alertmesh, version ${ALERTMESH_VERSION} (Alertmanager ${COMPATIBLE_VERSION} compatible)`,
    `  node version:     ${process.version}`,
    '',
  ].join('\n')
}

/**
 * registerBuildInfo registers `alertmanager_build_info`, the constant 1 labelled with the
 * version, as Prometheus' version collector does for Alertmanager.
 *
 * @param registry - the node's registry.
 */
export function registerBuildInfo(registry: Registry): void {
  new Gauge({
    name: 'alertmanager_build_info',
    help: 'A metric with a constant 1 value labeled by version, revision, branch, and goversion from which alertmanager was built.',
    labelNames: ['version', 'revision', 'branch', 'goversion'],
    registers: [registry],
  }).set(
    {
      version: VERSION_INFO.version,
      revision: VERSION_INFO.revision,
      branch: VERSION_INFO.branch,
      goversion: VERSION_INFO.goVersion,
    },
    1
  )
}
