// The Consul stand-in's own features, which a real agent cannot provide on demand: injected
// failures (index reset, 5xx, latency, dropped connections, restarts), the /_standin/ control
// routes, ACL tokens, the shortened DeregisterCriticalServiceAfter reaper, deferred check
// output, the request log, and the standalone main.js process. Always runs the stand-in.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import Consul from 'consul'

import { startConsulStandin } from '../support/consul-standin/index.js'
import type { ConsulStandin } from '../support/consul-standin/index.js'
import { startConsulForTests, wantedKind } from '../support/consul.js'
import { REPO_ROOT } from '../support/node-process.js'
import { freePort } from '../support/ports.js'
import { Teardown } from '../support/teardown.js'
import { spawnUntilReady, waitFor } from '../support/wait.js'

type Opts = Record<string, unknown>

/** LooseConsul is the part of node-consul used here (its bundled types miss most options). */
interface LooseConsul {
  kv: {
    get(o: Opts): Promise<unknown>
    set(o: Opts): Promise<unknown>
  }
  agent: { service: { register(o: Opts): Promise<unknown> } }
  health: { service(o: Opts): Promise<unknown> }
  status: { leader(o?: Opts): Promise<unknown> }
  destroy(): void
}

interface ClientError extends Error {
  code?: string
  statusCode?: number
}

const MAIN_JS = join(REPO_ROOT, 'dist', 'test', 'support', 'consul-standin', 'main.js')

function clientFor(standin: ConsulStandin, token?: string): LooseConsul {
  return new Consul({
    host: '127.0.0.1',
    port: standin.port,
    ...(token === undefined ? {} : { defaults: { token } }),
  }) as unknown as LooseConsul
}

async function rejection(call: Promise<unknown>): Promise<ClientError> {
  try {
    await call
  } catch (err: unknown) {
    return err as ClientError
  }
  assert.fail('expected the call to fail')
}

/** indexOf reads X-Consul-Index from a plain fetch. */
async function indexOf(
  url: string,
  init?: RequestInit
): Promise<{ status: number; index: number }> {
  const res = await fetch(url, init)
  await res.arrayBuffer()
  return { status: res.status, index: Number(res.headers.get('x-consul-index')) }
}

async function parked(standin: ConsulStandin, count = 1): Promise<void> {
  await waitFor('a parked blocking query', () => standin.pendingBlockingQueries >= count, {
    timeoutMs: 5_000,
    intervalMs: 5,
  })
}

async function put(standin: ConsulStandin, key: string, value: string): Promise<void> {
  const res = await fetch(`${standin.url}/v1/kv/${key}`, { method: 'PUT', body: value })
  assert.equal(await res.text(), 'true')
}

describe('Consul stand-in faults', () => {
  let standin: ConsulStandin
  let client: LooseConsul
  const teardown = new Teardown()

  before(async () => {
    standin = teardown.stop(await startConsulStandin())
    client = teardown.add(clientFor(standin), (c) => {
      c.destroy()
    })
  })

  after(() => teardown.run())

  it('resets the index like a snapshot restore: parked queries return a lower index', async () => {
    await put(standin, 'reset/a', '1')
    await put(standin, 'reset/b', '2')
    const before = await indexOf(`${standin.url}/v1/kv/reset/b`)
    assert.ok(before.index > 3)
    const pending = indexOf(`${standin.url}/v1/kv/reset/b?index=${before.index}&wait=10s`)
    await parked(standin)
    standin.resetIndex(2)
    const woke = await pending
    assert.equal(woke.status, 200)
    assert.equal(woke.index, 2, 'the restore answered the parked query with the lower index')
    assert.equal((await indexOf(`${standin.url}/v1/kv/reset/b`)).index, 2)
    await put(standin, 'reset/c', '3')
    assert.equal((await indexOf(`${standin.url}/v1/kv/reset/c`)).index, 3, 'writes go on from 2')
    assert.equal(standin.kvSnapshot()['reset/a']?.value, '1', 'the data survives')
  })

  it('reports a lower prefix index once the tombstone of the newest delete is reaped', async () => {
    await put(standin, 'tomb/a', 'a')
    const aIndex = (await indexOf(`${standin.url}/v1/kv/tomb/a`)).index
    await put(standin, 'tomb/b', 'b')
    await fetch(`${standin.url}/v1/kv/tomb/b`, { method: 'DELETE' })
    const withTombstone = await indexOf(`${standin.url}/v1/kv/tomb/?recurse`)
    assert.ok(withTombstone.index > aIndex, 'the delete counts for the prefix')
    standin.reapTombstones()
    const reaped = await indexOf(`${standin.url}/v1/kv/tomb/?recurse`)
    assert.equal(reaped.index, aIndex, 'the index went backwards')
  })

  it('fails the next requests with the configured status and body, then recovers', async () => {
    await put(standin, 'fail/k', 'v')
    standin.failNext({ count: 2, status: 503, body: 'boom', pathPrefix: '/v1/kv/' })
    assert.equal(await client.status.leader(), '127.0.0.1:8300', 'other paths are untouched')
    for (let i = 0; i < 2; i++) {
      const err = await rejection(client.kv.get({ key: 'fail/k' }))
      assert.equal(err.statusCode, 503)
      assert.match(err.message, /: boom$/)
    }
    assert.equal(((await client.kv.get({ key: 'fail/k' })) as { Value: string }).Value, 'v')

    standin.failNext({ count: 1 })
    const res = await fetch(`${standin.url}/v1/status/leader`)
    assert.equal(res.status, 500)
    assert.equal(await res.text(), 'No cluster leader')
    assert.equal(standin.requests({ outcome: 'failed' }).length, 3)
  })

  it('adds latency to matching requests only', async () => {
    standin.setLatency({ ms: 300, pathPrefix: '/v1/status/' })
    try {
      let t0 = performance.now()
      await client.status.leader()
      assert.ok(performance.now() - t0 >= 290, 'the status call was delayed')
      t0 = performance.now()
      await client.kv.get({ key: 'latency/none' })
      assert.ok(performance.now() - t0 < 290, 'the KV call was not')
    } finally {
      standin.setLatency({ ms: 0, pathPrefix: '/v1/status/' })
    }
  })

  it('drops connections so the client sees a socket error, by count and for a duration', async () => {
    await put(standin, 'drop/k', 'v')
    standin.dropConnections({ count: 1 })
    const err = await rejection(client.kv.get({ key: 'drop/k' }))
    assert.match(`${err.code ?? ''} ${err.message}`, /ECONNRESET|socket hang up/)
    assert.ok(await client.kv.get({ key: 'drop/k' }), 'the next request is answered')

    standin.dropConnections({ durationMs: 300 })
    const started = performance.now()
    await rejection(client.kv.get({ key: 'drop/k' }))
    await waitFor(
      'the drop window to end',
      async () => (await client.kv.get({ key: 'drop/k' })) !== undefined,
      { timeoutMs: 5_000, intervalMs: 50 }
    )
    assert.ok(performance.now() - started >= 250, 'requests were dropped for the whole window')
    assert.ok(standin.requests({ outcome: 'dropped' }).length >= 2)
  })

  it('restarts keeping state: a parked query is cut, data and port stay', async () => {
    await put(standin, 'restart/keep', 'kept')
    const port = standin.port
    const before = await indexOf(`${standin.url}/v1/kv/restart/keep`)
    const pending = rejection(
      client.kv.get({
        key: 'restart/keep',
        index: String(before.index),
        wait: '30s',
        timeout: 35_000,
      })
    )
    await parked(standin)
    await standin.restart({ loseState: false })
    const cut = await pending
    assert.match(`${cut.code ?? ''} ${cut.message}`, /ECONNRESET|socket hang up/)
    assert.equal(standin.port, port)
    const after = await client.kv.get({ key: 'restart/keep' })
    assert.equal((after as { Value: string }).Value, 'kept')
    await put(standin, 'restart/next', 'x')
    assert.ok((await indexOf(`${standin.url}/v1/kv/restart/next`)).index > before.index)
  })

  it('restarts losing state: data and services are gone and the index starts over', async () => {
    await put(standin, 'restart/lost', 'soon gone')
    await client.agent.service.register({ name: 'lost-svc' })
    const before = await indexOf(`${standin.url}/v1/kv/restart/lost`)
    await standin.restart({ loseState: true, downMs: 200 })
    assert.equal(await client.kv.get({ key: 'restart/lost' }), undefined)
    assert.deepEqual(await client.health.service({ service: 'lost-svc' }), [])
    const services = (await (await fetch(`${standin.url}/v1/catalog/services`)).json()) as Record<
      string,
      unknown
    >
    assert.deepEqual(Object.keys(services), ['consul'])
    const afterIndex = await indexOf(`${standin.url}/v1/kv/restart/lost`)
    assert.equal(afterIndex.status, 404)
    assert.ok(afterIndex.index < before.index, `index ${afterIndex.index} after ${before.index}`)
  })

  it('refuses connections while down', async () => {
    const restarting = standin.restart({ loseState: false, downMs: 500 })
    await waitFor(
      'the listener to close',
      async () => {
        try {
          await fetch(`${standin.url}/v1/status/leader`)
          return false
        } catch (err: unknown) {
          const code = (err as { cause?: { code?: string } }).cause?.code
          return code === 'ECONNREFUSED' ? code : false
        }
      },
      { timeoutMs: 5_000, intervalMs: 20 }
    )
    await restarting
    assert.equal((await fetch(`${standin.url}/v1/status/leader`)).status, 200)
  })

  it('counts KV reads per key, blocking and not', async () => {
    standin.resetStats()
    await put(standin, 'stats/k', 'v')
    await client.kv.get({ key: 'stats/k' })
    await client.kv.get({ key: 'stats/k' })
    const index = (await indexOf(`${standin.url}/v1/kv/stats/k`)).index
    await client.kv.get({ key: 'stats/k', index: String(index), wait: '50ms' })
    await client.kv.get({ key: 'stats/other' })
    assert.deepEqual(standin.kvGets('stats/k'), { blocking: 1, nonBlocking: 3 })
    const [record] = standin.requests({ endpoint: 'kv.get', subject: 'stats/k', blocking: true })
    assert.equal(record?.status, 200)
    assert.equal(record.query['wait'], '50ms')
    assert.ok(record.durationMs >= 45)
  })

  it('delays output-only check changes in the catalog, as check_update_interval does', async () => {
    const quick = await startConsulStandin({ checkUpdateIntervalMs: 200 })
    const c = clientFor(quick)
    try {
      await c.agent.service.register({ name: 'out', check: { checkid: 'out:ttl', ttl: '30s' } })
      const pass = (note: string): Promise<Response> =>
        fetch(`${quick.url}/v1/agent/check/pass/out:ttl?note=${note}`, { method: 'PUT' })
      const outputOf = async (): Promise<{ index: number; output: string | undefined }> => {
        const res = await fetch(`${quick.url}/v1/health/service/out`)
        const [entry] = (await res.json()) as { Checks: { CheckID: string; Output: string }[] }[]
        return {
          index: Number(res.headers.get('x-consul-index')),
          output: entry?.Checks.find((ch) => ch.CheckID === 'out:ttl')?.Output,
        }
      }
      await pass('first')
      const first = await outputOf()
      assert.equal(first.output, 'first', 'a status change syncs at once')
      const pending = fetch(`${quick.url}/v1/health/service/out?index=${first.index}&wait=10s`)
      await parked(quick)
      await pass('second')
      assert.equal(quick.pendingBlockingQueries, 1, 'an output-only change did not wake it')
      const agentView = (await (await fetch(`${quick.url}/v1/agent/checks`)).json()) as Record<
        string,
        { Output: string }
      >
      assert.equal(agentView['out:ttl']?.Output, 'second', 'the agent knows at once')
      const woke = await pending
      assert.equal(woke.status, 200)
      assert.equal((await outputOf()).output, 'second', 'the catalog catches up later')
    } finally {
      c.destroy()
      await quick.stop()
    }
  })
})

describe('Consul stand-in reaper', () => {
  let standin: ConsulStandin
  const teardown = new Teardown()
  before(async () => {
    standin = teardown.stop(await startConsulStandin({ reapIntervalMs: 50, minDeregisterMs: 400 }))
  })
  after(() => teardown.run())

  it('deregisters a service critical for longer than DeregisterCriticalServiceAfter, raised to the minimum', async () => {
    const client = clientFor(standin)
    try {
      const registeredAt = performance.now()
      await client.agent.service.register({
        name: 'doomed',
        check: { checkid: 'doomed:ttl', ttl: '30s', deregistercriticalserviceafter: '10ms' },
      })
      await client.agent.service.register({
        name: 'healthy',
        check: {
          checkid: 'healthy:ttl',
          ttl: '30s',
          status: 'passing',
          deregister_critical_service_after: '10ms',
        },
      })
      let index = 0
      for (;;) {
        const res = await fetch(`${standin.url}/v1/catalog/services?index=${index}&wait=5s`)
        const services = (await res.json()) as Record<string, unknown>
        if (!('doomed' in services)) {
          assert.ok('healthy' in services, 'a passing service is kept')
          break
        }
        assert.ok(performance.now() - registeredAt < 5_000, 'the reaper never ran')
        index = Number(res.headers.get('x-consul-index'))
      }
      const reapedAfter = performance.now() - registeredAt
      assert.ok(reapedAfter >= 390, `reaped after ${reapedAfter} ms, before the 400 ms minimum`)
      const agentServices = (await (
        await fetch(`${standin.url}/v1/agent/services`)
      ).json()) as Record<string, unknown>
      assert.deepEqual(Object.keys(agentServices), ['healthy'])
    } finally {
      client.destroy()
    }
  })
})

describe('Consul stand-in ACLs', () => {
  let standin: ConsulStandin
  const teardown = new Teardown()
  before(async () => {
    standin = teardown.stop(
      await startConsulStandin({
        aclTokens: [
          'root-secret',
          { token: 'reader', accessorId: 'reader-accessor', keyPrefixRead: ['cfg/'] },
          { token: 'svc-writer', serviceWrite: true },
        ],
      })
    )
  })
  after(() => teardown.run())

  it('refuses requests without a valid token with 403 and accepts every token form', async () => {
    const anonymous = await fetch(`${standin.url}/v1/kv/cfg/a`)
    assert.equal(anonymous.status, 403)
    assert.equal(
      await anonymous.text(),
      `Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'key:read' on "cfg/a"`
    )
    const unknown = await fetch(`${standin.url}/v1/kv/cfg/a`, {
      headers: { 'X-Consul-Token': 'guess' },
    })
    assert.equal(unknown.status, 403)
    assert.equal(await unknown.text(), 'ACL not found')

    const write = await fetch(`${standin.url}/v1/kv/cfg/a`, {
      method: 'PUT',
      body: 'v',
      headers: { 'X-Consul-Token': 'root-secret' },
    })
    assert.equal(await write.text(), 'true')
    const bearer = await fetch(`${standin.url}/v1/kv/cfg/a?raw`, {
      headers: { Authorization: 'Bearer root-secret' },
    })
    assert.equal(await bearer.text(), 'v')
    const inQuery = await fetch(`${standin.url}/v1/kv/cfg/a?raw&token=root-secret`)
    assert.equal(await inQuery.text(), 'v')
    assert.equal(anonymous.headers.get('x-consul-default-acl-policy'), 'deny')

    const viaClient = clientFor(standin, 'root-secret')
    try {
      assert.equal(((await viaClient.kv.get({ key: 'cfg/a' })) as { Value: string }).Value, 'v')
    } finally {
      viaClient.destroy()
    }
    assert.equal((await fetch(`${standin.url}/v1/status/leader`)).status, 200, 'no ACL needed')
  })

  it('limits a token to its rules and filters lists', async () => {
    for (const key of ['cfg/b', 'secret/x']) {
      await fetch(`${standin.url}/v1/kv/${key}?token=root-secret`, { method: 'PUT', body: 'v' })
    }
    const read = await fetch(`${standin.url}/v1/kv/cfg/b?raw`, {
      headers: { 'X-Consul-Token': 'reader' },
    })
    assert.equal(read.status, 200)
    const write = await fetch(`${standin.url}/v1/kv/cfg/b`, {
      method: 'PUT',
      body: 'no',
      headers: { 'X-Consul-Token': 'reader' },
    })
    assert.equal(write.status, 403)
    assert.equal(
      await write.text(),
      `Permission denied: token with AccessorID 'reader-accessor' lacks permission 'key:write' on "cfg/b"`
    )
    const keys = await fetch(`${standin.url}/v1/kv/?keys`, {
      headers: { 'X-Consul-Token': 'reader' },
    })
    assert.deepEqual(await keys.json(), ['cfg/a', 'cfg/b'])
    assert.equal(keys.headers.get('x-consul-results-filtered-by-acls'), 'true')

    const anonymousRegister = await fetch(`${standin.url}/v1/agent/service/register`, {
      method: 'PUT',
      body: JSON.stringify({ Name: 'guarded' }),
    })
    assert.equal(anonymousRegister.status, 403)
    const register = await fetch(`${standin.url}/v1/agent/service/register`, {
      method: 'PUT',
      body: JSON.stringify({ Name: 'guarded' }),
      headers: { 'X-Consul-Token': 'svc-writer' },
    })
    assert.equal(register.status, 200)
    const hidden = await fetch(`${standin.url}/v1/health/service/guarded`)
    assert.deepEqual(await hidden.json(), [], 'the anonymous token sees no instances')
    const shown = await fetch(`${standin.url}/v1/health/service/guarded?token=svc-writer`)
    assert.equal(((await shown.json()) as unknown[]).length, 1)
  })
})

describe('Consul stand-in control routes', () => {
  let standin: ConsulStandin
  const teardown = new Teardown()
  before(async () => {
    standin = teardown.stop(await startConsulStandin())
  })
  after(() => teardown.run())

  const control = async (path: string, body?: unknown): Promise<Response> =>
    fetch(`${standin.url}/_standin/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('drives every fault over HTTP', async () => {
    await put(standin, 'ctl/k', 'v')
    assert.equal(
      (await control('fail', { count: 1, status: 502, body: 'bad gateway' })).status,
      200
    )
    const failed = await fetch(`${standin.url}/v1/kv/ctl/k`)
    assert.equal(failed.status, 502)
    assert.equal(await failed.text(), 'bad gateway')

    assert.equal((await control('latency', { ms: 200, pathPrefix: '/v1/kv/' })).status, 200)
    const t0 = performance.now()
    await fetch(`${standin.url}/v1/kv/ctl/k`)
    assert.ok(performance.now() - t0 >= 190)
    assert.equal((await control('clear-faults', {})).status, 200)

    assert.equal((await control('drop', { count: 1 })).status, 200)
    await assert.rejects(fetch(`${standin.url}/v1/kv/ctl/k`))

    const index = (await indexOf(`${standin.url}/v1/kv/ctl/k`)).index
    assert.equal((await control('reset-index', { to: 1 })).status, 200)
    assert.ok((await indexOf(`${standin.url}/v1/kv/ctl/k`)).index < index)

    const stats = (await (await control('stats?endpoint=kv.get')).json()) as {
      raftIndex: number
      requests: { path: string; outcome: string }[]
    }
    assert.equal(stats.raftIndex, 1)
    assert.ok(stats.requests.some((r) => r.outcome === 'dropped'))
    assert.ok(stats.requests.every((r) => r.path === '/v1/kv/ctl/k'))
    const kv = (await (await control('kv')).json()) as Record<string, { value: string }>
    assert.equal(kv['ctl/k']?.value, 'v')

    const restart = await control('restart', { loseState: true })
    assert.equal(restart.status, 202)
    await waitFor(
      'the restart to forget the key',
      async () => (await fetch(`${standin.url}/v1/kv/ctl/k`)).status === 404,
      { timeoutMs: 5_000, intervalMs: 20 }
    )
    assert.equal((await control('no-such-control', {})).status, 404)
    assert.equal((await control('fail', { count: 'many' })).status, 400)
  })
})

describe('Consul stand-in as a process', () => {
  it('runs from main.js, serves the API and stops on SIGTERM', async () => {
    const port = await freePort()
    const { child, output, exited } = await spawnUntilReady(
      process.execPath,
      [MAIN_JS, '--listen', `127.0.0.1:${port}`, '--acl-token', 'tok'],
      { name: 'consul stand-in', what: 'the listening line', check: (out) => out.includes('\n') }
    )
    try {
      assert.equal(output(), `consul stand-in listening on http://127.0.0.1:${port}\n`)
      const url = `http://127.0.0.1:${port}`
      assert.equal((await fetch(`${url}/v1/kv/p`, { method: 'PUT', body: 'x' })).status, 403)
      const put = await fetch(`${url}/v1/kv/p`, {
        method: 'PUT',
        body: 'x',
        headers: { 'X-Consul-Token': 'tok' },
      })
      assert.equal(await put.text(), 'true')
      const stats = (await (await fetch(`${url}/_standin/stats`)).json()) as { requests: unknown[] }
      assert.equal(stats.requests.length, 2)
    } finally {
      child.kill('SIGTERM')
    }
    const { code, signal } = await exited
    assert.equal(signal, null)
    assert.equal(code, 0)
  })

  it('refuses to listen anywhere but 127.0.0.1', async () => {
    const child = spawn(process.execPath, [MAIN_JS, '--listen', '0.0.0.0:8500'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = (await once(child, 'exit')) as [number | null]
    assert.equal(code, 2)
    assert.match(stderr, /--listen takes 127\.0\.0\.1:PORT/)
  })
})

describe('startConsulForTests', () => {
  /** withEnv runs `fn` with some environment variables replaced, then restores them. */
  async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T> | T): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
    Object.assign(process.env, vars)
    try {
      return await fn()
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) {
          Reflect.deleteProperty(process.env, k)
        } else {
          process.env[k] = v
        }
      }
    }
  }

  it('falls back to the stand-in when no consul binary is on PATH', async () => {
    const consul = await withEnv({ PATH: '', ALERTMESH_TEST_CONSUL: '' }, () =>
      startConsulForTests({ datacenter: 'dc9' })
    )
    try {
      assert.equal(consul.kind, 'standin')
      assert.equal(consul.url, `http://${consul.address}`)
      assert.ok(consul.standin !== undefined)
      const res = await fetch(`${consul.url}/v1/kv/x?dc=dc9`)
      assert.equal(res.status, 404, 'the datacenter option reached the stand-in')
      await fetch(`${consul.url}/v1/kv/x`, { method: 'PUT', body: 'v' })
      await consul.restart({ loseState: false })
      assert.equal(consul.standin.kvSnapshot()['x']?.value, 'v')
    } finally {
      await consul.stop()
    }
  })

  it('insists on a real agent when asked for one, and rejects unknown choices', async () => {
    await withEnv({ PATH: '', ALERTMESH_TEST_CONSUL: 'agent' }, () => {
      assert.throws(() => wantedKind(), /ALERTMESH_TEST_CONSUL=agent but there is no consul binary/)
    })
    await withEnv({ ALERTMESH_TEST_CONSUL: 'etcd' }, () => {
      assert.throws(() => wantedKind(), /must be "agent" or "standin"/)
    })
    await withEnv({ ALERTMESH_TEST_CONSUL: 'standin' }, () => {
      assert.deepEqual(wantedKind(), { kind: 'standin' })
    })
  })
})
