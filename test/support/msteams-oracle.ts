/**
 * Builds and runs test/support/msteams-oracle/main.go, which encodes MessageCards with the
 * types and encoding copied from Alertmanager's notify/msteams (68fb2d5, v0.34.0+20): msteams
 * is newer than the Alertmanager 0.25 on this machine, so Go itself is the oracle for its
 * bytes. Standard library only; GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const MSTEAMS_ORACLE: GoProgram = {
  name: 'msteams-oracle',
  source: 'test/support/msteams-oracle',
  importPath: 'msteamsoracle',
}

/** MSTEAMS_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config struct. */
export const MSTEAMS_ORACLE_SOURCE = (): string => repoPath('test/support/msteams-oracle/main.go')

/** MessageCardCase is one card: the rendered fields and the group status. */
export interface MessageCardCase {
  readonly title: string
  readonly summary: string
  readonly text: string
  readonly status: 'firing' | 'resolved'
}

/**
 * encodeMessageCards encodes every card as newer Alertmanager's msteams notifier does.
 *
 * @param cases - the cards.
 * @returns each body as sent, trailing newline included.
 */
export function encodeMessageCards(cases: readonly MessageCardCase[]): string[] {
  return runGoProgram(MSTEAMS_ORACLE, [], JSON.stringify(cases)) as string[]
}
