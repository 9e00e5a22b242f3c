/**
 * Builds and runs test/support/mattermost-oracle/main.go, which holds the types and code copied
 * from Alertmanager's notify/mattermost (68fb2d5, v0.34.0+20): mattermost is newer than the
 * Alertmanager 0.25 on this machine, so Go itself is the oracle for the request it builds from
 * a config (createRequest with templates rendered as themselves, sanitizeRequest, json.Encoder).
 * Standard library only; GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const MATTERMOST_ORACLE: GoProgram = {
  name: 'mattermost-oracle',
  source: 'test/support/mattermost-oracle',
  importPath: 'mattermostoracle',
}

/** MATTERMOST_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config structs. */
export const MATTERMOST_ORACLE_SOURCE = (): string =>
  repoPath('test/support/mattermost-oracle/main.go')

/** Built is the body Go sends for one config and the warnings it logs (message, then pairs). */
export interface Built {
  readonly body: string
  readonly warnings: readonly (readonly unknown[])[]
}

/**
 * buildRequests runs createRequest (templates rendered as themselves), sanitizeRequest with the
 * group key `groupkey`, and json.Encoder on each config.
 *
 * @param configs - configs as MattermostConfig's json tags spell them.
 * @returns each body and its warnings.
 */
export function buildRequests(configs: readonly object[]): Built[] {
  return runGoProgram(MATTERMOST_ORACLE, [], JSON.stringify(configs)) as Built[]
}
