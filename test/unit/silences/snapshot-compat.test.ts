// Snapshot compatibility with the real Alertmanager 0.25 (Debian's build, installed by the test
// command): it reads the `silences` file Alertmanager writes at shutdown, and Alertmanager lists
// the silences of a file we wrote exactly as we hold them. Together: either can take over the
// other's --storage.path.
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

import { Silences, apiSilenceState } from '#src/silences/index.js'
import type { Silence, SilenceMatcherType } from '#src/silences/index.js'
import { formatRFC3339Millis } from '#src/util/index.js'

import { iso } from '../../support/fixtures.js'
import type { GettableSilence } from '../../support/fixtures.js'
import { TestNode } from '../../support/node-process.js'

import { HOUR, MIN, eq, quietLog } from './helpers.js'

const BINARY = '/usr/bin/prometheus-alertmanager'
const CONFIG = 'route:\n  receiver: r\nreceivers:\n- name: r\n'
const RETENTION = 120 * HOUR

function apiMatchers(type: SilenceMatcherType): { isRegex: boolean; isEqual: boolean } {
  return {
    isRegex: type === 'REGEXP' || type === 'NOT_REGEXP',
    isEqual: type === 'EQUAL' || type === 'REGEXP',
  }
}

/** toApi renders one of our silences as Alertmanager's API lists it (key order aside). */
function toApi(s: Silence, now: number): GettableSilence {
  return {
    id: s.id,
    status: { state: apiSilenceState(s, now) },
    updatedAt: formatRFC3339Millis(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    startsAt: formatRFC3339Millis(s.startsAt),
    endsAt: formatRFC3339Millis(s.endsAt),
    matchers: s.matchers.map((m) => ({ name: m.name, value: m.pattern, ...apiMatchers(m.type) })),
  }
}

const byId = (list: readonly GettableSilence[]): GettableSilence[] =>
  [...list].sort((a, b) => a.id.localeCompare(b.id))

describe('snapshot compatibility with Alertmanager 0.25', () => {
  const nodes: TestNode[] = []
  const dirs: string[] = []
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  async function startAlertmanager(dir?: string): Promise<TestNode> {
    const node = await TestNode.start({
      config: CONFIG,
      command: [BINARY],
      ...(dir === undefined ? {} : { dir }),
    })
    nodes.push(node)
    dirs.push(node.dir)
    return node
  }

  let takenOver: string | undefined

  it('reads every silence of a snapshot Alertmanager wrote at shutdown', async () => {
    const am = await startAlertmanager()
    const now = Date.now()
    const post = async (body: object): Promise<string> => {
      const res = await am.postSilence(body)
      assert.equal(res.status, 200, await res.clone().text())
      return ((await res.json()) as { silenceID: string }).silenceID
    }
    const m = (name: string, value: string, isRegex: boolean, isEqual: boolean): object => ({
      name,
      value,
      isRegex,
      isEqual,
    })
    await post({
      matchers: [m('alertname', 'Down', false, true)],
      startsAt: iso(now - HOUR),
      endsAt: iso(now + HOUR),
      createdBy: 'alice',
      comment: 'active',
    })
    await post({
      matchers: [
        m('job', 'api|web', true, true),
        m('env', 'dev', false, false),
        m('instance', '.*:9100', true, false),
      ],
      startsAt: iso(now + HOUR),
      endsAt: iso(now + 3 * HOUR + 7),
      createdBy: 'bøb ☃',
      comment: 'pending "quoted"\nline two\\',
    })
    const updated = await post({
      matchers: [m('team', 'db', false, true)],
      startsAt: iso(now),
      endsAt: iso(now + HOUR),
      createdBy: '',
      comment: '',
    })
    // Like amtool silence update: post back the stored start, so the update stays in place
    // whatever second the clock is in by now.
    const stored = await am.getJson<GettableSilence>(`/api/v2/silence/${updated}`)
    await post({
      id: updated,
      matchers: [m('team', 'db', false, true)],
      startsAt: stored.startsAt,
      endsAt: iso(now + 2 * HOUR),
      createdBy: 'carol',
      comment: 'in place',
    })
    const expired = await post({
      matchers: [m('a', 'b', false, true)],
      startsAt: iso(now),
      endsAt: iso(now + HOUR),
      createdBy: 'erin',
      comment: 'deleted',
    })
    assert.equal(
      (await fetch(`${am.url}/api/v2/silence/${expired}`, { method: 'DELETE' })).status,
      200
    )
    const listed = await am.getJson<GettableSilence[]>('/api/v2/silences')
    assert.equal(listed.length, 4)
    // SIGTERM makes Alertmanager write its snapshot on the way out.
    await am.kill('SIGTERM')

    const dir = join(am.dir, 'data')
    const ours = await Silences.open({
      retentionMs: RETENTION,
      snapshotDir: dir,
      log: quietLog().log,
    })
    assert.deepEqual(ours.openReport, { loaded: 4, replayed: 0, skipped: 0, errors: [] })
    const at = Date.now()
    assert.deepEqual(
      byId(ours.list().map((s) => toApi(s, at))),
      byId(
        listed.map((s) => ({
          ...s,
          status: { state: s.id === expired ? 'expired' : s.status.state },
        }))
      )
    )
    // Alertmanager's GC time is endsAt + retention, as ours.
    for (const mesh of ours.meshSilences()) {
      assert.equal(mesh.expiresAt, mesh.silence.endsAt + RETENTION)
    }

    // Take the directory over: change it, then hand it back to Alertmanager in the next test.
    await ours.expire(updated)
    await ours.set({
      matchers: [eq('service', 'checkout')],
      startsAt: now,
      endsAt: now + 4 * HOUR,
      createdBy: 'zoë',
      comment: 'ours, active',
    })
    await ours.set({
      matchers: [
        { type: 'REGEXP', name: 'severity', pattern: 'crit|page' },
        { type: 'NOT_REGEXP', name: 'env', pattern: 'dev|test.*' },
        { type: 'NOT_EQUAL', name: 'team', pattern: 'ops' },
      ],
      startsAt: now + 2 * HOUR,
      endsAt: now + 5 * HOUR + 123,
      createdBy: '',
      comment: 'ours, pending, ünïcode\ttab',
    })
    await ours.close()
    takenOver = am.dir
  })

  it('hands a snapshot we wrote to Alertmanager, which lists it identically', async () => {
    assert.ok(takenOver !== undefined, 'runs after the previous test')
    const ours = await Silences.open({
      retentionMs: RETENTION,
      snapshotDir: join(takenOver, 'data'),
      log: quietLog().log,
    })
    const expected = ours.list()
    await ours.close()
    assert.equal(expected.length, 6)

    const am = await startAlertmanager(takenOver)
    const listed = await am.getJson<GettableSilence[]>('/api/v2/silences')
    const at = Date.now()
    assert.deepEqual(byId(listed), byId(expected.map((s) => toApi(s, at))))
    // Alertmanager mutes with our silences too: an alert matching the active one is suppressed.
    const res = await am.postAlerts([{ labels: { alertname: 'X', service: 'checkout' } }])
    assert.equal(res.status, 200)
    const alerts =
      await am.getJson<{ status: { state: string; silencedBy: string[] } }[]>('/api/v2/alerts')
    const checkout = expected.find((s) => s.comment === 'ours, active')
    assert.deepEqual(alerts[0]?.status.silencedBy, [checkout?.id])
    // Within a few minutes, nothing here is near a state boundary.
    assert.ok(Date.now() - at < 5 * MIN)
  })
})
