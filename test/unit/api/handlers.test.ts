// The API v2 handlers as clients see them, on nodes wired in this process
// (test/support/api-harness.ts): GET /alerts filters, the receivers an alert routes to,
// /alerts/groups, /receivers and /status; malformed alerts and silences answered as Debian's
// Alertmanager 0.25 answers them (pinned in test/support/alertmanager-answers.ts, which
// test/e2e/bad-input.test.ts and silences-api.test.ts check against the real Alertmanager);
// partly valid batches, oversized and random bodies; a posted silence with an id updated in
// place or replaced by 0.25's rules. One file, so the node's modules load once for all of
// them. amtool, reload and the pipeline stay in test/e2e (api, bad-input, silences-api,
// silences).
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'

import {
  ALERT_POST_CASES,
  SILENCE_ID_CASES,
  ask,
  assertAnswersLikeAlertmanager,
  silencePostCases,
} from '../../support/alertmanager-answers.js'
import { InProcessNode } from '../../support/api-harness.js'
import { alertnameSilence as silence } from '../../support/fixtures.js'
import { getJson, postAlerts, postSilence, reload } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'

interface GettableAlert {
  labels: Record<string, string>
  fingerprint: string
  receivers: { name: string }[]
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] }
}

// Three receivers, and alert A routed to two of them (continue): for the reads.
const ROUTED = `
route:
  receiver: default
  group_wait: 1h
  routes:
  - matchers: ['team="db"']
    receiver: db
    continue: true
  - matchers: ['severity=~"crit|page"']
    receiver: pager
receivers:
- name: default
- name: db
- name: pager
`

// One receiver, nothing routed elsewhere: for the requests that must be refused.
const CONFIG = 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n- name: r\n'

/** postRaw posts alerts as the given byte chunks, each its own write; returns the status. */
function postRaw(base: string, chunks: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    for (const chunk of chunks) {
      req.write(chunk)
    }
    req.end()
  })
}

describe('API v2 reads', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: ROUTED }))
    const res = await postAlerts(node.url, [
      { labels: { alertname: 'A', team: 'db', severity: 'crit' } },
      { labels: { alertname: 'B', team: 'web' } },
      {
        labels: { alertname: 'C', severity: 'page' },
        endsAt: new Date(Date.now() - 1000).toISOString(),
        startsAt: new Date(Date.now() - 5000).toISOString(),
      },
    ])
    assert.equal(res.status, 200)
  })
  after(() => teardown.run())

  const names = (alerts: GettableAlert[]): string[] =>
    alerts.map((a) => a.labels['alertname'] ?? '').sort()

  // Each row: query string → alertnames expected (resolved C is never listed).
  const cases: [string, string[]][] = [
    ['', ['A', 'B']], // defaults: everything that has not ended
    ['?filter=team%3D%22db%22', ['A']], // equality filter
    ['?filter=team%3D~%22d.*%22&filter=severity%21%3D%22x%22', ['A']], // every filter must match
    ['?filter=severity%3D%22%22', ['B']], // absent label matches ""
    ['?receiver=pager', ['A']], // A routes to db and pager (continue)
    ['?receiver=db%7Cdefault', ['A', 'B']], // anchored regex over receivers
    ['?receiver=pag', []], // anchored: a prefix does not match
    ['?active=false', []], // every listed alert is active
    ['?silenced=false&inhibited=false', ['A', 'B']], // none is muted yet
    ['?unprocessed=false', ['A', 'B']], // accepted and ignored, as in 0.25
  ]
  for (const [query, expected] of cases) {
    it(`GET /api/v2/alerts${query} lists ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(
        names(await getJson<GettableAlert[]>(node.url, `/api/v2/alerts${query}`)),
        expected
      )
    })
  }

  it('lists receivers in routing order and sorts alerts by fingerprint', async () => {
    const alerts = await getJson<GettableAlert[]>(node.url, '/api/v2/alerts')
    const a = alerts.find((x) => x.labels['alertname'] === 'A')
    assert.ok(a)
    assert.deepEqual(a.receivers, [{ name: 'db' }, { name: 'pager' }])
    assert.deepEqual(a.status, { inhibitedBy: [], silencedBy: [], state: 'active' })
    const fps = alerts.map((x) => x.fingerprint)
    assert.deepEqual(fps, [...fps].sort())
  })

  it('answers a bad filter or receiver regex with 400 and the parser message', async () => {
    const bad = await fetch(`${node.url}/api/v2/alerts?filter=foo`)
    assert.equal(bad.status, 400)
    assert.equal(await bad.json(), 'bad matcher format: foo')
    const re = await fetch(`${node.url}/api/v2/alerts?receiver=(`)
    assert.equal(re.status, 400)
    assert.equal(
      await re.json(),
      'failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`'
    )
  })

  it('groups alerts by route and receiver in /api/v2/alerts/groups', async () => {
    const groups = await getJson<
      { labels: Record<string, string>; receiver: { name: string }; alerts: GettableAlert[] }[]
    >(node.url, '/api/v2/alerts/groups')
    assert.deepEqual(
      groups.map((g) => [g.receiver.name, names(g.alerts)]),
      [
        ['db', ['A']],
        ['default', ['B']],
        ['pager', ['A']],
      ]
    )
    const pagerOnly = await getJson<unknown[]>(node.url, '/api/v2/alerts/groups?receiver=pager')
    assert.equal(pagerOnly.length, 1)
  })

  it('lists configured receivers, referenced or not, in config order', async () => {
    assert.deepEqual(await getJson(node.url, '/api/v2/receivers'), [
      { name: 'default' },
      { name: 'db' },
      { name: 'pager' },
    ])
  })

  it('shows a node without clustering, its version and its config in /api/v2/status', async () => {
    const status = await getJson<{
      cluster: { status: string; peers: unknown[] }
      versionInfo: { version: string }
      alertmesh: { name: string; config: { hash: string; appliedAt: string }; nodes: unknown[] }
    }>(node.url, '/api/v2/status')
    assert.deepEqual(status.cluster, { peers: [], status: 'disabled' })
    assert.equal(status.versionInfo.version, '0.25.0')
    // Without clustering the node lists only itself.
    const { name, config } = status.alertmesh
    assert.match(config.hash, /^[0-9a-f]{12}$/)
    assert.deepEqual(status.alertmesh.nodes, [
      { name, hash: config.hash, appliedAt: config.appliedAt },
    ])
  })
})

// The listings remember each alert's JSON and each group's order: every change must still show
// in the very next GET of both listings.
describe('API v2 listings after a change', () => {
  const WITH_INHIBITION = `${ROUTED}inhibit_rules:
- source_matchers: ['severity="page"']
  target_matchers: ['severity="warn"']
  equal: ['team']
`
  let node: InProcessNode
  const teardown = new Teardown()
  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: WITH_INHIBITION }))
  })
  after(() => teardown.run())

  interface Seen {
    readonly receivers: string[]
    readonly state: string
    readonly silencedBy: string[]
    readonly inhibitedBy: string[]
    readonly summary: string | undefined
  }
  type Listed = GettableAlert & { annotations: Record<string, string> }

  /** seen reads both listings twice (the second from any cache) and checks they agree. */
  async function seen(): Promise<Record<string, Seen>> {
    const byName = (alerts: Listed[]): Record<string, Seen> =>
      Object.fromEntries(
        alerts.map((a) => [
          a.labels['alertname'] ?? '',
          {
            receivers: a.receivers.map((r) => r.name),
            state: a.status.state,
            silencedBy: a.status.silencedBy,
            inhibitedBy: a.status.inhibitedBy,
            summary: a.annotations['summary'],
          },
        ])
      )
    const first = await getJson<Listed[]>(node.url, '/api/v2/alerts')
    const second = await getJson<Listed[]>(node.url, '/api/v2/alerts')
    assert.deepEqual(second, first)
    const groups = await getJson<{ alerts: Listed[] }[]>(node.url, '/api/v2/alerts/groups')
    assert.deepEqual(byName(groups.flatMap((g) => g.alerts)), byName(first))
    return byName(first)
  }

  const post = async (alerts: object[]): Promise<void> => {
    assert.equal((await postAlerts(node.url, alerts)).status, 200)
  }
  const TARGET = { labels: { alertname: 'Target', team: 'db', severity: 'warn' } }

  it('shows a new annotation, a silence and its expiry at once', async () => {
    await post([{ ...TARGET, annotations: { summary: 'one' } }])
    const before = await seen()
    assert.deepEqual(before['Target'], {
      receivers: ['db'],
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
      summary: 'one',
    })
    await post([{ ...TARGET, annotations: { summary: 'two' } }])
    assert.equal((await seen())['Target']?.summary, 'two')

    const res = await postSilence(
      node.url,
      silence('Target', Date.now() - 1000, Date.now() + 3_600_000)
    )
    const { silenceID } = (await res.json()) as { silenceID: string }
    const silenced = (await seen())['Target']
    assert.equal(silenced?.state, 'suppressed')
    assert.deepEqual(silenced.silencedBy, [silenceID])

    const expired = await fetch(`${node.url}/api/v2/silence/${silenceID}`, { method: 'DELETE' })
    assert.equal(expired.status, 200)
    assert.deepEqual((await seen())['Target']?.state, 'active')
  })

  it('shows an inhibition as soon as its source arrives, and its end once resolved', async () => {
    const source = { labels: { alertname: 'Source', team: 'db', severity: 'page' } }
    await post([source])
    const inhibited = await seen()
    assert.equal(inhibited['Target']?.state, 'suppressed')
    assert.equal(inhibited['Target'].inhibitedBy.length, 1)

    await post([{ ...source, endsAt: new Date(Date.now() - 1000).toISOString() }])
    const after = await seen()
    assert.equal(after['Source'], undefined)
    assert.equal(after['Target']?.state, 'active')
  })

  it('shows the receivers of a reloaded config at once', async () => {
    // The db route now matches nothing: the target falls through to the default receiver.
    await writeFile(node.configFile, WITH_INHIBITION.replace('team="db"', 'team="none"'))
    assert.equal((await reload(node.url)).status, 200)
    assert.deepEqual((await seen())['Target']?.receivers, ['default'])
  })
})

describe('bad alerts', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: CONFIG }))
  })
  after(() => teardown.run())

  for (const c of ALERT_POST_CASES) {
    it(`answers ${c.why} as Alertmanager 0.25 does`, async () => {
      assertAnswersLikeAlertmanager(await ask(node.url, c), c)
    })
  }

  it('stores the valid alerts of a partly invalid batch (best effort)', async () => {
    const res = await postAlerts(node.url, [
      { labels: { alertname: 'Good' } },
      { labels: { 'bad-name': 'x' } },
    ])
    assert.equal(res.status, 400)
    assert.equal(await res.json(), 'invalid label set: invalid name "bad-name"')
    const listed = await getJson<{ labels: Record<string, string> }[]>(node.url, '/api/v2/alerts')
    assert.deepEqual(
      listed.map((a) => a.labels['alertname']),
      ['Good']
    )
  })

  it('reads the body as UTF-8: a byte-order mark dropped, split characters joined, bad bytes as U+FFFD', async () => {
    const text = (value: string): Buffer =>
      Buffer.from(`[{"labels":{"alertname":"Utf8","v":"${value}"}}]`)
    const [head, tail] = [text('é€😀').subarray(0, 43), text('é€😀').subarray(43)]
    // Three writes: the BOM, then the body split inside the 4-byte emoji.
    const bom = Buffer.from([0xef, 0xbb, 0xbf])
    assert.equal(await postRaw(node.url, [bom, head, tail]), 200)
    assert.equal(
      await postRaw(node.url, [
        Buffer.from('[{"labels":{"alertname":"Bad","v":"a'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('b"}}]'),
      ]),
      200
    )
    const listed = await getJson<{ labels: Record<string, string> }[]>(node.url, '/api/v2/alerts')
    const value = (name: string): string | undefined =>
      listed.find((a) => a.labels['alertname'] === name)?.labels['v']
    assert.equal(value('Utf8'), 'é€😀')
    assert.equal(value('Bad'), 'a\ufffd\ufffdb')
  })

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const big = `[${'{"labels":{"a":"b"}},'.repeat(2_000_000)}{"labels":{"a":"b"}}]`
    const res = await fetch(`${node.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    }).catch((err: unknown) => ({ status: 413, err }))
    assert.equal(res.status, 413)
    assert.equal((await fetch(`${node.url}/-/healthy`)).status, 200)
  })

  it('survives random and mutated bodies without crashing or storing garbage', async () => {
    const seeds = [
      '[{"labels":{"alertname":"Fuzz"},"annotations":{"s":"x"},"startsAt":"2026-11-24T07:02:39Z"}]',
      '[{"labels":{"a":"b"},"generatorURL":"http://x/y"}]',
    ]
    let state = 42
    const rand = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31
      return state % n
    }
    const alphabet = '[]{}":,\\0123456789abcdefnulltrue-_.ü\u0000\ud800 '
    const statuses = new Set<number>()
    for (let i = 0; i < 400; i++) {
      let body = seeds[rand(seeds.length)] as string
      const mutations = 1 + rand(6)
      for (let m = 0; m < mutations; m++) {
        const at = rand(body.length + 1)
        const op = rand(3)
        const ch = alphabet[rand(alphabet.length)] as string
        body =
          op === 0
            ? body.slice(0, at) + ch + body.slice(at)
            : op === 1
              ? body.slice(0, at) + body.slice(at + 1)
              : body.slice(0, at) + ch + body.slice(at + 1)
      }
      if (i % 10 === 0) {
        body = Array.from({ length: rand(200) }, () => alphabet[rand(alphabet.length)]).join('')
      }
      const res = await fetch(`${node.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      })
      await res.arrayBuffer()
      statuses.add(res.status)
      assert.ok(
        [200, 400, 422].includes(res.status),
        `status ${res.status} for ${JSON.stringify(body)}`
      )
    }
    assert.ok(statuses.has(400), 'the fuzzer produced invalid bodies')
    assert.equal((await fetch(`${node.url}/-/healthy`)).status, 200)
    // Whatever was stored is a valid alert the API can list.
    const listed = await getJson<{ labels: Record<string, string> }[]>(node.url, '/api/v2/alerts')
    for (const alert of listed) {
      assert.ok(Object.keys(alert.labels).length > 0)
    }
  })
})

describe('silence API', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: CONFIG }))
  })
  after(() => teardown.run())

  async function silenceState(id: string): Promise<string> {
    return (await getJson<{ status: { state: string } }>(node.url, `/api/v2/silence/${id}`)).status
      .state
  }

  for (const c of [...silencePostCases(Date.now()), ...SILENCE_ID_CASES]) {
    it(`answers ${c.why} as Alertmanager 0.25 does`, async () => {
      assertAnswersLikeAlertmanager(await ask(node.url, c), c)
    })
  }

  it('updates in place or replaces a silence by Alertmanager 0.25 rules', async () => {
    const now = Date.now()
    const created = (await (
      await postSilence(node.url, silence('Update', now - 1000, now + 60_000))
    ).json()) as { silenceID: string }
    // Same matchers and the stored start (clamped to the creation instant), later end: updated
    // in place, same id — what amtool silence update and the UI do after reading the silence.
    const stored = await getJson<{ startsAt: string }>(
      node.url,
      `/api/v2/silence/${created.silenceID}`
    )
    const extended = (await (
      await postSilence(node.url, {
        ...silence('Update', Date.parse(stored.startsAt), now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    // Different matchers: the old silence is expired and a new id is returned.
    const replaced = (await (
      await postSilence(node.url, {
        ...silence('Update2', now - 1000, now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    assert.equal(extended.silenceID, created.silenceID)
    assert.notEqual(replaced.silenceID, created.silenceID)
    assert.equal(await silenceState(created.silenceID), 'expired')
    assert.equal(await silenceState(replaced.silenceID), 'active')
  })
})
