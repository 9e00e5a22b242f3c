/**
 * Builds and runs the Go 1.19 html/template oracle (test/support/go-oracle/htmltemplate), a
 * standard-library Go program, in GOPATH mode with no network. The binary is cached in the
 * temp dir under a hash of its sources, so a test run builds it at most once; all cases of
 * a run go to one process.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** GO_BINARY is where Debian's golang-go puts `go`. */
export const GO_BINARY = '/usr/bin/go'

/** GO_HTML_TEMPLATE_SRC is Go 1.19's html/template source, whose test tables the oracle reads. */
export const GO_HTML_TEMPLATE_SRC = '/usr/share/go-1.19/src/html/template'

const SOURCE_DIR = new URL('../../../test/support/go-oracle/htmltemplate/', import.meta.url)
  .pathname

function sourceDir(): string {
  // Compiled tests run from dist/test/support; the Go sources stay in the repository.
  const fromDist = SOURCE_DIR.replace(/\/dist\/test\//, '/test/')
  return existsSync(fromDist) ? fromDist : SOURCE_DIR
}

/**
 * buildHtmlTemplateOracle builds the oracle once per source hash and returns its path.
 *
 * @returns the binary's path.
 */
export function buildHtmlTemplateOracle(): string {
  const dir = sourceDir()
  const hash = createHash('sha256')
  for (const f of readdirSync(dir).sort()) {
    hash.update(f).update(readFileSync(join(dir, f)))
  }
  const root = join(tmpdir(), `alertmesh-go-html-oracle-${hash.digest('hex').slice(0, 16)}`)
  const bin = join(root, 'htmltemplate-oracle')
  if (existsSync(bin)) {
    return bin
  }
  const gopath = join(root, 'gopath')
  const pkg = join(gopath, 'src', 'htmltemplateoracle')
  mkdirSync(pkg, { recursive: true })
  cpSync(dir, pkg, { recursive: true })
  const tmpBin = `${bin}.${process.pid}`
  const r = spawnSync(GO_BINARY, ['build', '-o', tmpBin, '.'], {
    cwd: pkg,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: gopath,
      GOCACHE: join(root, 'cache'),
      GOFLAGS: '',
      GOPROXY: 'off',
    },
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    throw new Error(`building the Go html/template oracle failed: ${r.stderr}`)
  }
  renameSync(tmpBin, bin)
  return bin
}

function runOracle(args: string[], input: string): unknown {
  const r = spawnSync(buildHtmlTemplateOracle(), args, {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (r.status !== 0) {
    throw new Error(`the Go html/template oracle failed (${String(r.status)}): ${r.stderr}`)
  }
  return JSON.parse(r.stdout) as unknown
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
