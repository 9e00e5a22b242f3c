/**
 * Builds and runs test/support/jira-oracle/main.go, which encodes the jira notifier's request
 * bodies with the types and encoding copied from Alertmanager's notify/jira (68fb2d5,
 * v0.34.0+20): jira is newer than the Alertmanager 0.25 on this machine, so Go itself is the
 * oracle for its bytes. Standard library only; GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const JIRA_ORACLE: GoProgram = {
  name: 'jira-oracle',
  source: 'test/support/jira-oracle',
  importPath: 'jiraoracle',
}

/** JIRA_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config structs. */
export const JIRA_ORACLE_SOURCE = (): string => repoPath('test/support/jira-oracle/main.go')

/**
 * JiraOracleCase is one body: an issue's fields (create/update), a search, or a transition.
 * Custom field values are JSON; `{"$float": "NaN" | "+Inf" | "-Inf"}` stands for the float
 * yaml.v2 would decode.
 */
export type JiraOracleCase =
  | {
      readonly kind: 'issue'
      readonly fields: {
        readonly summary?: string
        readonly description?: { readonly text: string } | { readonly adf: string }
        readonly issuetype?: string
        readonly labels?: readonly string[]
        readonly priority?: string
        readonly project?: string
        readonly custom?: Readonly<Record<string, unknown>>
      }
    }
  | { readonly kind: 'search'; readonly jql: string }
  | { readonly kind: 'transition'; readonly transition: string }

/** JiraOracleResult is the body json.Encoder wrote, or its error. */
export interface JiraOracleResult {
  readonly body: string
  readonly error?: string
}

/**
 * encodeJiraBodies encodes every case as newer Alertmanager's jira notifier does.
 *
 * @param cases - the cases.
 * @returns each body as sent, trailing newline included, or the encoder's error with the
 *   package named `jira` as upstream's.
 */
export function encodeJiraBodies(cases: readonly JiraOracleCase[]): JiraOracleResult[] {
  const results = runGoProgram(JIRA_ORACLE, [], JSON.stringify(cases)) as JiraOracleResult[]
  return results.map((r) =>
    r.error === undefined ? r : { ...r, error: r.error.replaceAll('main.', 'jira.') }
  )
}
