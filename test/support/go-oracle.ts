/**
 * Builds and runs the Go 1.19 text/template oracle (test/support/go-oracle/texttemplate), a
 * standard-library Go program, in GOPATH mode with no network. The binary is cached in the
 * temp dir under a hash of its sources, so a test run builds it at most once.
 */
import type { GoProgram } from './go-program.js'
import { buildGoProgram, runGoProgram } from './go-program.js'

/** EXEC_TEST_GO is Go 1.19's exec_test.go, whose execTests table the oracle reads. */
export const EXEC_TEST_GO = '/usr/share/go-1.19/src/text/template/exec_test.go'

/** PARSE_TEST_GO is Go 1.19's parse_test.go, whose parse, error, number and isEmpty tables the
 * oracle reads and parses with text/template/parse. */
export const PARSE_TEST_GO = '/usr/share/go-1.19/src/text/template/parse/parse_test.go'

/** LEX_TEST_GO is Go 1.19's lex_test.go, whose lex tables the oracle evaluates. */
export const LEX_TEST_GO = '/usr/share/go-1.19/src/text/template/parse/lex_test.go'

/** FMT_TEST_GO is Go 1.19's fmt_test.go, whose fmtTests table the oracle translates. */
export const FMT_TEST_GO = '/usr/share/go-1.19/src/fmt/fmt_test.go'

const TEXT_TEMPLATE_ORACLE: GoProgram = {
  name: 'go-oracle',
  source: 'test/support/go-oracle/texttemplate',
  importPath: 'texttemplateoracle',
}

/**
 * buildTextTemplateOracle builds the oracle once per source hash and returns its path.
 *
 * @returns the binary's path.
 */
export function buildTextTemplateOracle(): string {
  return buildGoProgram(TEXT_TEMPLATE_ORACLE)
}

/**
 * runOracle runs the oracle with arguments and stdin, returning its parsed JSON output.
 *
 * @param args - command-line arguments.
 * @param input - what to write on stdin.
 * @returns the decoded JSON.
 */
export function runOracle(args: string[], input: string): unknown {
  return runGoProgram(TEXT_TEMPLATE_ORACLE, args, input)
}

/** OracleCase is one case as the oracle ran it in Go (the execution tests' result shape). */
export interface OracleCase {
  readonly name: string
  readonly output: string
  readonly parseError?: string
  readonly execError?: string
}

/**
 * goOutcome is how a case ended in Go, in the form the execution tests compare ours with: the
 * parse error, else the execution error, as `err: <message>`; else `ok: <output>`.
 *
 * @param r - the oracle's result for the case.
 * @returns the outcome.
 */
export function goOutcome(r: OracleCase): string {
  if (r.parseError !== undefined) {
    return `err: ${r.parseError}`
  }
  return r.execError !== undefined ? `err: ${r.execError}` : `ok: ${r.output}`
}
