/**
 * Loads the label fixtures recorded from the real Alertmanager 0.25 (golden.json, see
 * test/fixtures/labels/generate.mjs) and from its Go code (go-oracle.json, see
 * generate-go-oracle.mjs). Not a test file itself.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { LabelSet, MatchType } from '#src/labels/index.js'

/** GoldenRoute is a route of the recorded Alertmanager config. */
export interface GoldenRoute {
  receiver: string
  matchers?: string[]
  match?: Record<string, string>
  match_re?: Record<string, string>
  group_by?: string[]
  routes?: GoldenRoute[]
}

/** Golden is golden.json: what the real Alertmanager 0.25 answered. */
export interface Golden {
  alertmanager: string
  routes: GoldenRoute
  alerts: { posted: LabelSet; labels: LabelSet; fingerprint: string }[]
  notifications: {
    receiver: string
    groupKey: string
    groupLabels: LabelSet
    fingerprints: string[]
  }[]
  filters: { filter: string; fingerprints?: string[]; status?: number; error?: string }[]
  receiverFilters: { receiver: string; fingerprints?: string[]; status?: number; error?: string }[]
}

/** OracleMatcher is a matcher as the Go oracle reports it. */
export interface OracleMatcher {
  type: MatchType
  name: string
  value: string
  string: string
}

/** GoOracle is go-oracle.json: what 0.25's Go code answered for a generated corpus. */
export interface GoOracle {
  goVersion: string
  regexInputs: string[]
  regex: {
    pattern: string
    replacement: string
    error?: string
    test?: boolean[]
    replaced?: string[]
  }[]
  matcher: {
    type: MatchType
    value: string
    error?: string
    matches?: boolean[]
    string?: string
  }[]
  parse: { input: string; error?: string; matcher?: OracleMatcher }[]
  parseList: { input: string; error?: string; matchers?: OracleMatcher[] | null; string?: string }[]
  quote: { input: string; quoted: string }[]
  labelSets: { labels: LabelSet; fingerprint: string; string: string; xxhash: string }[]
  sorts: { matchers: [MatchType, string, string][]; string: string }[]
}

/** fixturePath finds test/fixtures/labels/<name> from the source or the compiled test file. */
function fixturePath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'labels', name)
    if (existsSync(candidate)) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error(`fixture ${name} not found above ${fileURLToPath(import.meta.url)}`)
    }
    dir = parent
  }
}

/** loadGolden reads golden.json. */
export function loadGolden(): Golden {
  return JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as Golden
}

/** loadGoOracle reads go-oracle.json. */
export function loadGoOracle(): GoOracle {
  return JSON.parse(readFileSync(fixturePath('go-oracle.json'), 'utf8')) as GoOracle
}
