import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { BlockingQuery, ConsulClient } from '#src/consul/index.js'
import type { BlockingQueryOptions, KvEntry, QueryResult } from '#src/consul/index.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin } from '../../support/consul-standin/index.js'
import { waitFor } from '../../support/wait.js'

import { kvPut, withConsulStandin } from './with-standin.js'

/** A scripted answer: a result, or an error to throw. */
type Answer<T> = QueryResult<T> | Error

/**
 * script serves the answers in order, then hangs until aborted; `exhausted` resolves when the
 * loop asks for more than the script holds, i.e. when it is idle in its next read.
 */
function script<T>(answers: readonly Answer<T>[]): {
  readonly fetch: BlockingQueryOptions<T>['fetch']
  readonly calls: { index: bigint; waitMs: number }[]
  readonly exhausted: Promise<void>
} {
  const calls: { index: bigint; waitMs: number }[] = []
  let exhaust: () => void = () => undefined
  const exhausted = new Promise<void>((resolve) => {
    exhaust = resolve
  })
  const fetch = (index: bigint, waitMs: number, signal: AbortSignal): Promise<QueryResult<T>> => {
    calls.push({ index, waitMs })
    const answer = answers[calls.length - 1]
    if (answer === undefined) {
      exhaust()
      return hang(signal)
    }
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
  }
  return { fetch, calls, exhausted }
}

/** hang never resolves; it rejects with the signal's reason when the signal aborts. */
function hang<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason as Error)
      },
      { once: true }
    )
  })
}

/** fakeTime is a clock that only moves when the loop sleeps; every sleep is recorded. */
function fakeTime(): {
  readonly now: () => number
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly sleeps: number[]
  readonly clock: () => number
} {
  let clock = 0
  const sleeps: number[] = []
  return {
    now: () => clock,
    sleep: (ms, signal) => {
      signal.throwIfAborted()
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    },
    sleeps,
    clock: () => clock,
  }
}

const text = (s: string, index: bigint): QueryResult<string> => ({ index, value: s })

/** run drives a string-valued query over a script until the script runs out. */
async function run(
  answers: readonly Answer<string>[],
  extra: Partial<BlockingQueryOptions<string>> = {}
): Promise<{
  calls: bigint[]
  changes: [string, bigint][]
  errors: [string, number, number][]
  recovered: number
  sleeps: number[]
}> {
  const s = script(answers)
  const time = fakeTime()
  const changes: [string, bigint][] = []
  const errors: [string, number, number][] = []
  let recovered = 0
  const query = new BlockingQuery<string>({
    name: 'test',
    fetch: s.fetch,
    equals: (a, b) => a === b,
    onChange: (value, index) => {
      changes.push([value, index])
    },
    onError: (err, attempt, retryInMs) => {
      errors.push([(err as Error).message, attempt, retryInMs])
    },
    onRecovered: () => {
      recovered++
    },
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    ...extra,
  })
  query.start()
  await s.exhausted
  await query.stop()
  return { calls: s.calls.map((c) => c.index), changes, errors, recovered, sleeps: time.sleeps }
}

describe('BlockingQuery', () => {
  it('reads first with index 0, then passes the last index and the wait', async () => {
    const s = script([text('a', 5n), text('b', 7n)])
    const time = fakeTime()
    const changes: [string, bigint][] = []
    const query = new BlockingQuery<string>({
      name: 'test',
      fetch: s.fetch,
      equals: (a, b) => a === b,
      onChange: (value, index) => {
        changes.push([value, index])
      },
      waitMs: 1234,
      now: time.now,
      sleep: time.sleep,
    })
    assert.equal(query.lastIndex, 0n)
    query.start()
    await s.exhausted
    await query.stop()
    assert.deepEqual(s.calls, [
      { index: 0n, waitMs: 1234 },
      { index: 5n, waitMs: 1234 },
      { index: 7n, waitMs: 1234 },
    ])
    assert.deepEqual(changes, [
      ['a', 5n],
      ['b', 7n],
    ])
    assert.equal(query.lastIndex, 7n)
  })

  it('follows the Consul client duties for odd indexes without delivering twice', async () => {
    const cases: {
      name: string
      answers: Answer<string>[]
      calls: bigint[]
      changes: [string, bigint][]
    }[] = [
      {
        // Index went backwards (snapshot restore) with new content: deliver it once, reset to 0,
        // and the re-read of the same content delivers nothing.
        name: 'backwards with a change',
        answers: [text('a', 10n), text('b', 4n), text('b', 4n)],
        calls: [0n, 10n, 0n, 4n],
        changes: [
          ['a', 10n],
          ['b', 4n],
        ],
      },
      {
        // Index went backwards with unchanged content: reset, but nothing to deliver.
        name: 'backwards without a change',
        answers: [text('a', 10n), text('a', 4n), text('a', 4n)],
        calls: [0n, 10n, 0n, 4n],
        changes: [['a', 10n]],
      },
      {
        // Index 0 is a server bug: block on 1 instead, never on 0.
        name: 'index 0',
        answers: [text('a', 0n), text('a', 0n), text('b', 3n)],
        calls: [0n, 1n, 1n, 3n],
        changes: [
          ['a', 0n],
          ['b', 3n],
        ],
      },
      {
        // The same bytes at a newer index (an identical KV put, or the wait timing out).
        name: 'same content, new index',
        answers: [text('a', 5n), text('a', 6n), text('a', 6n), text('b', 9n)],
        calls: [0n, 5n, 6n, 6n, 9n],
        changes: [
          ['a', 5n],
          ['b', 9n],
        ],
      },
    ]
    for (const c of cases) {
      const got = await run(c.answers)
      assert.deepEqual(got.calls, c.calls, c.name)
      assert.deepEqual(got.changes, c.changes, c.name)
    }
  })

  it('backs off exponentially with equal jitter and resets after a success', async () => {
    const boom = (n: number): Error => new Error(`boom ${n}`)
    const got = await run([
      boom(1),
      boom(2),
      boom(3),
      boom(4),
      text('a', 5n),
      boom(5),
      boom(6),
      text('a', 6n),
    ])
    // random 0.5: three quarters of 200, 400, 800, 1600 ms; back to 200 after the success.
    assert.deepEqual(got.errors, [
      ['boom 1', 1, 150],
      ['boom 2', 2, 300],
      ['boom 3', 3, 600],
      ['boom 4', 4, 1200],
      ['boom 5', 1, 150],
      ['boom 6', 2, 300],
    ])
    assert.equal(got.recovered, 2)
    // The loop slept exactly those delays (rate-limit sleeps, if any, are 100 ms).
    assert.deepEqual(
      got.sleeps.filter((ms) => ms !== 100),
      [150, 300, 600, 1200, 150, 300]
    )
    assert.deepEqual(got.changes, [['a', 5n]])
  })

  it('reads without blocking after a failed read (Consul may have restarted with a lower index)', async () => {
    // A blocking read on the old index 9 against a restarted Consul at index 2 would hang for a
    // whole wait before the reset showed.
    const got = await run([
      text('a', 9n),
      new Error('socket hang up'),
      text('b', 2n),
      text('b', 3n),
    ])
    assert.deepEqual(got.calls, [0n, 9n, 0n, 2n, 3n])
    assert.deepEqual(got.changes, [
      ['a', 9n],
      ['b', 2n],
    ])
  })

  it('keeps the backoff within [half, all] of a doubling ceiling capped at maxMs', async () => {
    const failures = Array.from({ length: 12 }, (_, i) => new Error(`e${i}`))
    for (const [random, want] of [
      // The bottom of each window: half the ceiling.
      [0, [50, 100, 200, 400, 500, 500, 500, 500, 500, 500, 500, 500]],
      // The top of each window (random just below 1): the ceiling.
      [0.999999, [100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]],
    ] as const) {
      const got = await run(failures, {
        random: () => random,
        backoff: { initialMs: 100, maxMs: 1000 },
      })
      assert.deepEqual(
        got.errors.map((e) => e[2]),
        want,
        String(random)
      )
    }
  })

  it('treats a throwing onChange as a failure and offers the value again', async () => {
    const s = script([text('a', 5n), text('a', 5n)])
    const time = fakeTime()
    const seen: string[] = []
    const errors: unknown[] = []
    let first = true
    const query = new BlockingQuery<string>({
      name: 'test',
      fetch: s.fetch,
      equals: (a, b) => a === b,
      onChange: (value) => {
        seen.push(value)
        if (first) {
          first = false
          throw new Error('apply failed')
        }
      },
      onError: (err) => {
        errors.push(err)
      },
      now: time.now,
      sleep: time.sleep,
    })
    query.start()
    await s.exhausted
    await query.stop()
    assert.deepEqual(seen, ['a', 'a'])
    assert.equal((errors[0] as Error).message, 'apply failed')
    // After the failure the value is re-read without blocking.
    assert.deepEqual(
      s.calls.map((c) => c.index),
      [0n, 0n, 5n]
    )
  })

  it('rate limits a server that answers at once: burst, then ratePerSecond', async () => {
    const time = fakeTime()
    const windowMs = 10_000
    let next = 1n
    let done: () => void = () => undefined
    const finished = new Promise<void>((resolve) => {
      done = resolve
    })
    let reads = 0
    const query = new BlockingQuery<bigint>({
      name: 'spinning',
      // Every read answers immediately with a new index and a new value, like a key that
      // changes constantly or a broken server.
      fetch: (_index, _waitMs, signal) => {
        if (time.clock() >= windowMs) {
          done()
          return hang(signal)
        }
        reads++
        next++
        return Promise.resolve({ index: next, value: next })
      },
      equals: (a, b) => a === b,
      onChange: () => undefined,
      now: time.now,
      sleep: time.sleep,
    })
    query.start()
    await finished
    await query.stop()
    // Defaults: burst 3 at once, then 10 per second: 3 + 99 reads before the 10 s mark.
    assert.equal(reads, 102)
    assert.ok(time.sleeps.every((ms) => ms === 100))
  })

  it('rate limits in real time against an HTTP server that never blocks', async () => {
    const consul = await startConsulStandin()
    const client = new ConsulClient({ baseUrl: consul.url })
    let index = 100n
    let reads = 0
    consul.intercept((_r, res) => {
      index++
      reads++
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-consul-index': String(index) })
        .end(`[{"Key":"k","Flags":0,"Value":null,"CreateIndex":1,"ModifyIndex":${index}}]`)
      return true
    })
    const query = new BlockingQuery<KvEntry | undefined>({
      name: 'kv k',
      fetch: (i, waitMs, signal) => client.kvGet('k', { index: i, waitMs, signal }),
      equals: () => false,
      onChange: () => undefined,
      ratePerSecond: 20,
      burst: 3,
    })
    try {
      const started = performance.now()
      query.start()
      // 3 reads come from the burst, the other 10 need 10 tokens at 20/s: at least 500 ms.
      await waitFor('13 reads', () => reads >= 13, { timeoutMs: 10_000, intervalMs: 5 })
      const elapsed = performance.now() - started
      await query.stop()
      assert.ok(elapsed >= 450, `13 reads took only ${elapsed} ms`)
      // And it did not stall: generous bound for a loaded machine.
      assert.ok(elapsed < 5_000, `13 reads took ${elapsed} ms`)
    } finally {
      await query.stop()
      client.close()
      await consul.stop()
    }
  })

  it('rejects out-of-range options, naming them', () => {
    const base: BlockingQueryOptions<string> = {
      name: 'q',
      fetch: () => Promise.resolve(text('a', 1n)),
      equals: (a, b) => a === b,
      onChange: () => undefined,
    }
    const cases: [string, Partial<BlockingQueryOptions<string>>][] = [
      // Consul needs at least 1 ms and caps wait at 10 minutes.
      ['waitMs', { waitMs: 0 }],
      ['waitMs', { waitMs: 600_001 }],
      ['waitMs', { waitMs: Number.NaN }],
      // A rate of 0 would never read again.
      ['ratePerSecond', { ratePerSecond: 0 }],
      // A bucket must hold at least one token.
      ['burst', { burst: 0.5 }],
      ['backoff.initialMs', { backoff: { initialMs: 0 } }],
      ['backoff.maxMs', { backoff: { initialMs: 500, maxMs: 100 } }],
    ]
    for (const [name, bad] of cases) {
      assert.throws(
        () => new BlockingQuery({ ...base, ...bad }),
        (err: unknown) => err instanceof InvalidArgumentError && err.message.includes(name),
        name
      )
    }
  })
})

describe('BlockingQuery against HTTP', () => {
  let consul: ConsulStandin
  let client: ConsulClient

  withConsulStandin((c, cl) => {
    consul = c
    client = cl
  })

  /** parked resolves once `count` blocking queries are parked in the stand-in. */
  const parked = (what: string, count = 1): Promise<boolean> =>
    waitFor(what, () => consul.pendingBlockingQueries === count, { intervalMs: 5 })

  /** aborted counts the requests whose client went away before the answer. */
  const aborted = (): number => consul.requests({ outcome: 'aborted' }).length

  /** kvQuery follows one key and records what it delivers. */
  function kvQuery(key: string): {
    query: BlockingQuery<KvEntry | undefined>
    changes: (string | undefined)[]
    changed: (count: number) => Promise<void>
  } {
    const changes: (string | undefined)[] = []
    const waiters: { count: number; resolve: () => void }[] = []
    const query = new BlockingQuery<KvEntry | undefined>({
      name: `kv ${key}`,
      fetch: (index, waitMs, signal) => client.kvGet(key, { index, waitMs, signal }),
      equals: (a, b) => (a === undefined || b === undefined ? a === b : a.value.equals(b.value)),
      onChange: (entry) => {
        changes.push(entry?.value.toString())
        for (const w of waiters.filter((x) => changes.length >= x.count)) {
          w.resolve()
        }
      },
      waitMs: 60_000,
    })
    const changed = (count: number): Promise<void> =>
      changes.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve }))
    return { query, changes, changed }
  }

  it('stop() aborts the long poll in flight promptly and delivers nothing after', async () => {
    await kvPut(consul, 'stop/key', 'v1')
    const { query, changes, changed } = kvQuery('stop/key')
    query.start()
    await changed(1)
    await parked('the long poll')
    const abortedBefore = aborted()
    const started = performance.now()
    await query.stop()
    assert.ok(performance.now() - started < 2_000)
    await waitFor('the server to see it go', () => aborted() === abortedBefore + 1)
    await kvPut(consul, 'stop/key', 'v2')
    assert.deepEqual(changes, ['v1'])
    // stop is idempotent and final.
    await query.stop()
    assert.throws(() => {
      query.start()
    }, ClosedError)
  })

  it('stop() ends a backoff pause at once', async () => {
    let failed: () => void = () => undefined
    const failing = new Promise<void>((resolve) => {
      failed = resolve
    })
    const query = new BlockingQuery<string>({
      name: 'failing',
      fetch: () => Promise.reject(new Error('down')),
      equals: (a, b) => a === b,
      onChange: () => undefined,
      onError: () => {
        failed()
      },
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    })
    query.start()
    await failing
    const started = performance.now()
    await query.stop()
    assert.ok(performance.now() - started < 1_000)
  })

  it('recovers from a snapshot restore (index going back) without a duplicate delivery', async () => {
    // Writes elsewhere first, so that the key's index is well above the restored one.
    for (let i = 0; i < 8; i++) {
      await kvPut(consul, `restore/filler${i}`, 'x')
    }
    await kvPut(consul, 'restore/key', 'same')
    const { query, changes, changed } = kvQuery('restore/key')
    query.start()
    try {
      await changed(1)
      await parked('the long poll')
      const blockedAt = query.lastIndex
      assert.ok(blockedAt > 6n)
      const reads = (): (string | null)[] =>
        consul
          .requests({ endpoint: 'kv.get', subject: 'restore/key' })
          .map((r) => r.query['index'] ?? null)
      const seen = reads().length
      // A restored snapshot: the Raft index restarts lower, and Consul wakes every parked query.
      consul.resetIndex(5)
      await waitFor('the poll on the restored index', () => query.lastIndex === 5n)
      await parked('the long poll on the restored index')
      // The woken poll (old index), one read without index, then blocking on the new index.
      assert.deepEqual(reads().slice(seen), [String(blockedAt), null])
      // Rewriting the key unchanged modifies nothing (Consul skips identical writes), so the
      // poll stays parked on the restored index and nothing is delivered twice.
      await kvPut(consul, 'restore/key', 'same')
      await parked('the long poll after an unchanged write')
      assert.equal(query.lastIndex, 5n)
      assert.deepEqual(changes, ['same'])
      // Then a real change still comes through.
      await kvPut(consul, 'restore/key', 'different')
      await changed(2)
      assert.deepEqual(changes, ['same', 'different'])
    } finally {
      await query.stop()
    }
  })
})
