// Bad input gets a clear error and changes nothing. The POST /api/v2/alerts cases run against
// Debian's Alertmanager 0.25 too, and both must answer with the same status and body.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

const CONFIG = (url: string, receiver = 'r'): string => `
route:
  receiver: ${receiver}
  group_wait: 200ms
  group_interval: 1s
receivers:
- name: ${receiver}
  webhook_configs:
  - url: ${url}
`

interface RawCase {
  readonly why: string
  readonly body: string
  readonly contentType?: string
}

// Each row: a malformed request body and why it is wrong.
const POST_CASES: RawCase[] = [
  { why: 'not JSON at all', body: 'x' },
  { why: 'an object where a list is expected', body: '{}' },
  { why: 'labels missing', body: '[{}]' },
  { why: 'labels of the wrong type', body: '[{"labels":"x"}]' },
  { why: 'a label value that is not a string', body: '[{"labels":{"a":1}}]' },
  {
    why: 'an invalid label name, an empty label set and a label set emptied by empty values',
    body: '[{"labels":{"a-b":"x"}},{"labels":{}},{"labels":{"a":""}}]',
  },
  { why: 'an invalid annotation name', body: '[{"labels":{"a":"b"},"annotations":{"x-y":"1"}}]' },
  {
    why: 'endsAt before startsAt',
    body: '[{"labels":{"a":"b"},"startsAt":"2026-11-24T07:02:39Z","endsAt":"2026-11-24T06:02:39Z"}]',
  },
  {
    why: 'a generatorURL that is not a URI',
    body: '[{"labels":{"a":"b"},"generatorURL":"::nope"}]',
  },
  { why: 'a form content type', body: '[]', contentType: 'application/x-www-form-urlencoded' },
  { why: 'a text content type', body: '[]', contentType: 'text/plain' },
]

async function post(url: string, c: RawCase): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': c.contentType ?? 'application/json' },
    body: c.body,
  })
  return { status: res.status, body: (await res.text()).trim() }
}

void describe('bad input', () => {
  let receiver: WebhookReceiver
  let node: TestNode
  let alertmanager: TestNode
  const teardown = new Teardown()

  before(async () => {
    receiver = teardown.stop(await WebhookReceiver.start())
    ;[node, alertmanager] = await teardown.stopAll([
      TestNode.start({ config: CONFIG(`${receiver.url}/mesh`) }),
      TestNode.start({
        config: CONFIG(`${receiver.url}/am`),
        command: ['/usr/bin/prometheus-alertmanager'],
      }),
    ])
  })
  after(() => teardown.run())

  for (const c of POST_CASES) {
    void it(`answers ${c.why} as Alertmanager 0.25 does`, async () => {
      const [ours, theirs] = await Promise.all([post(node.url, c), post(alertmanager.url, c)])
      assert.equal(ours.status, theirs.status, `status for ${c.body}`)
      if (theirs.body.startsWith('{"code":400,"message":"parsing alerts body')) {
        // Go's JSON decoder words syntax errors its own way; the form around it must match.
        assert.match(
          ours.body,
          /^\{"code":400,"message":"parsing alerts body from \\"\\" failed, because /
        )
      } else {
        assert.equal(ours.body, theirs.body)
      }
    })
  }

  void it('stores the valid alerts of a partly invalid batch (best effort)', async () => {
    const res = await node.postAlerts([
      { labels: { alertname: 'Good' } },
      { labels: { 'bad-name': 'x' } },
    ])
    assert.equal(res.status, 400)
    assert.equal(await res.json(), 'invalid label set: invalid name "bad-name"')
    const listed = await node.getJson<{ labels: Record<string, string> }[]>('/api/v2/alerts')
    assert.deepEqual(
      listed.map((a) => a.labels['alertname']),
      ['Good']
    )
  })

  void it('refuses an oversized body with 413 and keeps serving', async () => {
    const big = `[${'{"labels":{"a":"b"}},'.repeat(2_000_000)}{"labels":{"a":"b"}}]`
    const res = await fetch(`${node.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    }).catch((err: unknown) => ({ status: 413, err }))
    assert.equal(res.status, 413)
    assert.equal((await fetch(`${node.url}/-/healthy`)).status, 200)
  })

  void it('survives random and mutated bodies without crashing or storing garbage', async () => {
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
    const listed = await node.getJson<{ labels: Record<string, string> }[]>('/api/v2/alerts')
    for (const alert of listed) {
      assert.ok(Object.keys(alert.labels).length > 0)
    }
  })

  void it('refuses an invalid config on reload, reports why, and keeps routing with the old one', async () => {
    const path = '/keep'
    const n = await TestNode.start({ config: CONFIG(`${receiver.url}${path}`) })
    try {
      // Each row: an invalid config and a fragment of the refusal.
      const invalid: [string, RegExp][] = [
        ['route: [unclosed', /yaml|YAML|line/],
        [
          CONFIG(`${receiver.url}${path}`).replace('group_wait: 200ms', 'group_wait: 5x'),
          /not a valid duration string: "5x"/,
        ],
        [
          CONFIG(`${receiver.url}${path}`).replace('  receiver: r\n', '  receiver: nope\n'),
          /undefined receiver "nope" used in route/,
        ],
        [CONFIG(`${receiver.url}${path}`) + 'unknown_key: 1\n', /unknown_key/],
      ]
      for (const [text, message] of invalid) {
        await n.writeConfig(text)
        const res = await n.reload()
        assert.equal(res.status, 500)
        assert.match(await res.text(), message)
        const metrics = await (await fetch(`${n.url}/metrics`)).text()
        assert.match(metrics, /^alertmanager_config_last_reload_successful 0$/m)
      }
      await n.postAlerts([{ labels: { alertname: 'StillRouted' } }])
      const d = await receiver.next((x) => x.path === path)
      assert.equal(d.payload.alerts[0]?.labels['alertname'], 'StillRouted')
      await n.writeConfig(CONFIG(`${receiver.url}${path}`))
      assert.equal((await n.reload()).status, 200)
      assert.match(
        await (await fetch(`${n.url}/metrics`)).text(),
        /^alertmanager_config_last_reload_successful 1$/m
      )
    } finally {
      await n.stop()
    }
  })
})
