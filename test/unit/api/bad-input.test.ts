/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
// Bad input to POST /api/v2/alerts gets a clear error and changes nothing, on an in-process
// node: each malformed body is answered as Debian's Alertmanager 0.25 answers it (the answers
// are pinned in test/support/alertmanager-answers.ts, which test/e2e/bad-input.test.ts checks
// against the real Alertmanager), a partly valid batch stores its valid alerts, an oversized
// body is refused, and random bodies never crash the node or store garbage.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  ALERT_POST_CASES,
  ask,
  assertAnswersLikeAlertmanager,
} from '../../support/alertmanager-answers.js'
import { InProcessNode } from '../../support/api-harness.js'
import { getJson, postAlerts } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'

const CONFIG = 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n- name: r\n'

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
