/**
 * Builds and runs test/support/template-oracle/main.go, a program that renders templates with
 * Alertmanager 0.25's own template package from Debian's Go sources (GOPATH mode, offline).
 * The binary is cached under the OS temp dir by the hash of its source.
 */
import { existsSync } from 'node:fs'

import type { GoProgram } from './go-program.js'
import { GO_BINARY, buildGoProgram, runGoBinary } from './go-program.js'

/** GOCODE is where Debian's golang-*-dev packages put their Go sources, Alertmanager's too. */
const GOCODE = '/usr/share/gocode'
const AM_TEMPLATE = `${GOCODE}/src/github.com/prometheus/alertmanager/template/template.go`

const TEMPLATE_ORACLE: GoProgram = {
  name: 'template-oracle',
  source: 'test/support/template-oracle',
  importPath: 'amtemplateoracle',
  gopath: [GOCODE],
}

/** OracleAlert is an alert as the oracle takes it (times in RFC 3339). */
export interface OracleAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
}

/** OracleCase is one rendering: globs, text and either built data or raw template.Data JSON. */
export interface OracleCase {
  globs: string[]
  text: string
  receiver?: string
  groupLabels?: Record<string, string>
  alerts?: OracleAlert[]
  externalURL?: string
  rawData?: unknown
  /** html renders with ExecuteHTMLString (html/template) rather than ExecuteTextString. */
  html?: boolean
}

/** OracleResult is the rendered text or Go's error message. */
export interface OracleResult {
  out?: string
  err?: string
}

/**
 * oracleUnavailable says why the oracle cannot run here, or undefined when it can.
 *
 * @returns the reason, for a test skip message.
 */
export function oracleUnavailable(): string | undefined {
  if (!existsSync(GO_BINARY)) {
    return 'Go is not installed (Debian golang-go)'
  }
  if (!existsSync(AM_TEMPLATE)) {
    return "Alertmanager's Go sources are not installed (golang-github-prometheus-alertmanager-dev)"
  }
  if (!existsSync('/usr/share/prometheus/alertmanager/default.tmpl')) {
    return "Debian's prometheus-alertmanager default templates are not installed"
  }
  return undefined
}

/**
 * buildOracle compiles the oracle once per source version (about 20 s the first time).
 *
 * @returns the binary's path.
 */
export function buildOracle(): string {
  return buildGoProgram(TEMPLATE_ORACLE)
}

/**
 * askOracle renders cases with Alertmanager 0.25's Go code.
 *
 * @param bin - the oracle binary from buildOracle.
 * @param cases - the cases.
 * @returns one result per case.
 */
export function askOracle(bin: string, cases: readonly OracleCase[]): OracleResult[] {
  // Rendered times depend on Go's local zone; the expected outputs are in UTC.
  return runGoBinary(bin, TEMPLATE_ORACLE.name, [], JSON.stringify(cases), {
    TZ: 'UTC',
  }) as OracleResult[]
}

/** OracleBenchRender is one timed render: ExecuteHTMLString when html, else ExecuteTextString. */
export interface OracleBenchRender {
  name: string
  html: boolean
  text: string
}

/** OracleBench is the oracle's `bench` mode input: one group and the renders to time on it. */
export interface OracleBench {
  globs: string[]
  receiver: string
  groupLabels: Record<string, string>
  alerts: OracleAlert[]
  externalURL: string
  /** iterations is the number of timed runs of each render. */
  iterations: number
  /** parseIterations is the number of timed FromGlobs calls. */
  parseIterations: number
  renders: OracleBenchRender[]
}

/** OracleBenchResult is what Go measured; each render's output is there to compare with ours. */
export interface OracleBenchResult {
  /** parseColdNs is the first FromGlobs in the oracle process. */
  parseColdNs: number
  parseNsPerOp: number
  renders: { name: string; nsPerOp: number; out: string }[]
}

/**
 * benchOracle times FromGlobs and the renders with Alertmanager 0.25's Go code.
 *
 * @param bin - the oracle binary from buildOracle.
 * @param input - the group, the renders and the iteration counts.
 * @returns Go's ns/op figures and outputs.
 * @throws Error when the oracle fails (a template error included).
 */
export function benchOracle(bin: string, input: OracleBench): OracleBenchResult {
  return runGoBinary(bin, TEMPLATE_ORACLE.name, ['bench'], JSON.stringify(input), {
    TZ: 'UTC',
  }) as OracleBenchResult
}
