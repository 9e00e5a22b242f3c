// Loads the golden webhook captures of test/fixtures/webhook/ (made by capture.mjs against a real
// Alertmanager 0.25) for the payload and notifier tests.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Alert } from '#src/alerts/index.js'
import type { LabelSet } from '#src/labels/index.js'

/** GoldenCase is one captured notification: what was posted and the exact bytes received. */
export interface GoldenCase {
  readonly name: string
  readonly description: string
  readonly receiver: string
  readonly externalURL: string
  readonly groupKey: string
  readonly groupLabels: LabelSet
  readonly maxAlerts: number
  readonly alerts: readonly Alert[]
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/** GOLDEN_NOW is after every captured endsAt, so resolved alerts judge as resolved. */
export const GOLDEN_NOW = Date.UTC(2026, 0, 1)

/** GOLDEN_CASES names the captures, one per flush Alertmanager sent. */
export const GOLDEN_CASES = [
  'tricky-full',
  'tricky-max2',
  'mixed',
  'resolved-step1',
  'resolved-step2',
]

function fixturesDir(): string {
  // Compiled tests run from dist/; walk up to the checkout that holds the fixtures.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'webhook')
    if (existsSync(join(candidate, 'mixed.body'))) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('test/fixtures/webhook not found above the test file')
    }
    dir = parent
  }
}

interface FixtureFile {
  description: string
  input: {
    receiver: string
    externalURL: string
    groupKey: string
    groupLabels: Record<string, string>
    maxAlerts: number
    alerts: {
      labels: Record<string, string>
      annotations: Record<string, string>
      startsAt: number
      endsAt: number
      generatorURL: string
      fingerprint: string
    }[]
  }
  headers: Record<string, string>
}

/**
 * loadGolden reads one capture.
 *
 * @param name - a {@link GOLDEN_CASES} entry.
 * @returns inputs as alertmesh Alerts and the expected bytes.
 */
export function loadGolden(name: string): GoldenCase {
  const dir = fixturesDir()
  const file = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as FixtureFile
  return {
    name,
    description: file.description,
    receiver: file.input.receiver,
    externalURL: file.input.externalURL,
    groupKey: file.input.groupKey,
    groupLabels: file.input.groupLabels,
    maxAlerts: file.input.maxAlerts,
    alerts: file.input.alerts.map((a) => ({ ...a, updatedAt: a.startsAt, timeout: false })),
    headers: file.headers,
    body: readFileSync(join(dir, `${name}.body`)),
  }
}
