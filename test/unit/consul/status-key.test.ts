import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { ConsulClient, ConsulError, readNodeStatuses, writeNodeStatus } from '#src/consul/index.js'
import type { NodeStatus } from '#src/consul/index.js'
import { InvalidArgumentError } from '#src/util/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin } from '../../support/consul-standin/index.js'

const healthy: NodeStatus = {
  node: 'node-b',
  configHash: 'sha256:0f1e',
  appliedIndex: '18446744073709551615',
  appliedAt: '2026-08-01T12:00:00.000Z',
  source: 'consul',
}

const refusing: NodeStatus = {
  node: 'node-a',
  configHash: 'sha256:aaaa',
  appliedIndex: '41',
  appliedAt: '2026-08-01T11:00:00.000Z',
  source: 'cache',
  error: { message: 'route: unknown receiver "x"', index: '42', at: '2026-08-01T11:05:00.000Z' },
}

describe('node status', () => {
  let consul: ConsulStandin
  let client: ConsulClient

  before(async () => {
    consul = await startConsulStandin()
    client = new ConsulClient({ baseUrl: consul.url })
  })

  after(async () => {
    client.close()
    await consul.stop()
  })

  /** put stores a value as another writer would, past the client under test. */
  const put = async (key: string, value: string): Promise<void> => {
    const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body: value })
    assert.equal(await res.text(), 'true', key)
  }

  it('writes <prefix>/status/<node> as indented JSON with indexes as strings', async () => {
    await writeNodeStatus(client, 'am', healthy)
    const stored = consul.kvSnapshot()['am/status/node-b']?.value
    assert.equal(stored, `${JSON.stringify(healthy, null, 2)}\n`)
    assert.match(stored, /\n {2}"appliedIndex": "18446744073709551615",\n/)
  })

  it('reads every status back, sorted by node, and round-trips the error', async () => {
    await writeNodeStatus(client, 'rt', healthy)
    await writeNodeStatus(client, 'rt', refusing)
    assert.deepEqual(await readNodeStatuses(client, 'rt'), [refusing, healthy])
    assert.deepEqual(await readNodeStatuses(client, 'nobody'), [])
  })

  it('skips and reports entries that are not valid statuses', async () => {
    await writeNodeStatus(client, 'tol', healthy)
    const bad: [string, string, RegExp][] = [
      // Not JSON at all.
      ['tol/status/garbled', '{not json', /JSON/],
      // JSON, but not an object.
      ['tol/status/list', '[]', /not a JSON object/],
      // An index written as a number loses precision past 2^53; only decimal strings are valid.
      [
        'tol/status/numeric',
        JSON.stringify({ ...healthy, node: 'numeric', appliedIndex: 7 }),
        /appliedIndex is not a string/,
      ],
      // An unknown source.
      [
        'tol/status/src',
        JSON.stringify({ ...healthy, node: 'src', source: 'etcd' }),
        /source "etcd"/,
      ],
      // A broken error block.
      [
        'tol/status/err',
        JSON.stringify({ ...healthy, node: 'err', error: { message: 'x', index: 'nine', at: '' } }),
        /error\.index "nine" is not a decimal index/,
      ],
      // Stored under another node's name.
      ['tol/status/copied', JSON.stringify(healthy), /node field is "node-b"/],
    ]
    for (const [key, value] of bad) {
      await put(key, value)
    }
    // Deeper keys and folder markers are not statuses and are not reported.
    await put('tol/status/', '')
    await put('tol/status/x/y', 'whatever')
    const reported: [string, string][] = []
    const got = await readNodeStatuses(client, 'tol', {
      onInvalid: (key, reason) => reported.push([key, reason]),
    })
    assert.deepEqual(got, [healthy])
    assert.deepEqual(
      reported.map(([key]) => key),
      bad.map(([key]) => key).sort()
    )
    for (const [key, , reason] of bad) {
      assert.match(reported.find(([k]) => k === key)?.[1] ?? '', reason, key)
    }
  })

  it('keeps only the known fields of a status', async () => {
    await put('extra/status/n', JSON.stringify({ ...healthy, node: 'n', future: 'field' }))
    assert.deepEqual(await readNodeStatuses(client, 'extra'), [{ ...healthy, node: 'n' }])
  })

  it('rejects node names that cannot be a single key', async () => {
    for (const node of ['', 'a/b']) {
      await assert.rejects(
        writeNodeStatus(client, 'am', { ...healthy, node }),
        InvalidArgumentError
      )
    }
  })

  it('surfaces Consul failures as ConsulError', async () => {
    // One refused write, then one refused read.
    consul.failNext({ count: 2, status: 403, body: 'Permission denied', pathPrefix: '/v1/kv/am' })
    try {
      await assert.rejects(writeNodeStatus(client, 'am', healthy), (err: unknown) => {
        assert.ok(err instanceof ConsulError)
        assert.equal(err.code, 'AM_CONSUL_PERMISSION')
        assert.match(err.message, /\/v1\/kv\/am\/status\/node-b/)
        return true
      })
      await assert.rejects(readNodeStatuses(client, 'am'), ConsulError)
      assert.equal(consul.requests({ pathPrefix: '/v1/kv/am', outcome: 'failed' }).length, 2)
    } finally {
      consul.clearFaults()
    }
  })
})
