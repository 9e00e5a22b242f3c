/**
 * Builds and runs the exporter-toolkit web config oracle (test/support/go-oracle/webconfig):
 * Debian's github.com/prometheus/exporter-toolkit/web, the version Alertmanager 0.25 is built
 * with, in GOPATH mode with no network. It answers web.Validate's error for each file. The
 * cluster TLS oracle (test/support/go-oracle/clustertls) does the same for
 * --cluster.tls-config files with Alertmanager 0.25's own cluster package.
 */
import { existsSync } from 'node:fs'

import type { GoProgram } from './go-program.js'
import { GO_BINARY, runGoProgram } from './go-program.js'

/** TOOLKIT_WEB is Debian's exporter-toolkit web package, which the oracle imports. */
export const TOOLKIT_WEB = '/usr/share/gocode/src/github.com/prometheus/exporter-toolkit/web'

const WEB_CONFIG_ORACLE: GoProgram = {
  name: 'web-config-oracle',
  source: 'test/support/go-oracle/webconfig',
  importPath: 'webconfigoracle',
  gopath: ['/usr/share/gocode'],
}

/**
 * webConfigOracleMissing says why the oracle cannot be built here, if it cannot.
 *
 * @returns a skip reason, or false.
 */
export function webConfigOracleMissing(): string | false {
  if (!existsSync(GO_BINARY)) {
    return `${GO_BINARY} is not installed`
  }
  if (!existsSync(TOOLKIT_WEB)) {
    return `${TOOLKIT_WEB} is not installed (golang-github-prometheus-exporter-toolkit-dev)`
  }
  return false
}

/**
 * toolkitValidate runs web.Validate on each file.
 *
 * @param paths - web config files.
 * @returns each file's error text, '' when valid.
 */
export function toolkitValidate(paths: readonly string[]): string[] {
  return runGoProgram(WEB_CONFIG_ORACLE, [], JSON.stringify(paths)) as string[]
}

/** AM_CLUSTER is Debian's Alertmanager 0.25 cluster package, which the cluster oracle imports. */
export const AM_CLUSTER = '/usr/share/gocode/src/github.com/prometheus/alertmanager/cluster'

const CLUSTER_TLS_ORACLE: GoProgram = {
  name: 'cluster-tls-oracle',
  source: 'test/support/go-oracle/clustertls',
  importPath: 'clustertlsoracle',
  gopath: ['/usr/share/gocode'],
}

/**
 * clusterTlsOracleMissing says why the cluster TLS oracle cannot be built here, if it cannot.
 *
 * @returns a skip reason, or false.
 */
export function clusterTlsOracleMissing(): string | false {
  const toolkit = webConfigOracleMissing()
  if (toolkit !== false) {
    return toolkit
  }
  return existsSync(AM_CLUSTER) ? false : `${AM_CLUSTER} is not installed`
}

/**
 * alertmanagerClusterTls runs Alertmanager 0.25's cluster TLS config loading on each file.
 *
 * @param paths - cluster TLS config files.
 * @returns each file's error text, '' when accepted, 'panic' when 0.25 crashes on it.
 */
export function alertmanagerClusterTls(paths: readonly string[]): string[] {
  return runGoProgram(CLUSTER_TLS_ORACLE, [], JSON.stringify(paths)) as string[]
}
