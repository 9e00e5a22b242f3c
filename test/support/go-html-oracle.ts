/**
 * Builds and runs the Go 1.19 html/template oracle (test/support/go-oracle/htmltemplate), a
 * standard-library Go program, in GOPATH mode with no network. The binary is cached in the
 * temp dir under a hash of its sources, so a test run builds it at most once; all cases of
 * a run go to one process.
 */
import type { GoProgram } from './go-program.js'
import { buildGoProgram, runGoProgram } from './go-program.js'

/** GO_HTML_TEMPLATE_SRC is Go 1.19's html/template source, whose test tables the oracle reads. */
export const GO_HTML_TEMPLATE_SRC = '/usr/share/go-1.19/src/html/template'

const HTML_TEMPLATE_ORACLE: GoProgram = {
  name: 'go-html-oracle',
  source: 'test/support/go-oracle/htmltemplate',
  importPath: 'htmltemplateoracle',
}

/**
 * buildHtmlTemplateOracle builds the oracle once per source hash and returns its path.
 *
 * @returns the binary's path.
 */
export function buildHtmlTemplateOracle(): string {
  return buildGoProgram(HTML_TEMPLATE_ORACLE)
}

function runOracle(args: string[], input: string): unknown {
  return runGoProgram(HTML_TEMPLATE_ORACLE, args, input)
}

/** TypedJson is a Go value in the oracle's typed JSON encoding (decode.go there). */
export type TypedJson =
  | { s: string }
  | { i: number }
  | { f: number }
  | { b: boolean }
  | { nil: true }
  | { content: string; s: string }
  | { slice: 'string' | 'any'; items: TypedJson[] }
  | { map: 'string' | 'any'; entries: Record<string, TypedJson> }
  | { struct: { name: string; type: string; v: TypedJson }[] }
  | { ptr: TypedJson }
  | { nilptr: 'int' }
  | { item: DataItemJson }
  | { am: AmDataJson }

/** DataItemJson is the recursive data of Go's TestEscapeSet. */
export interface DataItemJson {
  children?: DataItemJson[]
  x?: string
}

/** AmAlertJson is one alert of Alertmanager's template data. */
export interface AmAlertJson {
  status: string
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
  fingerprint: string
}

/** AmDataJson is Alertmanager 0.25's template.Data. */
export interface AmDataJson {
  receiver: string
  status: string
  alerts: AmAlertJson[]
  groupLabels: Record<string, string>
  commonLabels: Record<string, string>
  commonAnnotations: Record<string, string>
  externalURL: string
}

/** OracleStep is one operation on an html/template set. */
export type OracleStep =
  | { op: 'new'; name: string }
  | { op: 'newAssociated'; name: string }
  | { op: 'funcs'; args: string[] }
  | { op: 'option'; args: string[] }
  | { op: 'parse'; text: string }
  | { op: 'clone' }
  | { op: 'lookup'; name: string }
  | { op: 'execute'; data?: TypedJson }
  | { op: 'executeTemplate'; name: string; data?: TypedJson }

/** OracleCase is a named list of steps. */
export interface OracleCase {
  id: string
  steps: OracleStep[]
}

/** StepResult is what one step gave: the output of an execution, or an error. */
export interface StepResult {
  out?: string
  err?: string
}

/**
 * runHtmlTemplateOracle runs cases through Go's html/template in one process.
 *
 * @param cases - the cases.
 * @returns the results of each case's steps, by case id.
 */
export function runHtmlTemplateOracle(cases: readonly OracleCase[]): Map<string, StepResult[]> {
  const out = runOracle(['run'], JSON.stringify(cases)) as { id: string; results: StepResult[] }[]
  return new Map(out.map((r) => [r.id, r.results]))
}

/** GoHtmlTemplateTables are the rows of Go 1.19's html/template tests. */
export interface GoHtmlTemplateTables {
  escape: { name: string; input: string; output: string }[]
  escapeSet: { inputs: Record<string, string>; want: string }[]
  errors: { input: string; err: string }[]
  escapeText: string[]
  escapeMap: { name: string; input: string; output: string }[]
  malformed: string[]
  typedContent: { input: string; want: string[] }[]
  typedContentData: { content?: string; s: string }[]
  unparsed: string[] | null
}

/**
 * goHtmlTemplateTables reads the test tables from Go's escape_test.go and content_test.go.
 *
 * @returns the rows.
 */
export function goHtmlTemplateTables(): GoHtmlTemplateTables {
  return runOracle(['tables', GO_HTML_TEMPLATE_SRC], '') as GoHtmlTemplateTables
}
