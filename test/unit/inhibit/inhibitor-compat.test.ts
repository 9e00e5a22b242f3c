// Differential check against the real Alertmanager 0.25 (Debian's binary): the same config and
// the same alerts go to both; every alert's `status.inhibitedBy` from its GET /api/v2/alerts must
// equal what our Inhibitor answers. Each target has at most one qualifying source, because 0.25
// picks an arbitrary one when several qualify.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import bunyan from 'bunyan'

import { AlertStore, prepareAlert } from '#src/alerts/index.js'
import { loadConfig } from '#src/config/index.js'
import { Inhibitor } from '#src/inhibit/index.js'
import type { LabelSet } from '#src/labels/index.js'
import { formatRFC3339Millis } from '#src/util/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'
import { freePort } from '../../support/ports.js'
import { httpOk, spawnUntilReady, waitFor } from '../../support/wait.js'

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager'
const MIN = 60_000
const HOUR = 60 * MIN
const quiet = bunyan.createLogger({ name: 't', level: 'fatal' })

// Both forms of matchers, `equal` with one, two and no labels, a rule whose two sides overlap
// (no mutual inhibition) and a chain (a source that is itself inhibited still inhibits).
const CONFIG = `route:
  receiver: blackhole
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: [cluster, service]
  - source_match_re:
      alertname: 'Maint.*'
    target_match:
      team: db
  - source_matchers: [kind="both"]
    target_matchers: [kind="both"]
    equal: [cluster]
  - source_matchers: [severity="warning"]
    target_matchers: [severity="info"]
    equal: [cluster]
`

/** Posted is one alert as posted to both: labels and whether it is already resolved. */
interface Posted {
  readonly labels: LabelSet
  readonly resolved?: boolean
  /** The labels of the alert expected to inhibit it, if any. */
  readonly by?: LabelSet
}

const CRIT_A_API = { alertname: 'Down', severity: 'critical', cluster: 'a', service: 'api' }
const CRIT_BARE = { alertname: 'Down2', severity: 'critical' }
const WARN_B = { alertname: 'Busy', severity: 'warning', cluster: 'b' }
const WARN_A_API = { alertname: 'Slow', severity: 'warning', cluster: 'a', service: 'api' }
const MAINT = { alertname: 'Maintenance', dc: 'x' }
const ALERTS: readonly Posted[] = [
  // Sources.
  { labels: CRIT_A_API },
  { labels: CRIT_BARE },
  { labels: WARN_B },
  { labels: MAINT },
  {
    labels: { alertname: 'Down', severity: 'critical', cluster: 'c', service: 'api' },
    resolved: true,
  },
  // Rule 1, equal cluster+service.
  { labels: WARN_A_API, by: CRIT_A_API },
  { labels: { alertname: 'Info', severity: 'info', cluster: 'a', service: 'api' }, by: CRIT_A_API },
  { labels: { alertname: 'Slow', severity: 'warning', cluster: 'a', service: 'web' } },
  { labels: { alertname: 'Slow', severity: 'warning', cluster: 'a' } },
  // Equal labels absent on both sides.
  { labels: { alertname: 'Slow2', severity: 'warning' }, by: CRIT_BARE },
  // The only source of this bucket is resolved.
  { labels: { alertname: 'Slow', severity: 'warning', cluster: 'c', service: 'api' } },
  // Rule 2 (deprecated forms), no equal labels.
  { labels: { alertname: 'Replication', team: 'db', dc: 'y' }, by: MAINT },
  // Rule 3: both alerts match both sides, so neither inhibits the other.
  { labels: { alertname: 'B1', kind: 'both', cluster: 'a' } },
  { labels: { alertname: 'B2', kind: 'both', cluster: 'a' } },
  // Rule 4 after rule 1 found nothing; WARN_B is a source here though rule 1 also targets it.
  { labels: { alertname: 'Info', severity: 'info', cluster: 'b' }, by: WARN_B },
]

interface GettableAlert {
  readonly labels: LabelSet
  readonly fingerprint: string
  readonly status: { readonly inhibitedBy: readonly string[] }
}

let dir: string
let child: ChildProcess | undefined
let url: string

describe('Inhibitor against Alertmanager 0.25', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alertmesh-inhibit-'))
    const configFile = join(dir, 'alertmanager.yml')
    await writeFile(configFile, CONFIG)
    const port = await freePort()
    url = `http://127.0.0.1:${String(port)}`
    const started = await spawnUntilReady(
      ALERTMANAGER,
      [
        `--config.file=${configFile}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
        '--cluster.listen-address=',
      ],
      { name: 'alertmanager', check: () => httpOk(`${url}/-/ready`), timeoutMs: 15_000 }
    )
    child = started.child
  })

  after(async () => {
    const proc = child
    if (proc?.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  })

  it('reports the same inhibitedBy for every alert', async () => {
    const now = Date.now()
    const body = ALERTS.map((a) => ({
      labels: a.labels,
      startsAt: formatRFC3339Millis(now - 10 * MIN),
      endsAt: formatRFC3339Millis(a.resolved === true ? now - MIN : now + HOUR),
    }))
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(res.status, 200, await res.text())

    // Ours: the same config through src/config, the same alerts through ingestion.
    const { config } = loadConfig(CONFIG, { baseDir: dir, registry: CONFIG_REGISTRY })
    const store = new AlertStore()
    const prepared = ALERTS.map((a) => {
      const p = prepareAlert(
        {
          labels: { ...a.labels },
          annotations: {},
          startsAt: now - 10 * MIN,
          endsAt: a.resolved === true ? now - MIN : now + HOUR,
          generatorURL: '',
        },
        now,
        5 * MIN
      )
      assert.ok(p.alert !== undefined, p.error)
      return p.alert
    })
    store.put(prepared)
    const inhibitor = new Inhibitor({ rules: config.inhibit_rules, store, log: quiet })
    inhibitor.start()

    const key = (labels: LabelSet): string =>
      JSON.stringify(
        Object.fromEntries(Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : 1)))
      )
    const fingerprintOf = new Map(prepared.map((a) => [key(a.labels), a.fingerprint]))
    const expected = (labels: LabelSet): string[] => {
      const by = ALERTS.find((a) => key(a.labels) === key(labels))?.by
      return by === undefined ? [] : [fingerprintOf.get(key(by)) ?? 'missing']
    }

    // 0.25 fills its source caches asynchronously after start; GET recomputes each time.
    let theirs: GettableAlert[] = []
    const firing = ALERTS.filter((a) => a.resolved !== true).length
    try {
      await waitFor('Alertmanager to show every expected inhibition', async () => {
        const got = await fetch(`${url}/api/v2/alerts`)
        theirs = (await got.json()) as GettableAlert[]
        return (
          theirs.length === firing &&
          theirs.every((a) => a.status.inhibitedBy.join() === expected(a.labels).join())
        )
      })
    } catch {
      // Fall through to the precise comparison below, which names the differing alert.
    }
    assert.equal(theirs.length, firing)
    for (const a of theirs) {
      const ours = inhibitor.inhibitedBy(a.labels)
      assert.equal(
        fingerprintOf.get(key(a.labels)),
        a.fingerprint,
        `fingerprint of ${key(a.labels)}`
      )
      assert.deepEqual(
        ours === undefined ? [] : [ours],
        a.status.inhibitedBy,
        `inhibitedBy of ${key(a.labels)}`
      )
      assert.deepEqual(a.status.inhibitedBy, expected(a.labels), `expected for ${key(a.labels)}`)
    }
  })
})
