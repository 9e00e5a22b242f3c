/**
 * Builds and runs test/support/telebot-oracle/main.go: telebot.v3 from Debian's Go sources (the
 * library Debian builds Alertmanager 0.25's Telegram integration with) sending one message per
 * case to a local server, offline and in GOPATH mode.
 */
import type { GoProgram } from './go-program.js'
import { runGoProgram } from './go-program.js'

const TELEBOT_ORACLE: GoProgram = {
  name: 'telebot-oracle',
  source: 'test/support/telebot-oracle',
  importPath: 'telebotoracle',
  gopath: ['/usr/share/gocode'],
}

/** TelebotCase is one message and the answer the local server gives. */
export interface TelebotCase {
  readonly chatID: number
  readonly text: string
  readonly parseMode: string
  readonly disableNotifications: boolean
  readonly token: string
  readonly status: number
  readonly body: string
}

/** TelebotResult is what telebot sent and what it made of the answer. */
export interface TelebotResult {
  /** The request's path and query. */
  readonly path: string
  readonly contentType: string
  /** The request body. */
  readonly request: string
  /** err.Error(), '' on success. */
  readonly error: string
  /** Whether 0.25's notifier would crash on this answer (nil message). */
  readonly panicked: boolean
}

/**
 * runTelebot sends every case with telebot.
 *
 * @param cases - messages and answers.
 * @returns one result per case.
 */
export function runTelebot(cases: readonly TelebotCase[]): TelebotResult[] {
  return runGoProgram(TELEBOT_ORACLE, [], JSON.stringify(cases)) as TelebotResult[]
}
