import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin, InterceptedRequest } from '../../support/consul-standin/index.js'
import { waitFor } from '../../support/wait.js'

describe('the Consul stand-in intercept hook', () => {
  let consul: ConsulStandin

  before(async () => {
    consul = await startConsulStandin()
  })

  after(async () => {
    await consul.stop()
  })

  it('answers a request itself, seeing method, path, query and headers', async () => {
    const seen: InterceptedRequest[] = []
    consul.intercept((request, res) => {
      seen.push(request)
      if (request.path !== '/v1/kv/scripted') {
        return false
      }
      res.writeHead(200, { 'x-consul-index': '9007199254740993' }).end('[]')
      return true
    })
    try {
      const res = await fetch(`${consul.url}/v1/kv/scripted?index=3`, {
        headers: { 'X-Consul-Token': 'tok' },
      })
      assert.equal(res.headers.get('x-consul-index'), '9007199254740993')
      assert.equal(await res.text(), '[]')
      const passed = await fetch(`${consul.url}/v1/kv/other`)
      assert.equal(passed.status, 404, 'a request the hook declines gets the stand-in answer')
    } finally {
      consul.intercept(undefined)
    }
    assert.deepEqual(
      seen.map((r) => [r.method, r.path, r.query.get('index'), r.headers['x-consul-token']]),
      [
        ['GET', '/v1/kv/scripted', '3', 'tok'],
        ['GET', '/v1/kv/other', null, undefined],
      ]
    )
    assert.equal(consul.requests({ subject: 'scripted', outcome: 'answered' }).length, 1)
  })

  it('holds a request until proceed, then the stand-in answers it', async () => {
    await fetch(`${consul.url}/v1/kv/held`, { method: 'PUT', body: 'v' })
    let proceed: (() => void) | undefined
    consul.intercept((request, _res, go) => {
      if (request.path !== '/v1/kv/held' || request.method !== 'GET') {
        return false
      }
      proceed = go
      return true
    })
    try {
      const answer = fetch(`${consul.url}/v1/kv/held?raw`)
      await waitFor('the held read', () => proceed !== undefined)
      await fetch(`${consul.url}/v1/kv/held`, { method: 'PUT', body: 'v2' })
      proceed?.()
      const res = await answer
      assert.equal(await res.text(), 'v2', 'answered after the hold, with what was stored then')
    } finally {
      consul.intercept(undefined)
    }
  })

  it('is removed by clearFaults', async () => {
    consul.intercept((_request, res) => {
      res.writeHead(418).end()
      return true
    })
    consul.clearFaults()
    assert.equal((await fetch(`${consul.url}/v1/kv/none`)).status, 404)
  })
})
