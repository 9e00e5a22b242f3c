// Consul's HTTP API as alertmesh uses it, driven through the real `consul` npm client (node-consul
// 2.0.1). Runs against the stand-in by default and against a real `consul agent -dev` with
// ALERTMESH_TEST_CONSUL=agent (see test/support/consul.ts), so the same assertions pin down the
// stand-in and check it against Consul. Everything here must hold for both; stand-in-only
// behaviour (faults, ACLs, the shortened reaper) lives in consul-standin-faults.test.ts.
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import Consul from 'consul'

import { startConsulForTests } from '../support/consul.js'
import type { ConsulUnderTest } from '../support/consul.js'
import { Teardown } from '../support/teardown.js'

/** Options bag as node-consul reads it; its bundled types miss index, wait, ctx and more. */
type Opts = Record<string, unknown>

/** LooseConsul is the part of node-consul these tests call, typed loosely (one cast below). */
interface LooseConsul {
  kv: {
    get(o: Opts): Promise<unknown>
    keys(o: Opts): Promise<unknown>
    set(o: Opts): Promise<unknown>
    del(o: Opts): Promise<unknown>
  }
  agent: {
    self(o?: Opts): Promise<unknown>
    service: {
      register(o: Opts): Promise<unknown>
      deregister(o: Opts): Promise<unknown>
      list(o?: Opts): Promise<unknown>
    }
    check: {
      list(o?: Opts): Promise<unknown>
      pass(o: Opts): Promise<unknown>
      warn(o: Opts): Promise<unknown>
      fail(o: Opts): Promise<unknown>
    }
  }
  health: { service(o: Opts): Promise<unknown> }
  catalog: { service: { list(o?: Opts): Promise<unknown>; nodes(o: Opts): Promise<unknown> } }
  status: { leader(o?: Opts): Promise<unknown> }
  destroy(): void
}

interface KvItem {
  LockIndex: number
  Key: string
  Flags: number
  Value: string | null
  CreateIndex: number
  ModifyIndex: number
}

interface HealthCheck {
  CheckID: string
  Name: string
  Status: string
  Output: string
  Notes: string
  ServiceID: string
  ServiceName: string
  Type: string
}

interface ServiceEntry {
  Node: { Node: string; Address: string; Datacenter: string }
  Service: {
    ID: string
    Service: string
    Tags: string[] | null
    Address: string
    Port: number
    Meta: Record<string, string> | null
  }
  Checks: HealthCheck[]
}

interface ResponseLike {
  statusCode: number
  headers: IncomingHttpHeaders
  body?: unknown
}

interface ClientError extends Error {
  statusCode?: number
  code?: string
  response?: ResponseLike
}

/** withMeta calls node-consul so that it resolves to [response, body] (includeResponse). */
// node-consul's answers are untyped: T names the shape the endpoint documents, a cast in one place.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
async function withMeta<T>(
  call: (ctx: EventEmitter) => Promise<unknown>
): Promise<{ index: number; headers: IncomingHttpHeaders; body: T }> {
  const ctx = Object.assign(new EventEmitter(), { includeResponse: true })
  const [res, body] = (await call(ctx)) as [ResponseLike, T]
  return { index: Number(res.headers['x-consul-index']), headers: res.headers, body }
}

/** rejection runs a call that must fail and returns the client's error. */
async function rejection(call: Promise<unknown>): Promise<ClientError> {
  try {
    await call
  } catch (err: unknown) {
    return err as ClientError
  }
  assert.fail('expected the call to be refused')
}

function bodyText(err: ClientError): string {
  const body = err.response?.body
  return Buffer.isBuffer(body) ? body.toString() : String(body)
}

describe('Consul HTTP API conformance', () => {
  let consul: ConsulUnderTest
  let client: LooseConsul
  let seq = 0
  /** A fresh key prefix per test, so tests cannot see each other's keys. */
  const prefix = (): string => `conformance/t${++seq}/`

  /**
   * parked resolves once a blocking query has reached the server and is waiting. The stand-in
   * can say so; a real agent cannot, so there a short pause stands in for the event.
   */
  async function parked(count = 1): Promise<void> {
    const standin = consul.standin
    if (standin === undefined) {
      await sleep(300)
      return
    }
    const deadline = Date.now() + 5_000
    while (standin.pendingBlockingQueries < count) {
      assert.ok(Date.now() < deadline, 'blocking query never parked')
      await sleep(5)
    }
  }

  /** healthUntil follows /v1/health/service with blocking queries until `done` holds. */
  async function healthUntil(
    name: string,
    done: (entries: ServiceEntry[]) => boolean,
    timeoutMs = 10_000
  ): Promise<ServiceEntry[]> {
    const deadline = Date.now() + timeoutMs
    let index = 0
    for (;;) {
      const wait = Math.max(1, Math.min(5_000, deadline - Date.now()))
      const r = await withMeta<ServiceEntry[]>((ctx) =>
        client.health.service({
          service: name,
          index: String(index),
          wait: `${wait}ms`,
          ctx,
          timeout: wait + 2_000,
        })
      )
      if (done(r.body)) {
        return r.body
      }
      assert.ok(Date.now() < deadline, `health of ${name} never reached the expected state`)
      index = r.index
    }
  }

  const teardown = new Teardown()

  before(async () => {
    consul = teardown.stop(await startConsulForTests())
    const port = Number(consul.address.split(':')[1])
    client = teardown.add(
      new Consul({ host: '127.0.0.1', port }) as unknown as LooseConsul,
      (c) => {
        c.destroy()
      }
    )
  })

  after(() => teardown.run())

  describe('KV', () => {
    it('stores a value with flags and reports its ModifyIndex as X-Consul-Index', async () => {
      const key = `${prefix()}a`
      assert.equal(await client.kv.set({ key, value: 'hello', flags: 42 }), true)
      const first = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
      assert.equal(first.body.Key, key)
      assert.equal(first.body.Value, 'hello')
      assert.equal(first.body.Flags, 42)
      assert.equal(first.body.LockIndex, 0)
      assert.equal(first.body.CreateIndex, first.body.ModifyIndex)
      assert.equal(first.index, first.body.ModifyIndex)
      assert.equal(first.headers['x-consul-knownleader'], 'true')
      assert.equal(first.headers['x-consul-lastcontact'], '0')

      await client.kv.set({ key, value: 'world' })
      const second = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
      assert.equal(second.body.Value, 'world')
      assert.equal(second.body.Flags, 0, 'a write without ?flags resets them')
      assert.equal(second.body.CreateIndex, first.body.CreateIndex)
      assert.ok(second.body.ModifyIndex > first.body.ModifyIndex)
      assert.equal(second.index, second.body.ModifyIndex)

      // kvsSetTxn skips a write that changes nothing, so the index stays where it was.
      await client.kv.set({ key, value: 'world' })
      const third = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
      assert.equal(third.body.ModifyIndex, second.body.ModifyIndex)
    })

    it('answers a missing key with 404 and no body, which node-consul reads as undefined', async () => {
      const key = `${prefix()}missing`
      assert.equal(await client.kv.get({ key }), undefined)
      const res = await fetch(`${consul.url}/v1/kv/${key}`)
      assert.equal(res.status, 404)
      assert.equal(await res.text(), '')
      assert.ok(Number(res.headers.get('x-consul-index')) >= 1, 'a 404 still carries an index')
    })

    it('keeps an empty value as a null Value and an empty raw body', async () => {
      const key = `${prefix()}empty`
      assert.equal(await client.kv.set({ key, value: '' }), true)
      const res = await fetch(`${consul.url}/v1/kv/${key}`)
      const [item] = (await res.json()) as KvItem[]
      assert.equal(item?.Value, null)
      const raw = await fetch(`${consul.url}/v1/kv/${key}?raw`)
      assert.equal(raw.status, 200)
      assert.equal(await raw.text(), '')
    })

    it('answers ?raw with the stored bytes only', async () => {
      const key = `${prefix()}raw`
      const bytes = Buffer.from([0, 1, 2, 250, 255])
      assert.equal(await client.kv.set({ key, value: bytes }), true)
      const res = await fetch(`${consul.url}/v1/kv/${key}?raw`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes)
      const viaClient = await client.kv.get({ key, raw: true })
      assert.deepEqual(viaClient, bytes)
    })

    it('lists a prefix in key order with ?recurse and folds folders with ?keys&separator', async () => {
      const p = prefix()
      for (const k of ['c/x/y', 'b/2', 'a', 'b/1']) {
        await client.kv.set({ key: `${p}${k}`, value: k })
      }
      const list = await withMeta<KvItem[]>((ctx) => client.kv.get({ key: p, recurse: true, ctx }))
      assert.deepEqual(
        list.body.map((e) => e.Key),
        ['a', 'b/1', 'b/2', 'c/x/y'].map((k) => `${p}${k}`)
      )
      assert.deepEqual(
        list.body.map((e) => e.Value),
        ['a', 'b/1', 'b/2', 'c/x/y']
      )
      assert.equal(list.index, Math.max(...list.body.map((e) => e.ModifyIndex)))

      assert.deepEqual(await client.kv.keys({ key: p, separator: '/' }), [
        `${p}a`,
        `${p}b/`,
        `${p}c/`,
      ])
      assert.deepEqual(await client.kv.keys({ key: `${p}b/` }), [`${p}b/1`, `${p}b/2`])

      assert.equal(await client.kv.get({ key: `${p}nothing/`, recurse: true }), undefined)
      const err = await rejection(client.kv.keys({ key: `${p}nothing/` }))
      assert.equal(err.statusCode, 404)
    })

    it('creates only when absent with cas=0 and refuses a stale cas', async () => {
      const key = `${prefix()}cas`
      /** put writes through fetch: node-consul turns a `false` body into undefined. */
      const put = async (value: string, query: string, method = 'PUT'): Promise<unknown> => {
        const res = await fetch(`${consul.url}/v1/kv/${key}?${query}`, { method, body: value })
        assert.equal(res.status, 200)
        return res.json()
      }
      assert.equal(await client.kv.set({ key, value: 'v1', cas: 0 }), true)
      assert.equal(await put('v2', 'cas=0'), false)
      assert.equal(
        await client.kv.set({ key, value: 'v2', cas: 0 }),
        undefined,
        'node-consul resolves a refused CAS to undefined, not false'
      )
      const v1 = (await client.kv.get({ key })) as KvItem
      assert.equal(v1.Value, 'v1')

      assert.equal(await put('v3', `cas=${v1.ModifyIndex + 1000}`), false)
      assert.equal(await client.kv.set({ key, value: 'v2', cas: v1.ModifyIndex }), true)
      assert.equal(await put('v3', `cas=${v1.ModifyIndex}`), false, 'the index is stale now')
      const v2 = (await client.kv.get({ key })) as KvItem
      assert.equal(v2.Value, 'v2')

      assert.equal(await put('', `cas=${v1.ModifyIndex}`, 'DELETE'), false)
      assert.equal(await put('', 'cas=0', 'DELETE'), false, 'cas=0 never deletes')
      assert.equal(await client.kv.del({ key, cas: v2.ModifyIndex }), true)
      assert.equal(await client.kv.get({ key }), undefined)
    })

    it('deletes one key, or a whole prefix with ?recurse', async () => {
      const p = prefix()
      for (const k of ['x', 'dir/1', 'dir/2', 'dirt']) {
        await client.kv.set({ key: `${p}${k}`, value: 'v' })
      }
      assert.equal(await client.kv.del({ key: `${p}x` }), true)
      assert.equal(await client.kv.get({ key: `${p}x` }), undefined)
      assert.equal(await client.kv.del({ key: `${p}x` }), true, 'deleting a missing key is fine')
      assert.equal(await client.kv.del({ key: `${p}dir/`, recurse: true }), true)
      assert.deepEqual(await client.kv.keys({ key: p }), [`${p}dirt`])
    })

    it('only moves X-Consul-Index forward as writes happen', async () => {
      const key = `${prefix()}counter`
      let last = 0
      for (let i = 0; i < 5; i++) {
        await client.kv.set({ key, value: String(i) })
        const r = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
        assert.ok(r.index > last, `index ${r.index} after ${last}`)
        last = r.index
      }
    })

    it('refuses values over 512 KiB with 413', async () => {
      const key = `${prefix()}big`
      assert.equal(await client.kv.set({ key, value: Buffer.alloc(512 * 1024, 'a') }), true)
      const err = await rejection(client.kv.set({ key, value: Buffer.alloc(512 * 1024 + 1, 'a') }))
      assert.equal(err.statusCode, 413)
      assert.match(
        bodyText(err),
        /^Request body\(524289 bytes\) too large, max size: 524288 bytes\. See /
      )
      const kept = (await client.kv.get({ key, buffer: true })) as { Value: Buffer }
      assert.equal(kept.Value.length, 512 * 1024, 'the refused write changed nothing')
    })

    it('redirects a key path that is not clean, as Go\u2019s ServeMux does', async () => {
      const res = await fetch(`${consul.url}/v1/kv//slashed?raw`, { redirect: 'manual' })
      assert.equal(res.status, 301)
      assert.equal(res.headers.get('location'), '/v1/kv/slashed?raw')
    })
  })

  describe('blocking queries', () => {
    it('returns within moments of a change to the key', async () => {
      const key = `${prefix()}watched`
      await client.kv.set({ key, value: 'before' })
      const start = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
      const pending = withMeta<KvItem>((ctx) =>
        client.kv.get({ key, index: String(start.index), wait: '10s', ctx, timeout: 15_000 })
      )
      await parked()
      const writtenAt = performance.now()
      await client.kv.set({ key, value: 'after' })
      const woke = await pending
      const latencyMs = performance.now() - writtenAt
      assert.equal(woke.body.Value, 'after')
      assert.ok(woke.index > start.index)
      assert.ok(latencyMs < 1_000, `woke ${latencyMs} ms after the write`)
    })

    it('returns the unchanged index when the wait runs out', async () => {
      const key = `${prefix()}quiet`
      await client.kv.set({ key, value: 'same' })
      const start = await withMeta<KvItem>((ctx) => client.kv.get({ key, ctx }))
      const t0 = performance.now()
      const r = await withMeta<KvItem>((ctx) =>
        client.kv.get({ key, index: String(start.index), wait: '1s', ctx, timeout: 5_000 })
      )
      const elapsedMs = performance.now() - t0
      assert.equal(r.index, start.index)
      assert.equal(r.body.Value, 'same')
      // 1 s plus up to 1/16 of jitter, with room for a loaded machine.
      assert.ok(elapsedMs >= 950, `returned after ${elapsedMs} ms`)
      assert.ok(elapsedMs < 3_000, `returned after ${elapsedMs} ms`)
    })

    it('answers ?index=0 at once', async () => {
      const key = `${prefix()}zero`
      await client.kv.set({ key, value: 'v' })
      const t0 = performance.now()
      await client.kv.get({ key, index: '0', wait: '5s' })
      assert.ok(performance.now() - t0 < 1_000)
    })

    it('wakes a prefix query for a key under the prefix, not for keys elsewhere', async () => {
      const p = prefix()
      await client.kv.set({ key: `${p}one`, value: '1' })
      const start = await withMeta<KvItem[]>((ctx) => client.kv.get({ key: p, recurse: true, ctx }))
      const pending = withMeta<KvItem[]>((ctx) =>
        client.kv.get({
          key: p,
          recurse: true,
          index: String(start.index),
          wait: '10s',
          ctx,
          timeout: 15_000,
        })
      )
      await parked()
      await client.kv.set({ key: `${prefix()}elsewhere`, value: 'x' })
      if (consul.standin !== undefined) {
        assert.equal(consul.standin.pendingBlockingQueries, 1, 'a write elsewhere woke it')
      } else {
        await sleep(300)
      }
      await client.kv.set({ key: `${p}two`, value: '2' })
      const woke = await pending
      assert.deepEqual(
        woke.body.map((e) => e.Key),
        [`${p}one`, `${p}two`]
      )
      assert.equal(woke.index, woke.body[1]?.ModifyIndex)
    })

    it('wakes a query on a missing key when the key is created', async () => {
      const key = `${prefix()}later`
      const start = await fetch(`${consul.url}/v1/kv/${key}`)
      assert.equal(start.status, 404)
      const index = start.headers.get('x-consul-index') ?? '0'
      const pending = fetch(`${consul.url}/v1/kv/${key}?index=${index}&wait=10s`)
      await parked()
      await client.kv.set({ key, value: 'here' })
      const woke = await pending
      assert.equal(woke.status, 200)
      assert.ok(Number(woke.headers.get('x-consul-index')) > Number(index))
    })

    it('refuses a malformed wait or index with 400', async () => {
      const bad = await fetch(`${consul.url}/v1/kv/x?index=1&wait=soon`)
      assert.equal(bad.status, 400)
      assert.equal(await bad.text(), 'Invalid wait time')
      const badIndex = await fetch(`${consul.url}/v1/kv/x?index=-3`)
      assert.equal(badIndex.status, 400)
      assert.equal(await badIndex.text(), 'Invalid index')
    })
  })

  describe('agent services and checks', () => {
    it('keeps a TTL-checked service out of ?passing until the check passes, and again once the TTL runs out', async () => {
      const name = `ttl-svc-${++seq}`
      const id = `${name}-1`
      const checkId = `${id}:ttl`
      await client.agent.service.register({
        name,
        id,
        address: '127.0.0.1',
        port: 9999,
        tags: ['blue'],
        meta: { gossip: '9094' },
        check: { checkid: checkId, name: 'ttl', ttl: '1s', timeout: '1s' },
      })
      assert.deepEqual(await client.health.service({ service: name, passing: true }), [])
      const all = (await client.health.service({ service: name })) as ServiceEntry[]
      assert.equal(all.length, 1)
      const entry = all[0] as ServiceEntry
      assert.equal(entry.Service.ID, id)
      assert.equal(entry.Service.Service, name)
      assert.deepEqual(entry.Service.Tags, ['blue'])
      assert.equal(entry.Service.Address, '127.0.0.1')
      assert.equal(entry.Service.Port, 9999)
      assert.deepEqual(entry.Service.Meta, { gossip: '9094' })
      assert.equal(entry.Node.Datacenter, consul.datacenter)
      assert.deepEqual(
        entry.Checks.map((c) => [c.CheckID, c.Status]),
        [
          ['serfHealth', 'passing'],
          [checkId, 'critical'],
        ]
      )

      await client.agent.check.pass({ id: checkId, note: 'synced' })
      const passing = (await client.health.service({
        service: name,
        passing: true,
      })) as ServiceEntry[]
      assert.equal(passing.length, 1)
      const check = passing[0]?.Checks.find((c) => c.CheckID === checkId)
      assert.equal(check?.Output, 'synced')
      assert.equal(check.Type, 'ttl')

      const passedAt = performance.now()
      const expired = await healthUntil(name, (e) =>
        e.some((s) => s.Checks.some((c) => c.CheckID === checkId && c.Status === 'critical'))
      )
      const afterMs = performance.now() - passedAt
      assert.ok(afterMs > 700, `expired after ${afterMs} ms, TTL is 1 s`)
      assert.deepEqual(await client.health.service({ service: name, passing: true }), [])
      const output = expired[0]?.Checks.find((c) => c.CheckID === checkId)?.Output ?? ''
      assert.match(output, /^TTL expired/)
      await client.agent.service.deregister({ id })
    })

    it('sets a TTL check to warning, critical and back through warn, fail and update', async () => {
      const name = `states-${++seq}`
      const checkId = `${name}:ttl`
      await client.agent.service.register({
        name,
        check: { checkid: checkId, name: 'ttl', ttl: '30s', timeout: '1s' },
      })
      const statusOf = async (): Promise<{ Status: string; Output: string } | undefined> => {
        const checks = (await client.agent.check.list()) as Record<
          string,
          { Status: string; Output: string }
        >
        return checks[checkId]
      }
      await client.agent.check.warn({ id: checkId, note: 'slow' })
      const warning = await statusOf()
      assert.equal(warning?.Status, 'warning')
      assert.equal(warning.Output, 'slow')
      const [warned] = (await client.health.service({ service: name })) as ServiceEntry[]
      assert.equal(warned?.Checks.find((c) => c.CheckID === checkId)?.Status, 'warning')

      await client.agent.check.fail({ id: checkId, note: 'down' })
      assert.equal((await statusOf())?.Status, 'critical')

      const update = await fetch(`${consul.url}/v1/agent/check/update/${checkId}`, {
        method: 'PUT',
        body: JSON.stringify({ Status: 'passing', Output: 'all good' }),
      })
      assert.equal(update.status, 200)
      assert.equal((await statusOf())?.Status, 'passing')
      assert.equal((await statusOf())?.Output, 'all good')

      const bad = await fetch(`${consul.url}/v1/agent/check/update/${checkId}`, {
        method: 'PUT',
        body: JSON.stringify({ Status: 'bogus' }),
      })
      assert.equal(bad.status, 400)
      assert.equal(await bad.text(), "Invalid check status: 'bogus'")

      const unknown = await rejection(client.agent.check.pass({ id: 'no-such-check' }))
      assert.equal(unknown.statusCode, 404)
      assert.match(bodyText(unknown), /^Unknown check ID "no-such-check"/)
      await client.agent.service.deregister({ id: name })
    })

    it('runs an HTTP check against its target: 200 passing, 429 warning, 500 critical', async () => {
      let status = 200
      const target: Server = createServer((_req, res) => {
        res.writeHead(status)
        res.end(`status ${status}`)
      })
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
      const address = target.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      const url = `http://127.0.0.1:${port}/-/ready`
      const name = `http-svc-${++seq}`
      try {
        await client.agent.service.register({
          name,
          port,
          check: {
            checkid: `${name}:http`,
            name: 'http',
            http: url,
            interval: '1s',
            timeout: '1s',
          },
        })
        const statusIs = (want: string) => (entries: ServiceEntry[]) =>
          entries.some((e) =>
            e.Checks.some((c) => c.CheckID === `${name}:http` && c.Status === want)
          )
        const passing = await healthUntil(name, statusIs('passing'))
        const output = passing[0]?.Checks.find((c) => c.Type === 'http')?.Output ?? ''
        assert.match(output, new RegExp(`^HTTP GET ${url}: 200 OK Output: status 200`))
        status = 429
        await healthUntil(name, statusIs('warning'))
        status = 500
        await healthUntil(name, statusIs('critical'))
        assert.deepEqual(await client.health.service({ service: name, passing: true }), [])
      } finally {
        await client.agent.service.deregister({ id: name }).catch(() => undefined)
        await new Promise((resolve) => target.close(resolve))
      }
    })

    it('names checks without CheckID after the service: service:<id>, or service:<id>:<n>', async () => {
      const one = `one-${++seq}`
      const two = `two-${seq}`
      await client.agent.service.register({ name: one, check: { ttl: '30s', timeout: '1s' } })
      await client.agent.service.register({
        name: two,
        checks: [
          { ttl: '30s', timeout: '1s' },
          { ttl: '30s', timeout: '1s', status: 'passing' },
        ],
      })
      const checks = (await client.agent.check.list()) as Record<
        string,
        { Name: string; Status: string; ServiceID: string }
      >
      assert.equal(checks[`service:${one}`]?.Name, `Service '${one}' check`)
      assert.equal(checks[`service:${one}`]?.Status, 'critical')
      assert.equal(checks[`service:${two}:1`]?.ServiceID, two)
      assert.equal(checks[`service:${two}:2`]?.Status, 'passing')
      await client.agent.service.deregister({ id: one })
      await client.agent.service.deregister({ id: two })
    })

    it('deregisters a service with its checks and answers an unknown ID with 404', async () => {
      const name = `gone-${++seq}`
      await client.agent.service.register({
        name,
        check: { checkid: `${name}:ttl`, ttl: '30s', timeout: '1s', status: 'passing' },
      })
      const services = (await client.agent.service.list()) as Record<string, { Service: string }>
      assert.equal(services[name]?.Service, name)
      await client.agent.service.deregister({ id: name })
      const after = (await client.agent.service.list()) as Record<string, unknown>
      assert.equal(after[name], undefined)
      const checks = (await client.agent.check.list()) as Record<string, unknown>
      assert.equal(checks[`${name}:ttl`], undefined)
      assert.deepEqual(await client.health.service({ service: name }), [])
      const err = await rejection(client.agent.service.deregister({ id: name }))
      assert.equal(err.statusCode, 404)
      assert.equal(
        bodyText(err),
        `Unknown service ID "${name}". Ensure that the service ID is passed, not the service name.`
      )
    })

    it('wakes a blocking catalog/services query when a service registers', async () => {
      const start = await withMeta<Record<string, string[]>>((ctx) =>
        client.catalog.service.list({ ctx })
      )
      assert.ok('consul' in start.body, 'a Consul server lists itself as the consul service')
      const name = `catalog-${++seq}`
      const pending = withMeta<Record<string, string[]>>((ctx) =>
        client.catalog.service.list({
          index: String(start.index),
          wait: '10s',
          ctx,
          timeout: 15_000,
        })
      )
      await parked()
      const t0 = performance.now()
      await client.agent.service.register({ name, tags: ['b', 'a'] })
      const woke = await pending
      assert.ok(performance.now() - t0 < 1_000)
      assert.ok(woke.index > start.index)
      assert.deepEqual([...(woke.body[name] ?? [])].sort(), ['a', 'b'])
      const nodes = (await client.catalog.service.nodes({ service: name })) as {
        ServiceID: string
        ServiceName: string
      }[]
      assert.deepEqual(
        nodes.map((n) => [n.ServiceID, n.ServiceName]),
        [[name, name]]
      )
      await client.agent.service.deregister({ id: name })
    })

    it('refuses a registration without a name or with an invalid check', async () => {
      const noName = await fetch(`${consul.url}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ ID: 'x' }),
      })
      assert.equal(noName.status, 400)
      assert.equal(await noName.text(), 'Missing service name')
      const noTtl = await fetch(`${consul.url}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ Name: 'x', Check: { Name: 'c', Notes: 'no ttl' } }),
      })
      assert.equal(noTtl.status, 400)
      assert.equal(await noTtl.text(), 'Invalid check: TTL must be > 0 for TTL checks')
    })
  })

  describe('status, datacenters and routing', () => {
    it('names a leader and describes itself', async () => {
      const leader = await client.status.leader()
      assert.equal(typeof leader, 'string')
      assert.match(leader as string, /^[\d.]+:\d+$/)
      const self = (await client.agent.self()) as {
        Config: { Datacenter: string; NodeName: string }
      }
      assert.equal(self.Config.Datacenter, consul.datacenter)
      assert.ok(self.Config.NodeName !== '')
    })

    it('fails a request for another datacenter', async () => {
      const res = await fetch(`${consul.url}/v1/kv/anything?dc=nowhere`)
      assert.equal(res.status, 500)
      assert.match(await res.text(), /No path to datacenter/)
    })

    it('answers unknown paths with 404 and a wrong method with 405', async () => {
      const missing = await fetch(`${consul.url}/v1/no/such/endpoint`)
      assert.equal(missing.status, 404)
      const wrong = await fetch(`${consul.url}/v1/agent/service/register`, { method: 'GET' })
      assert.equal(wrong.status, 405)
      assert.equal(await wrong.text(), 'method GET not allowed')
    })
  })
})
