/**
 * Builds and runs test/support/incidentio-oracle/main.go, which encodes incident.io messages
 * (with the 512 KiB cut) and extracts error details with the types and functions copied from
 * Alertmanager's notify/incidentio and template/template.go (68fb2d5, v0.34.0+20): incidentio
 * is newer than the Alertmanager 0.25 on this machine, so Go itself is the oracle for its
 * bytes. Standard library only; GOPATH mode, offline.
 */
import { formatRFC3339Nano } from '#src/util/index.js'

import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const INCIDENTIO_ORACLE: GoProgram = {
  name: 'incidentio-oracle',
  source: 'test/support/incidentio-oracle',
  importPath: 'incidentiooracle',
}

/** INCIDENTIO_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config struct. */
export const INCIDENTIO_ORACLE_SOURCE = (): string =>
  repoPath('test/support/incidentio-oracle/main.go')

/** IncidentioAlertCase is one alert of a message; times are epoch ms, 0 for Go's zero time. */
export interface IncidentioAlertCase {
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly startsAt: number
  readonly endsAt: number
  readonly generatorURL: string
  readonly fingerprint: string
}

/** IncidentioMessageCase is what one notification's message is built from. */
export interface IncidentioMessageCase {
  readonly receiver: string
  readonly groupLabels: Readonly<Record<string, string>>
  readonly externalURL: string
  readonly notificationReason: string
  readonly groupKey: string
  readonly maxAlerts: number
  /** The instant alert status is judged at, epoch ms. */
  readonly now: number
  readonly alerts: readonly IncidentioAlertCase[]
}

/** IncidentioMessage is the body Go sends and the level encodeMessage logs at. */
export interface IncidentioMessage {
  readonly body: string
  readonly log: '' | 'warn' | 'error'
}

/**
 * runIncidentioOracle encodes messages and reads error bodies as newer Alertmanager's
 * incidentio notifier does.
 *
 * @param messages - the messages to encode.
 * @param details - response bodies for errDetails; null for a nil body.
 * @returns each message as sent (trailing newline included) with its log level, and each
 *   body's details.
 */
export function runIncidentioOracle(
  messages: readonly IncidentioMessageCase[],
  details: readonly (string | null)[] = []
): { messages: IncidentioMessage[]; details: string[] } {
  const time = (ms: number) => formatRFC3339Nano(ms)
  const input = {
    messages: messages.map((m) => ({
      ...m,
      now: time(m.now),
      alerts: m.alerts.map((a) => ({ ...a, startsAt: time(a.startsAt), endsAt: time(a.endsAt) })),
    })),
    details,
  }
  return runGoProgram(INCIDENTIO_ORACLE, [], JSON.stringify(input)) as {
    messages: IncidentioMessage[]
    details: string[]
  }
}
