/**
 * Builds and runs test/support/msteamsv2-oracle/main.go, which encodes Adaptive Card messages
 * with the types and encoding copied from Alertmanager's notify/msteamsv2 (68fb2d5,
 * v0.34.0+20): msteamsv2 is newer than the Alertmanager 0.25 on this machine, so Go itself is
 * the oracle for its bytes. Standard library only; GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const MSTEAMSV2_ORACLE: GoProgram = {
  name: 'msteamsv2-oracle',
  source: 'test/support/msteamsv2-oracle',
  importPath: 'msteamsv2oracle',
}

/** MSTEAMSV2_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config struct. */
export const MSTEAMSV2_ORACLE_SOURCE = (): string =>
  repoPath('test/support/msteamsv2-oracle/main.go')

/** AdaptiveCardCase is one card: the rendered fields and the group status. */
export interface AdaptiveCardCase {
  readonly title: string
  readonly text: string
  readonly status: 'firing' | 'resolved'
}

/**
 * encodeAdaptiveCards encodes every card as newer Alertmanager's msteamsv2 notifier does.
 *
 * @param cases - the cards.
 * @returns each body as sent, trailing newline included.
 */
export function encodeAdaptiveCards(cases: readonly AdaptiveCardCase[]): string[] {
  return runGoProgram(MSTEAMSV2_ORACLE, [], JSON.stringify(cases)) as string[]
}
