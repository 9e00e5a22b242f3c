/**
 * Builds and runs the exporter-toolkit web config oracle (test/support/go-oracle/webconfig):
 * Debian's github.com/prometheus/exporter-toolkit/web, the version Alertmanager 0.25 is built
 * with, in GOPATH mode with no network. It answers web.Validate's error for each file, and in
 * its `cluster` mode Alertmanager 0.25's own answer for --cluster.tls-config files.
 */
import { existsSync } from 'node:fs'

import type { GoProgram } from './go-program.js'
import { GO_BINARY, runGoProgram } from './go-program.js'

/** AM_CLUSTER is Debian's Alertmanager 0.25 cluster package, which the `cluster` mode imports. */
export const AM_CLUSTER = '/usr/share/gocode/src/github.com/prometheus/alertmanager/cluster'

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
  if (!existsSync(AM_CLUSTER)) {
    return `${AM_CLUSTER} is not installed (golang-github-prometheus-alertmanager-dev)`
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

/**
 * alertmanagerClusterTls runs Alertmanager 0.25's cluster TLS config loading on each file.
 *
 * @param paths - cluster TLS config files.
 * @returns each file's error text, '' when accepted, 'panic' when 0.25 crashes on it.
 */
export function alertmanagerClusterTls(paths: readonly string[]): string[] {
  return runGoProgram(WEB_CONFIG_ORACLE, ['cluster'], JSON.stringify(paths)) as string[]
}
