/**
 * Builds and runs the Go 1.19 text/template oracle (test/support/go-oracle/texttemplate), a
 * standard-library Go program, in GOPATH mode with no network. The binary is cached in the
 * temp dir under a hash of its sources, so a test run builds it at most once.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** GO_BINARY is where Debian's golang-go puts `go`. */
export const GO_BINARY = '/usr/bin/go'

/** EXEC_TEST_GO is Go 1.19's exec_test.go, whose execTests table the oracle reads. */
export const EXEC_TEST_GO = '/usr/share/go-1.19/src/text/template/exec_test.go'

/** PARSE_TEST_GO is Go 1.19's parse_test.go, whose parse, error, number and isEmpty tables the
 * oracle reads and parses with text/template/parse. */
export const PARSE_TEST_GO = '/usr/share/go-1.19/src/text/template/parse/parse_test.go'

/** LEX_TEST_GO is Go 1.19's lex_test.go, whose lex tables the oracle evaluates. */
export const LEX_TEST_GO = '/usr/share/go-1.19/src/text/template/parse/lex_test.go'

/** FMT_TEST_GO is Go 1.19's fmt_test.go, whose fmtTests table the oracle translates. */
export const FMT_TEST_GO = '/usr/share/go-1.19/src/fmt/fmt_test.go'

const SOURCE_DIR = new URL('../../../test/support/go-oracle/texttemplate/', import.meta.url)
  .pathname

function sourceDir(): string {
  // Compiled tests run from dist/test/support; the Go sources stay in the repository.
  const fromDist = SOURCE_DIR.replace(/\/dist\/test\//, '/test/')
  return existsSync(fromDist) ? fromDist : SOURCE_DIR
}

/**
 * buildTextTemplateOracle builds the oracle once per source hash and returns its path.
 *
 * @returns the binary's path.
 */
export function buildTextTemplateOracle(): string {
  const dir = sourceDir()
  const hash = createHash('sha256')
  for (const f of readdirSync(dir).sort()) {
    hash.update(f).update(readFileSync(join(dir, f)))
  }
  const root = join(tmpdir(), `alertmesh-go-oracle-${hash.digest('hex').slice(0, 16)}`)
  const bin = join(root, 'texttemplate-oracle')
  if (existsSync(bin)) {
    return bin
  }
  const gopath = join(root, 'gopath')
  const pkg = join(gopath, 'src', 'texttemplateoracle')
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
    throw new Error(`building the Go oracle failed: ${r.stderr}`)
  }
  renameSync(tmpBin, bin)
  return bin
}

/**
 * runOracle runs the oracle with arguments and stdin, returning its parsed JSON output.
 *
 * @param args - command-line arguments.
 * @param input - what to write on stdin.
 * @returns the decoded JSON.
 */
export function runOracle(args: string[], input: string): unknown {
  const r = spawnSync(buildTextTemplateOracle(), args, {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (r.status !== 0) {
    throw new Error(`the Go oracle failed: ${r.stderr}`)
  }
  return JSON.parse(r.stdout) as unknown
}
