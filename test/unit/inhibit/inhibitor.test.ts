import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import { AlertStore } from '../../../src/alerts/index.js'
import type { Alert } from '../../../src/alerts/index.js'
import type { InhibitRuleConfig } from '../../../src/config/index.js'
import { Inhibitor } from '../../../src/inhibit/index.js'
import { fingerprint, parseMatchers } from '../../../src/labels/index.js'

const log = bunyan.createLogger({ name: 'test', level: 'fatal' })
const NOW = 1_700_000_000_000

function alert(labels: Record<string, string>, endsAt = NOW + 60_000): Alert {
  return {
    labels,
    annotations: {},
    startsAt: NOW - 60_000,
    endsAt,
    generatorURL: '',
    updatedAt: NOW,
    timeout: false,
    fingerprint: fingerprint(labels),
  }
}

function rule(source: string, target: string, equal: string[] = []): InhibitRuleConfig {
  return { source_matchers: parseMatchers(source), target_matchers: parseMatchers(target), equal }
}

function setup(
  rules: InhibitRuleConfig[],
  alerts: Alert[],
  now = NOW
): { inhibitor: Inhibitor; store: AlertStore } {
  let clock = now
  const store = new AlertStore({ now: () => clock })
  store.put(alerts)
  const inhibitor = new Inhibitor({ rules, store, log, now: () => clock })
  inhibitor.start()
  void (clock = now)
  return { inhibitor, store }
}

const CRIT_WARN = rule('severity="critical"', 'severity="warning"', ['cluster'])

void describe('Inhibitor', () => {
  // Each row: the cached alerts, the alert checked, and the expected inhibiting alert (or none).
  const cases: {
    why: string
    rules: InhibitRuleConfig[]
    sources: Record<string, string>[]
    target: Record<string, string>
    by?: Record<string, string>
  }[] = [
    {
      why: 'a firing source with equal labels inhibits',
      rules: [CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'Slow', severity: 'warning', cluster: 'a' },
      by: { alertname: 'Down', severity: 'critical', cluster: 'a' },
    },
    {
      why: 'a different equal label value does not inhibit',
      rules: [CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'Slow', severity: 'warning', cluster: 'b' },
    },
    {
      why: 'an equal label absent on both sides counts as equal',
      rules: [CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical' }],
      target: { alertname: 'Slow', severity: 'warning' },
      by: { alertname: 'Down', severity: 'critical' },
    },
    {
      why: 'an equal label present on one side only does not inhibit',
      rules: [CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'Slow', severity: 'warning' },
    },
    {
      why: 'an alert not matching the target matchers is never inhibited',
      rules: [CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'Other', severity: 'info', cluster: 'a' },
    },
    {
      why: 'an alert matching both sides is not inhibited by a source that matches both sides too',
      rules: [rule('kind="both"', 'kind="both"')],
      sources: [{ alertname: 'A', kind: 'both' }],
      target: { alertname: 'B', kind: 'both' },
    },
    {
      why: 'with no equal labels any firing source inhibits',
      rules: [rule('alertname="Maintenance"', 'team="db"')],
      sources: [{ alertname: 'Maintenance' }],
      target: { alertname: 'Slow', team: 'db' },
      by: { alertname: 'Maintenance' },
    },
    {
      why: 'the second rule inhibits when the first does not apply',
      rules: [rule('x="1"', 'y="1"'), CRIT_WARN],
      sources: [{ alertname: 'Down', severity: 'critical', cluster: 'a' }],
      target: { alertname: 'Slow', severity: 'warning', cluster: 'a' },
      by: { alertname: 'Down', severity: 'critical', cluster: 'a' },
    },
  ]
  for (const c of cases) {
    void it(c.why, () => {
      const { inhibitor } = setup(
        c.rules,
        c.sources.map((s) => alert(s))
      )
      assert.equal(
        inhibitor.inhibitedBy(c.target),
        c.by === undefined ? undefined : fingerprint(c.by)
      )
      assert.equal(inhibitor.mutes(c.target), c.by !== undefined)
    })
  }

  void it('stops inhibiting once the source resolves, by time alone', () => {
    let clock = NOW
    const store = new AlertStore({ now: () => clock })
    store.put([alert({ alertname: 'Down', severity: 'critical', cluster: 'a' }, NOW + 1000)])
    const inhibitor = new Inhibitor({ rules: [CRIT_WARN], store, log, now: () => clock })
    inhibitor.start()
    const target = { alertname: 'Slow', severity: 'warning', cluster: 'a' }
    assert.equal(inhibitor.mutes(target), true)
    clock = NOW + 1000
    assert.equal(inhibitor.mutes(target), false)
    assert.equal(inhibitor.gc(), 1)
  })

  void it('learns sources posted after it started and forgets them after stop', () => {
    const store = new AlertStore({ now: () => NOW })
    const inhibitor = new Inhibitor({ rules: [CRIT_WARN], store, log, now: () => NOW })
    inhibitor.start()
    const target = { alertname: 'Slow', severity: 'warning', cluster: 'a' }
    assert.equal(inhibitor.mutes(target), false)
    store.put([alert({ alertname: 'Down', severity: 'critical', cluster: 'a' })])
    assert.equal(inhibitor.mutes(target), true)
    inhibitor.stop()
    store.put([alert({ alertname: 'Down2', severity: 'critical', cluster: 'a' }, NOW - 1)])
    assert.equal(
      inhibitor.mutes(target),
      true,
      'the cache keeps what it saw; a reload builds a new inhibitor'
    )
  })

  void it('a newer resolved version of the source replaces the firing one', () => {
    const store = new AlertStore({ now: () => NOW })
    const inhibitor = new Inhibitor({ rules: [CRIT_WARN], store, log, now: () => NOW })
    inhibitor.start()
    const source = { alertname: 'Down', severity: 'critical', cluster: 'a' }
    store.put([alert(source)])
    store.put([{ ...alert(source, NOW - 1), updatedAt: NOW + 1 }])
    assert.equal(inhibitor.mutes({ alertname: 'Slow', severity: 'warning', cluster: 'a' }), false)
  })
})
