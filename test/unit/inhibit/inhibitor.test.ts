// The Inhibitor on a real AlertStore: 0.25's TestInhibitRuleMatches, TestInhibitRuleMatchers and
// TestInhibit, then resolution by time, replacement, rule order, chains, lifecycle and GC.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import { AlertStore } from '#src/alerts/index.js'
import type { Alert } from '#src/alerts/index.js'
import type { InhibitRuleConfig } from '#src/config/index.js'
import { Inhibitor } from '#src/inhibit/index.js'
import { fingerprint, parseMatchers } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'
import { ClosedError } from '#src/util/index.js'

import { testAlert } from '../../support/fixtures.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const log = bunyan.createLogger({ name: 'test', level: 'fatal' })

function alert(labels: LabelSet, endsAt = NOW + HOUR, overrides: Partial<Alert> = {}): Alert {
  return testAlert({ labels, startsAt: NOW - MIN, endsAt, updatedAt: NOW, ...overrides })
}

function rule(source: string, target: string, equal: string[] = []): InhibitRuleConfig {
  return { source_matchers: parseMatchers(source), target_matchers: parseMatchers(target), equal }
}

/** Harness is a started inhibitor on a real store, with a settable clock shared by both. */
interface Harness {
  readonly inhibitor: Inhibitor
  readonly store: AlertStore
  setNow(ms: number): void
}

function harness(rules: readonly InhibitRuleConfig[], alerts: readonly Alert[] = []): Harness {
  let now = NOW
  const clock = (): number => now
  const store = new AlertStore({ now: clock })
  store.put(alerts)
  const inhibitor = new Inhibitor({ rules, store, log, now: clock })
  inhibitor.start()
  return {
    inhibitor,
    store,
    setNow: (ms) => {
      now = ms
    },
  }
}

/** Row is one checked label set and whether (and by what) it is inhibited. */
interface Row {
  readonly why: string
  readonly target: LabelSet
  readonly muted: boolean
}

function checkRows(inhibitor: Inhibitor, rows: readonly Row[]): void {
  for (const row of rows) {
    assert.equal(inhibitor.mutes(row.target), row.muted, row.why)
    assert.equal(inhibitor.inhibitedBy(row.target) !== undefined, row.muted, row.why)
  }
}

// 0.25's TestInhibitRuleMatches and TestInhibitRuleMatchers check the same two sources against
// the same eight targets, under rules that differ in rule 1's target matcher (= or !=).
// Source 1 matches rule 1's source only; source 2 matches rule 2's source and target.
const SOURCES = [alert({ s1: '1', t1: '2', e: '1' }), alert({ s2: '1', t2: '1', e: '1' })]
const TARGETS: readonly LabelSet[] = [
  { t1: '1', e: '1' },
  { t2: '1', e: '1' },
  { t1: '1', t3: '1', e: '1' },
  { t1: '1', t2: '1', e: '1' },
  { t1: '0', e: '1' },
  { s1: '1', t1: '1', e: '1' },
  { s2: '1', t2: '1', e: '1' },
  { t1: '1', e: '0' },
]

/** MutesTable is one of the two tests: its rules and, target by target, the verdict and why. */
interface MutesTable {
  readonly test: string
  readonly rules: InhibitRuleConfig[]
  readonly verdicts: readonly (readonly [muted: boolean, why: string])[]
}

const MUTES_TABLES: readonly MutesTable[] = [
  {
    test: 'TestInhibitRuleMatches',
    // 0.25 configures these with the deprecated source_match/target_match maps, which src/config
    // folds into `=` matchers.
    rules: [rule('s1="1"', 't1="1"', ['e']), rule('s2="1"', 't2="1"', ['e'])],
    verdicts: [
      [true, 'matches target of rule 1: inhibited'],
      [true, 'matches target of rule 2: inhibited'],
      [true, 'matches target of rule 1 plus noise: inhibited'],
      [true, 'matches targets of rules 1 and 2: inhibited'],
      [false, 'matches no target: not inhibited'],
      [
        true,
        'matches source and target of rule 1, its source matches the source side only: inhibited',
      ],
      [
        false,
        'matches source and target of rule 2, its source matches both sides too: not inhibited',
      ],
      [false, 'matches target of rule 1 but the equal label differs: not inhibited'],
    ],
  },
  {
    test: 'TestInhibitRuleMatchers',
    rules: [rule('s1="1"', 't1!="1"', ['e']), rule('s2="1"', 't2="1"', ['e'])],
    verdicts: [
      [false, 't1="1" fails rule 1 target t1!="1", rule 2 target absent: not inhibited'],
      [true, 'matches target of rule 2: inhibited'],
      [false, 't1="1" plus noise matches no target: not inhibited'],
      [true, 'matches target of rule 2 only: inhibited'],
      [true, 't1="0" matches rule 1 target t1!="1": inhibited'],
      [false, 'matches rule 1 source but not its target, and no rule 2 target: not inhibited'],
      // Rule 2 would exclude its two-sided source, but rule 1 matches first (t1 absent != "1").
      [true, 'matches rule 1 target (t1 absent) and rule 1 source is one-sided: inhibited'],
      [false, 'matches rule 1 target but the equal label differs: not inhibited'],
    ],
  },
]

for (const table of MUTES_TABLES) {
  describe(`Inhibitor.mutes (0.25 ${table.test})`, () => {
    it('mutes exactly the targets 0.25 mutes', () => {
      assert.equal(table.verdicts.length, TARGETS.length)
      const rows = TARGETS.map((target, i): Row => {
        const [muted, why] = table.verdicts[i] ?? [false, 'no verdict']
        return { why, target, muted }
      })
      checkRows(harness(table.rules, SOURCES).inhibitor, rows)
    })
  })
}

describe('Inhibitor fed by the store (0.25 TestInhibit)', () => {
  const rules = [rule('s="1"', 't="1"', ['e'])]
  // alertOne is muted by alertTwo while alertTwo fires.
  const alertOne = (): Alert => alert({ t: '1', e: 'f' })
  const alertTwo = (resolved: boolean): Alert =>
    alert({ s: '1', e: 'f' }, resolved ? NOW - SEC : NOW + HOUR, {
      updatedAt: resolved ? NOW + 1 : NOW,
    })
  const cases: { why: string; alerts: Alert[]; rows: Row[] }[] = [
    {
      why: 'the target is not muted while no source has fired',
      alerts: [alertOne()],
      rows: [{ why: 'alertOne', target: { t: '1', e: 'f' }, muted: false }],
    },
    {
      why: 'the target is muted by a firing source, which itself is not muted',
      alerts: [alertOne(), alertTwo(false)],
      rows: [
        { why: 'alertOne', target: { t: '1', e: 'f' }, muted: true },
        { why: 'alertTwo', target: { s: '1', e: 'f' }, muted: false },
      ],
    },
    {
      why: 'the target is not muted once the source was resolved by a newer version',
      alerts: [alertOne(), alertTwo(false), alertTwo(true)],
      rows: [
        { why: 'alertOne', target: { t: '1', e: 'f' }, muted: false },
        { why: 'alertTwo', target: { s: '1', e: 'f' }, muted: false },
      ],
    },
  ]
  for (const c of cases) {
    it(`${c.why} (replayed on start)`, () => {
      checkRows(harness(rules, c.alerts).inhibitor, c.rows)
    })
    it(`${c.why} (streamed after start)`, () => {
      const h = harness(rules)
      for (const a of c.alerts) {
        h.store.put([a])
      }
      checkRows(h.inhibitor, c.rows)
    })
  }
})

describe('Inhibitor semantics', () => {
  const critWarn = rule('severity="critical"', 'severity="warning"', ['cluster', 'service'])
  const crit = { alertname: 'Down', severity: 'critical', cluster: 'a', service: 'api' }
  const warn = { alertname: 'Slow', severity: 'warning', cluster: 'a', service: 'api' }

  it('inhibitedBy names the inhibiting alert by fingerprint', () => {
    const { inhibitor } = harness([critWarn], [alert(crit)])
    assert.equal(inhibitor.inhibitedBy(warn), fingerprint(crit))
    assert.equal(inhibitor.inhibitedBy(crit), undefined)
  })

  it('a source stops inhibiting the moment it resolves by time, without a new event', () => {
    const h = harness([critWarn], [alert(crit, NOW + 10 * SEC)])
    assert.equal(h.inhibitor.mutes(warn), true)
    h.setNow(NOW + 10 * SEC - 1)
    assert.equal(h.inhibitor.mutes(warn), true)
    h.setNow(NOW + 10 * SEC)
    assert.equal(h.inhibitor.mutes(warn), false)
  })

  it('a later resolved version of a source posted to the store replaces the firing one', () => {
    const h = harness([critWarn], [alert(crit)])
    assert.equal(h.inhibitor.mutes(warn), true)
    h.store.put([alert(crit, NOW - SEC, { updatedAt: NOW + 1 })])
    assert.equal(h.store.get(fingerprint(crit))?.endsAt, NOW - SEC)
    assert.equal(h.inhibitor.mutes(warn), false)
  })

  it('a re-fired source inhibits again', () => {
    const h = harness([critWarn], [alert(crit, NOW - SEC)])
    assert.equal(h.inhibitor.mutes(warn), false)
    h.store.put([alert(crit, NOW + HOUR, { startsAt: NOW, updatedAt: NOW + 1 })])
    assert.equal(h.inhibitor.mutes(warn), true)
  })

  it('when source and target resolve at the same instant the target is no longer muted', () => {
    // The pipeline also asks about resolved alerts. At the shared end the source is resolved
    // too, so the inhibitor lets the resolved target through, as 0.25 does; the dedup stage then
    // keeps it silent if it was never notified while firing (test/e2e/inhibition.test.ts).
    const h = harness([critWarn], [alert(crit, NOW + MIN), alert(warn, NOW + MIN)])
    h.setNow(NOW + MIN - 1)
    assert.equal(h.inhibitor.mutes(warn), true)
    h.setNow(NOW + MIN)
    assert.equal(h.inhibitor.mutes(warn), false)
  })

  it('a target resolved before its source stays muted', () => {
    const h = harness([critWarn], [alert(crit, NOW + HOUR), alert(warn, NOW + MIN)])
    h.setNow(NOW + 2 * MIN)
    assert.equal(h.inhibitor.mutes(warn), true)
  })

  // A typical self-inhibiting config: critical inhibits everything of the same cluster,
  // itself included, so critical alerts match both sides.
  const selfRule = rule('severity="critical"', 'severity=~"critical|warning"', ['cluster'])
  const selfRows: {
    why: string
    alerts: LabelSet[]
    target: LabelSet
    by: LabelSet | undefined
  }[] = [
    {
      why: 'a two-sided alert does not inhibit itself',
      alerts: [{ alertname: 'A', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'A', severity: 'critical', cluster: 'a' },
      by: undefined,
    },
    {
      why: 'two two-sided alerts do not inhibit each other',
      alerts: [
        { alertname: 'A', severity: 'critical', cluster: 'a' },
        { alertname: 'B', severity: 'critical', cluster: 'a' },
      ],
      target: { alertname: 'B', severity: 'critical', cluster: 'a' },
      by: undefined,
    },
    {
      why: 'a two-sided source still inhibits a target-only alert',
      alerts: [{ alertname: 'A', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'W', severity: 'warning', cluster: 'a' },
      by: { alertname: 'A', severity: 'critical', cluster: 'a' },
    },
  ]
  for (const row of selfRows) {
    it(row.why, () => {
      const { inhibitor } = harness(
        [selfRule],
        row.alerts.map((l) => alert(l))
      )
      assert.equal(
        inhibitor.inhibitedBy(row.target),
        row.by === undefined ? undefined : fingerprint(row.by)
      )
    })
  }

  it('a two-sided alert is inhibited by a source matching the source side only', () => {
    // Source kind="maint" inhibits everything with team="db"; a maintenance alert of team db
    // matches both sides, and another source matching only the source side still mutes it.
    const r = rule('kind="maint"', 'team="db"')
    const sourceOnly = { alertname: 'Window', kind: 'maint' }
    const both = { alertname: 'DbWindow', kind: 'maint', team: 'db' }
    const { inhibitor } = harness([r], [alert(sourceOnly), alert(both)])
    assert.equal(inhibitor.inhibitedBy(both), fingerprint(sourceOnly))
  })

  it('rules are tried in order and the first inhibiting rule names the source', () => {
    const first = rule('alertname="Maintenance"', 'severity="warning"')
    const { inhibitor } = harness(
      [first, critWarn],
      [alert(crit), alert({ alertname: 'Maintenance' })]
    )
    assert.equal(inhibitor.inhibitedBy(warn), fingerprint({ alertname: 'Maintenance' }))
  })

  it('a later rule inhibits when an earlier matching rule has no source', () => {
    const first = rule('alertname="Maintenance"', 'severity="warning"')
    const { inhibitor } = harness([first, critWarn], [alert(crit)])
    assert.equal(inhibitor.inhibitedBy(warn), fingerprint(crit))
  })

  it('a later rule inhibits when the earlier rule source has resolved', () => {
    const first = rule('alertname="Maintenance"', 'severity="warning"')
    const h = harness(
      [first, critWarn],
      [alert(crit), alert({ alertname: 'Maintenance' }, NOW + MIN)]
    )
    assert.equal(h.inhibitor.inhibitedBy(warn), fingerprint({ alertname: 'Maintenance' }))
    h.setNow(NOW + MIN)
    assert.equal(h.inhibitor.inhibitedBy(warn), fingerprint(crit))
  })

  it('a source that is itself inhibited still inhibits its own targets', () => {
    const chain = [
      rule('severity="critical"', 'severity="warning"', ['cluster']),
      rule('severity="warning"', 'severity="info"', ['cluster']),
    ]
    const info = { alertname: 'Info', severity: 'info', cluster: 'a' }
    const warning = { alertname: 'Warn', severity: 'warning', cluster: 'a' }
    const { inhibitor } = harness(chain, [
      alert({ alertname: 'Crit', severity: 'critical', cluster: 'a' }),
      alert(warning),
    ])
    assert.equal(inhibitor.mutes(warning), true)
    assert.equal(inhibitor.inhibitedBy(info), fingerprint(warning))
  })

  it('with no equal labels every firing source inhibits every target', () => {
    const r = rule('alertname="Maintenance"', 'team="db"')
    const h = harness([r], [alert({ alertname: 'Maintenance', dc: 'x' })])
    assert.equal(h.inhibitor.mutes({ alertname: 'Slow', team: 'db', dc: 'y' }), true)
    assert.equal(h.inhibitor.mutes({ alertname: 'Slow', team: 'web' }), false)
  })

  it('an alert never matching a source matcher is not cached as a source', () => {
    const h = harness([critWarn], [alert({ ...crit, severity: 'page' })])
    assert.equal(h.inhibitor.mutes(warn), false)
  })

  it('resolved alerts replayed on start are cached but do not inhibit', () => {
    const h = harness([critWarn], [alert(crit, NOW - SEC)])
    assert.equal(h.inhibitor.mutes(warn), false)
    assert.equal(h.inhibitor.gc(), 1)
  })

  it('mutes is false for any alert when there are no rules', () => {
    const { inhibitor } = harness([], [alert(crit)])
    assert.equal(inhibitor.mutes(warn), false)
    assert.equal(inhibitor.inhibitedBy(warn), undefined)
    assert.equal(inhibitor.gc(), 0)
  })
})

describe('Inhibitor lifecycle and GC', () => {
  const r = rule('severity="critical"', 'severity="warning"', ['cluster'])
  const target = { alertname: 'Slow', severity: 'warning', cluster: 'a' }

  it('learns sources stored after start', () => {
    const h = harness([r])
    assert.equal(h.inhibitor.mutes(target), false)
    h.store.put([alert({ alertname: 'Down', severity: 'critical', cluster: 'a' })])
    assert.equal(h.inhibitor.mutes(target), true)
  })

  it('after stop it ignores new alerts but still answers from its cache', () => {
    const h = harness([r], [alert({ alertname: 'Down', severity: 'critical', cluster: 'a' })])
    h.inhibitor.stop()
    h.inhibitor.stop()
    h.store.put([
      alert({ alertname: 'Down', severity: 'critical', cluster: 'a' }, NOW - SEC, {
        updatedAt: NOW + 1,
      }),
    ])
    h.store.put([alert({ alertname: 'Other', severity: 'critical', cluster: 'b' })])
    assert.equal(h.inhibitor.mutes(target), true)
    assert.equal(h.inhibitor.mutes({ ...target, cluster: 'b' }), false)
  })

  it('start after stop throws ClosedError; start twice subscribes once', () => {
    const store = new AlertStore({ now: () => NOW })
    const inhibitor = new Inhibitor({ rules: [r], store, log, now: () => NOW })
    inhibitor.start()
    inhibitor.start()
    inhibitor.stop()
    assert.throws(() => {
      inhibitor.start()
    }, ClosedError)
  })

  it('GC drops resolved sources only, and a GC-ed source can return', () => {
    const h = harness(
      [r],
      [
        alert({ alertname: 'A', severity: 'critical', cluster: 'a' }, NOW + MIN),
        alert({ alertname: 'B', severity: 'critical', cluster: 'b' }, NOW + HOUR),
      ]
    )
    assert.equal(h.inhibitor.gc(), 0)
    h.setNow(NOW + MIN)
    assert.equal(h.inhibitor.mutes(target), false)
    assert.equal(h.inhibitor.gc(), 1)
    assert.equal(h.inhibitor.gc(), 0)
    assert.equal(h.inhibitor.mutes({ ...target, cluster: 'b' }), true)
    h.store.put([
      alert({ alertname: 'A', severity: 'critical', cluster: 'a' }, NOW + HOUR, {
        startsAt: NOW + MIN,
        updatedAt: NOW + MIN,
      }),
    ])
    assert.equal(
      h.inhibitor.inhibitedBy(target),
      fingerprint({ alertname: 'A', severity: 'critical', cluster: 'a' })
    )
  })

  it('GC counts a source once per rule that cached it', () => {
    const both = [r, rule('cluster="a"', 'team="x"')]
    const h = harness(both, [
      alert({ alertname: 'A', severity: 'critical', cluster: 'a' }, NOW + SEC),
    ])
    h.setNow(NOW + SEC)
    assert.equal(h.inhibitor.gc(), 2)
  })
})

describe('Inhibitor with many sources', () => {
  it('finds the one qualifying source among thousands in other buckets and the same bucket', () => {
    const r = rule('severity="critical"', 'severity="warning"', ['cluster', 'service'])
    const alerts: Alert[] = []
    for (let i = 0; i < 2000; i++) {
      alerts.push(
        alert({
          alertname: 'Down',
          severity: 'critical',
          cluster: `c${String(i % 50)}`,
          service: `s${String(i)}`,
        })
      )
    }
    // Same bucket as the target: many resolved, one two-sided-irrelevant firing source.
    for (let i = 0; i < 500; i++) {
      alerts.push(
        alert(
          { alertname: `Old${String(i)}`, severity: 'critical', cluster: 'x', service: 'y' },
          NOW - SEC
        )
      )
    }
    const firing = { alertname: 'Live', severity: 'critical', cluster: 'x', service: 'y' }
    alerts.push(alert(firing, NOW + MIN))
    const h = harness([r], alerts)
    const target = { alertname: 'Slow', severity: 'warning', cluster: 'x', service: 'y' }
    assert.equal(h.inhibitor.inhibitedBy(target), fingerprint(firing))
    assert.equal(h.inhibitor.mutes({ ...target, service: 'z' }), false)
    assert.equal(h.inhibitor.mutes({ ...target, cluster: 'c7', service: 's7' }), true)
    assert.equal(h.inhibitor.mutes({ ...target, cluster: 'c7', service: 's8' }), false)
    assert.equal(h.inhibitor.gc(), 500)
    h.setNow(NOW + MIN)
    assert.equal(h.inhibitor.mutes(target), false)
  })
})
