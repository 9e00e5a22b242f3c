import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { TLSSocket } from 'node:tls'

import { ConsulClient, ConsulError } from '#src/consul/index.js'
import { buildAgentOptions } from '#src/consul/raw-client.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

import { certificateMaker } from '../../support/certificates.js'
import { startConsulStandin } from '../../support/consul-standin/index.js'
import type {
  ConsulStandin,
  InterceptedRequest,
  InterceptHook,
} from '../../support/consul-standin/index.js'
import { freePort } from '../../support/ports.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

import { kvPut, withConsulStandin } from './with-standin.js'

const TOKEN = 's3cr3t-token-0f1e2d'

/** rejection awaits a promise that must reject and returns its reason. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err: unknown) {
    return err
  }
  assert.fail('expected a rejection')
}

/**
 * RequestTap records every request a stand-in gets, as it arrives, and lets a test script
 * answers through `script` (see InterceptHook).
 */
interface RequestTap {
  readonly seen: InterceptedRequest[]
  script: InterceptHook | undefined
}

/** tap installs a RequestTap as the stand-in's intercept hook. */
function tap(consul: ConsulStandin): RequestTap {
  const t: RequestTap = { seen: [], script: undefined }
  consul.intercept((request, res, proceed) => {
    t.seen.push(request)
    return t.script?.(request, res, proceed) ?? false
  })
  return t
}

/** kvPutAt stores a value with flags past the client under test and returns its ModifyIndex. */
async function kvPutAt(
  consul: ConsulStandin,
  key: string,
  value: string,
  flags = 0n
): Promise<bigint> {
  const res = await fetch(`${consul.url}/v1/kv/${key}?flags=${flags}`, {
    method: 'PUT',
    body: value,
  })
  assert.equal(await res.text(), 'true')
  return BigInt(consul.kvSnapshot()[key]?.modifyIndex ?? 0)
}

/** kvRaw reads a value's bytes past the client under test; undefined when the key is missing. */
async function kvRaw(consul: ConsulStandin, key: string): Promise<Buffer | undefined> {
  const res = await fetch(`${consul.url}/v1/kv/${key}?raw`)
  return res.status === 404 ? undefined : Buffer.from(await res.arrayBuffer())
}

/** kvDel deletes a key past the client under test. */
async function kvDel(consul: ConsulStandin, key: string): Promise<void> {
  assert.equal(
    await (await fetch(`${consul.url}/v1/kv/${key}`, { method: 'DELETE' })).text(),
    'true'
  )
}

describe('ConsulClient', () => {
  let consul: ConsulStandin
  let client: ConsulClient
  let requests: RequestTap

  withConsulStandin((c, cl) => {
    consul = c
    client = cl
    requests = tap(c)
  })

  /** aborted counts the requests whose client went away before the answer. */
  const aborted = (): number => consul.requests({ outcome: 'aborted' }).length
  /** parked resolves once one blocking read is parked. */
  const parked = (): Promise<boolean> =>
    waitFor('the read to block', () => consul.pendingBlockingQueries === 1, { intervalMs: 5 })

  it('kvGet returns the entry with its value, flags and indexes, and the X-Consul-Index', async () => {
    const modify = await kvPutAt(consul, 'app/config', 'route: {}\n', 7n)
    const got = await client.kvGet('app/config')
    assert.equal(got.index, modify)
    assert.deepEqual(got.value, {
      key: 'app/config',
      value: Buffer.from('route: {}\n'),
      flags: 7n,
      createIndex: modify,
      modifyIndex: modify,
    })
  })

  it('kvGet of a missing key is undefined, with the index from the 404', async () => {
    await kvPut(consul, 'gone/x', 'x')
    await kvDel(consul, 'gone/x')
    const got = await client.kvGet('gone/x')
    assert.equal(got.value, undefined)
    assert.equal(got.index, BigInt(consul.raftIndex))
  })

  it('keeps indexes and flags above 2^53 exact', async () => {
    const big = 2n ** 60n + 3n
    const flags = 2n ** 63n + 5n
    // The stand-in's Raft index is a JavaScript number; the answer is written by hand, as
    // Consul writes uint64s: exact JSON integers.
    const entry = `{"LockIndex":0,"Key":"big/key","Flags":${flags},"Value":"dg==","CreateIndex":${big},"ModifyIndex":${big}}`
    requests.script = (r, res) => {
      if (!r.path.startsWith('/v1/kv/big/')) {
        return false
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-consul-index': String(big) })
        .end(`[${entry}]`)
      return true
    }
    try {
      const got = await client.kvGet('big/key')
      assert.equal(got.index, big)
      assert.equal(got.value?.modifyIndex, big)
      assert.equal(got.value.flags, flags)
      assert.equal(got.value.value.toString(), 'v')
      const listed = await client.kvList('big/')
      assert.equal(listed.index, big)
      assert.equal(listed.value[0]?.createIndex, big)
    } finally {
      requests.script = undefined
    }
    // Flags past 2^53 also survive a real round trip through the stand-in.
    await kvPutAt(consul, 'big/flags', 'v', flags)
    assert.equal((await client.kvGet('big/flags')).value?.flags, flags)
  })

  it('kvList returns every key under the prefix in key order, [] when there are none', async () => {
    await kvPut(consul, 'list/b', 'B')
    await kvPut(consul, 'list/a', 'A')
    await kvPut(consul, 'listing/other', 'not under list/')
    const got = await client.kvList('list/')
    assert.deepEqual(
      got.value.map((e) => [e.key, e.value.toString()]),
      [
        ['list/a', 'A'],
        ['list/b', 'B'],
      ]
    )
    const none = await client.kvList('nothing/')
    assert.deepEqual(none.value, [])
    assert.equal(typeof none.index, 'bigint')
  })

  it('reads an empty value (Consul sends null) as an empty buffer', async () => {
    await kvPut(consul, 'empty/key', '')
    const got = await client.kvGet('empty/key')
    assert.deepEqual(got.value?.value, Buffer.alloc(0))
  })

  it('kvPut stores text and bytes, with flags, and returns true', async () => {
    assert.equal(await client.kvPut('put/text', 'héllo', { flags: 42n }), true)
    assert.equal(await client.kvPut('put/bytes', Buffer.from([0, 1, 255])), true)
    assert.deepEqual(await kvRaw(consul, 'put/text'), Buffer.from('héllo'))
    assert.deepEqual(await kvRaw(consul, 'put/bytes'), Buffer.from([0, 1, 255]))
    assert.equal(consul.kvSnapshot()['put/text']?.flags, '42')
    const put = requests.seen.findLast((r) => r.method === 'PUT' && r.path === '/v1/kv/put/text')
    assert.equal(put?.query.get('flags'), '42')
  })

  it('kvPut with cas: 0 creates only when absent, N writes only at ModifyIndex N', async () => {
    // cas 0: create-only.
    assert.equal(await client.kvPut('cas/key', 'one', { cas: 0n }), true)
    assert.equal(await client.kvPut('cas/key', 'two', { cas: 0n }), false)
    const current = (await client.kvGet('cas/key')).value?.modifyIndex ?? 0n
    // A stale index loses, the current one wins.
    assert.equal(await client.kvPut('cas/key', 'three', { cas: current - 1n }), false)
    assert.equal(await client.kvPut('cas/key', 'four', { cas: current }), true)
    assert.deepEqual(await kvRaw(consul, 'cas/key'), Buffer.from('four'))
  })

  it('kvDelete deletes a key, honours cas, and deletes a prefix with recurse', async () => {
    await kvPut(consul, 'del/a', 'a')
    const modify = await kvPutAt(consul, 'del/b', 'b')
    assert.equal(await client.kvDelete('del/b', { cas: modify - 1n }), false)
    assert.equal(await client.kvDelete('del/b', { cas: modify }), true)
    assert.equal(await kvRaw(consul, 'del/b'), undefined)
    await kvPut(consul, 'del/c', 'c')
    assert.equal(await client.kvDelete('del/', { recurse: true }), true)
    assert.deepEqual((await client.kvList('del/')).value, [])
  })

  it('round-trips keys with spaces and other characters that need escaping', async () => {
    await client.kvPut('odd/a b+c%d.tmpl', 'x')
    assert.equal((await client.kvGet('odd/a b+c%d.tmpl')).value?.value.toString(), 'x')
    assert.equal(requests.seen.at(-1)?.path, '/v1/kv/odd/a b+c%d.tmpl')
  })

  it('blocks with ?index and ?wait until the key changes', async () => {
    const first = await client.kvGet('block/key')
    const pending = client.kvGet('block/key', { index: first.index, waitMs: 30_000 })
    await parked()
    const blocked = requests.seen.at(-1)
    assert.equal(blocked?.query.get('index'), first.index.toString())
    assert.equal(blocked.query.get('wait'), '30000ms')
    const modify = await kvPutAt(consul, 'block/key', 'new')
    const got = await pending
    assert.equal(got.index, modify)
    assert.equal(got.value?.value.toString(), 'new')
  })

  it('sends no index or wait for index 0, so the read never blocks', async () => {
    await client.kvGet('block/zero', { index: 0n, waitMs: 30_000 })
    const sent = requests.seen.at(-1)
    assert.equal(sent?.query.has('index'), false)
    assert.equal(sent.query.has('wait'), false)
  })

  it('a signal aborts a blocking read promptly with the signal reason', async () => {
    const first = await client.kvGet('abort/key')
    const controller = new AbortController()
    const abortedBefore = aborted()
    const pending = client.kvGet('abort/key', {
      index: first.index,
      waitMs: 60_000,
      signal: controller.signal,
    })
    await parked()
    const started = performance.now()
    controller.abort()
    const err = await rejection(pending)
    assert.ok(performance.now() - started < 2_000)
    assert.equal((err as Error).name, 'AbortError')
    await waitFor('the server to see the request go', () => aborted() === abortedBefore + 1)
    // An already aborted signal sends nothing.
    const count = requests.seen.length
    await rejection(client.kvGet('abort/key', { signal: controller.signal }))
    assert.equal(requests.seen.length, count)
  })

  it('fails with a Consul error when the answer has no X-Consul-Index', async () => {
    requests.script = (r, res) => {
      if (r.path !== '/v1/kv/noindex') {
        return false
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]')
      return true
    }
    try {
      const err = await rejection(client.kvGet('noindex'))
      assert.ok(err instanceof ConsulError)
      assert.equal(err.code, 'AM_CONSUL_REQUEST')
      assert.match(err.message, /no X-Consul-Index/)
    } finally {
      requests.script = undefined
    }
  })

  it('names path, status and body for other statuses', async () => {
    requests.script = (r, res) => {
      if (r.path !== '/v1/kv/leaderless') {
        return false
      }
      res.writeHead(500, { 'content-type': 'text/plain' }).end('No cluster leader')
      return true
    }
    try {
      const err = await rejection(client.kvGet('leaderless'))
      assert.ok(err instanceof ConsulError)
      assert.equal(err.code, 'AM_CONSUL_REQUEST')
      assert.equal(err.status, 500)
      assert.equal(err.message, 'Consul answered GET /v1/kv/leaderless with 500 No cluster leader')
    } finally {
      requests.script = undefined
    }
  })

  it('reports a non-blocking call that gets no answer within requestTimeoutMs', async () => {
    const slow = new ConsulClient({ baseUrl: consul.url }, { requestTimeoutMs: 150 })
    // Held and never answered.
    requests.script = (r) => r.path === '/v1/kv/hang'
    try {
      const err = await rejection(slow.kvGet('hang'))
      assert.ok(err instanceof ConsulError)
      assert.equal(err.code, 'AM_CONSUL_UNAVAILABLE')
      assert.equal(err.status, undefined)
      assert.match(err.message, /no answer to GET \/v1\/kv\/hang within 150 ms/)
      assert.match(err.message, /check --consul\.address \/ CONSUL_HTTP_ADDR/)
    } finally {
      requests.script = undefined
      slow.close()
    }
  })

  it('close() rejects calls in flight and later calls with ClosedError', async () => {
    const closing = new ConsulClient({ baseUrl: consul.url })
    const first = await closing.kvGet('close/key')
    const pending = closing.kvGet('close/key', { index: first.index, waitMs: 60_000 })
    await parked()
    closing.close()
    assert.ok((await rejection(pending)) instanceof ClosedError)
    assert.ok((await rejection(closing.kvGet('close/key'))) instanceof ClosedError)
    assert.ok((await rejection(closing.kvPut('close/key', 'v'))) instanceof ClosedError)
    closing.close()
  })

  it('rejects bad settings and arguments with InvalidArgumentError', async () => {
    const cases: [string, () => unknown][] = [
      // Not a URL at all.
      ['baseUrl', () => new ConsulClient({ baseUrl: '127.0.0.1:8500' })],
      // A scheme Consul's HTTP API does not speak.
      ['scheme', () => new ConsulClient({ baseUrl: 'unix:///tmp/consul.sock' })],
      // A timeout that could never be met.
      ['timeout', () => new ConsulClient({ baseUrl: consul.url }, { requestTimeoutMs: 0 })],
    ]
    for (const [what, build] of cases) {
      assert.throws(build, InvalidArgumentError, what)
    }
    // Consul caps wait at 10 minutes.
    assert.ok(
      (await rejection(client.kvGet('x', { index: 5n, waitMs: 600_001 }))) instanceof
        InvalidArgumentError
    )
    // A uint64 cannot be negative.
    assert.ok(
      (await rejection(client.kvPut('x', 'v', { cas: -1n }))) instanceof InvalidArgumentError
    )
    // PUT needs a key.
    assert.ok((await rejection(client.kvPut('', 'v'))) instanceof InvalidArgumentError)
  })
})

describe('ConsulClient token and datacenter', () => {
  let consul: ConsulStandin
  let requests: RequestTap

  before(async () => {
    consul = await startConsulStandin({ aclTokens: [TOKEN], datacenter: 'dc-east' })
    requests = tap(consul)
  })
  after(async () => {
    await consul.stop()
  })

  it('sends the token as X-Consul-Token and the datacenter as ?dc on every call', async () => {
    const client = new ConsulClient({ baseUrl: consul.url, token: TOKEN, datacenter: 'dc-east' })
    try {
      await client.kvPut('t/key', 'v')
      await client.kvGet('t/key')
      await client.kvList('t/')
      await client.kvDelete('t/key')
      assert.equal(requests.seen.length, 4)
      for (const r of requests.seen) {
        assert.equal(r.headers['x-consul-token'], TOKEN, r.method)
        assert.equal(r.query.get('dc'), 'dc-east', r.method)
      }
    } finally {
      client.close()
    }
  })

  it('explains a 403 with the path, the body and the token flag, without the token', async () => {
    const client = new ConsulClient({ baseUrl: consul.url, token: 'wrong-token-value' })
    try {
      const err = await rejection(client.kvGet('alertmesh/config'))
      assert.ok(err instanceof ConsulError)
      assert.equal(err.code, 'AM_CONSUL_PERMISSION')
      assert.equal(err.status, 403)
      assert.equal(
        err.message,
        // Consul's answer to a token it does not know.
        'Consul refused the request to /v1/kv/alertmesh/config (403 ACL not found): ' +
          'check --consul.token / CONSUL_HTTP_TOKEN and its ACL policy'
      )
      assert.doesNotMatch(err.message, /wrong-token-value/)
    } finally {
      client.close()
    }
  })

  it('redacts the token even when an answer echoes it', async () => {
    const client = new ConsulClient({ baseUrl: consul.url, token: TOKEN })
    requests.script = (r, res) => {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`rpc error: token ${String(r.headers['x-consul-token'])} broke`)
      return true
    }
    try {
      const err = await rejection(client.kvGet('echo'))
      assert.ok(err instanceof ConsulError)
      assert.doesNotMatch(err.message, new RegExp(TOKEN))
      assert.match(err.message, /token <redacted> broke/)
      assert.doesNotMatch(JSON.stringify(err, Object.getOwnPropertyNames(err)), new RegExp(TOKEN))
    } finally {
      requests.script = undefined
      client.close()
    }
  })
})

describe('ConsulClient when Consul is not there', () => {
  it('says it cannot reach Consul at the address, and what to check', async () => {
    const port = await freePort()
    const client = new ConsulClient({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN })
    try {
      const err = await rejection(client.kvGet('alertmesh/config'))
      assert.ok(err instanceof ConsulError)
      assert.equal(err.code, 'AM_CONSUL_UNAVAILABLE')
      assert.match(
        err.message,
        new RegExp(
          `^cannot reach Consul at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; ` +
            'check --consul\\.address / CONSUL_HTTP_ADDR and that the agent runs$'
        )
      )
      assert.doesNotMatch(err.message, new RegExp(TOKEN))
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED')
    } finally {
      client.close()
    }
  })

  it('hides userinfo of the address in messages', async () => {
    const port = await freePort()
    const client = new ConsulClient({ baseUrl: `http://user:pw-secret@127.0.0.1:${port}` })
    try {
      const err = await rejection(client.kvGet('k'))
      assert.ok(err instanceof ConsulError)
      assert.doesNotMatch(err.message, /pw-secret/)
      assert.match(
        err.message,
        new RegExp(`cannot reach Consul at http://127\\.0\\.0\\.1:${port}:`)
      )
    } finally {
      client.close()
    }
  })
})

describe('ConsulClient over TLS', () => {
  let dir: string
  let ca: Buffer
  let clientCert: Buffer
  let clientKey: Buffer
  let url: string
  const seen: { sni: string | false | null; clientCn: string | undefined }[] = []
  const teardown = new Teardown()

  before(async () => {
    dir = teardown.add(mkdtempSync(join(tmpdir(), 'alertmesh-consul-tls-')), (d) => {
      rmSync(d, { recursive: true, force: true })
    })
    const { path, ca: makeCA, leaf } = certificateMaker(dir)
    makeCA('ca', 'alertmesh-test-ca')
    writeFileSync(path('server.ext'), 'subjectAltName=DNS:consul.test\n')
    writeFileSync(path('client.ext'), 'extendedKeyUsage=clientAuth\n')
    leaf('server', { signer: 'ca', ext: 'server.ext', subject: 'consul.test' })
    leaf('client', { signer: 'ca', ext: 'client.ext', subject: 'alertmesh-node' })
    ca = readFileSync(join(dir, 'ca.crt'))
    clientCert = readFileSync(join(dir, 'client.crt'))
    clientKey = readFileSync(join(dir, 'client.key'))
    const server = createHttpsServer(
      {
        key: readFileSync(join(dir, 'server.key')),
        cert: readFileSync(join(dir, 'server.crt')),
        ca,
        // Ask for a client certificate but let the handler report whether one came.
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const socket = req.socket
        assert.ok(socket instanceof TLSSocket)
        const peer = socket.getPeerCertificate()
        seen.push({
          sni: socket.servername,
          clientCn: socket.authorized ? String(peer.subject.CN) : undefined,
        })
        res.writeHead(404, { 'x-consul-index': '12' }).end()
      }
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    teardown.add(
      server,
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections()
          s.close(() => {
            resolve()
          })
        })
    )
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => teardown.run())

  it('verifies the server against the CA under the server name and presents the client cert', async () => {
    const client = new ConsulClient({
      baseUrl: url,
      tls: { ca, cert: clientCert, key: clientKey, serverName: 'consul.test' },
    })
    try {
      const got = await client.kvGet('tls/key')
      assert.deepEqual(got, { index: 12n, value: undefined })
      assert.deepEqual(seen.at(-1), { sni: 'consul.test', clientCn: 'alertmesh-node' })
    } finally {
      client.close()
    }
  })

  it('refuses a server certificate it cannot verify, and says what to check', async () => {
    const cases = [
      // No CA: the test CA is not trusted.
      { tls: { serverName: 'consul.test' }, cause: /self-signed|unable to (get|verify)/i },
      // Right CA, wrong name: the certificate is for consul.test only.
      { tls: { ca, serverName: 'other.test' }, cause: /altnames|does not match/i },
    ]
    for (const c of cases) {
      const client = new ConsulClient({ baseUrl: url, tls: c.tls })
      try {
        const err = await rejection(client.kvGet('tls/key'))
        assert.ok(err instanceof ConsulError)
        assert.equal(err.code, 'AM_CONSUL_UNAVAILABLE')
        assert.match(err.message, new RegExp(`^TLS handshake with Consul at ${url} failed: `))
        assert.match(err.message, c.cause)
        assert.match(err.message, /CONSUL_CACERT/)
      } finally {
        client.close()
      }
    }
  })

  it('accepts any server certificate with insecureSkipVerify', async () => {
    const client = new ConsulClient({ baseUrl: url, tls: { insecureSkipVerify: true } })
    try {
      assert.deepEqual(await client.kvGet('tls/key'), { index: 12n, value: undefined })
      // No client certificate was configured, so none was presented.
      assert.equal(seen.at(-1)?.clientCn, undefined)
    } finally {
      client.close()
    }
  })

  it('puts the TLS settings on a keep-alive agent', () => {
    assert.deepEqual(
      buildAgentOptions({ ca, cert: clientCert, key: clientKey, serverName: 'consul.test' }),
      {
        keepAlive: true,
        timeout: 30_000,
        ca,
        cert: clientCert,
        key: clientKey,
        servername: 'consul.test',
        rejectUnauthorized: true,
      }
    )
    assert.equal(buildAgentOptions({ insecureSkipVerify: true }).rejectUnauthorized, false)
    assert.equal(buildAgentOptions(undefined).rejectUnauthorized, true)
  })
})
