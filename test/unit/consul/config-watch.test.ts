import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { ConsulConfigWatch, fetchConfigDocument } from '#src/consul/index.js'
import type { ConsulClient, ConsulConfigWatchOptions, KvConfigDocument } from '#src/consul/index.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

import type {
  ConsulStandin,
  InterceptedRequest,
  RequestRecord,
} from '../../support/consul-standin/index.js'
import { waitFor } from '../../support/wait.js'

import { kvPut, withConsulStandin } from './with-standin.js'

type Event =
  | { readonly kind: 'document'; readonly doc: KvConfigDocument }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly message: string; readonly retryInMs: number }
  | { readonly kind: 'recovered' }

/** Recorder collects a watch's callbacks and lets a test await the next one of a kind. */
class Recorder {
  readonly events: Event[] = []
  readonly #waiters: { kind: Event['kind']; after: number; resolve: (e: Event) => void }[] = []

  push(event: Event): void {
    this.events.push(event)
    for (const w of [...this.#waiters]) {
      const found = this.events.slice(w.after).find((e) => e.kind === w.kind)
      if (found !== undefined) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1)
        w.resolve(found)
      }
    }
  }

  /** next resolves with the first event of `kind` recorded after `after` events. */
  next(kind: Event['kind'], after = this.events.length): Promise<Event> {
    const found = this.events.slice(after).find((e) => e.kind === kind)
    if (found !== undefined) {
      return Promise.resolve(found)
    }
    return new Promise((resolve) => this.#waiters.push({ kind, after, resolve }))
  }

  async document(after = this.events.length): Promise<KvConfigDocument> {
    const e = await this.next('document', after)
    assert.equal(e.kind, 'document')
    return e.doc
  }

  count(kind: Event['kind']): number {
    return this.events.filter((e) => e.kind === kind).length
  }
}

const PREFIX = 'am'
const isConfigRead = (r: RequestRecord): boolean =>
  r.endpoint === 'kv.get' && r.subject === 'am/config'
const isTemplatesRead = (r: RequestRecord): boolean =>
  r.endpoint === 'kv.list' && r.subject === 'am/templates/'

/** kvDelete deletes a key, or everything under a prefix, past the client under test. */
async function kvDelete(consul: ConsulStandin, key: string, recurse = false): Promise<void> {
  const res = await fetch(`${consul.url}/v1/kv/${key}${recurse ? '?recurse' : ''}`, {
    method: 'DELETE',
  })
  assert.equal(await res.text(), 'true', `DELETE ${key}`)
}

describe('ConsulConfigWatch', () => {
  let consul: ConsulStandin
  let client: ConsulClient
  let recorder: Recorder
  let watch: ConsulConfigWatch

  withConsulStandin((c, cl) => {
    consul = c
    client = cl
  })
  beforeEach(async () => {
    await kvDelete(consul, 'am/config')
    await kvDelete(consul, 'am/templates/', true)
    consul.clearFaults()
    recorder = new Recorder()
    watch = recordedWatch()
  })
  afterEach(async () => {
    await watch.stop()
    consul.clearFaults()
  })

  /** recordedWatch makes a watch on `am` whose every callback goes to the recorder. */
  const recordedWatch = (retry?: ConsulConfigWatchOptions['retry']): ConsulConfigWatch =>
    new ConsulConfigWatch({
      client,
      prefix: PREFIX,
      ...(retry === undefined ? {} : { retry }),
      onDocument: (doc) => {
        recorder.push({ kind: 'document', doc })
      },
      onMissing: () => {
        recorder.push({ kind: 'missing' })
      },
      onError: (err, retryInMs) => {
        recorder.push({ kind: 'error', message: (err as Error).message, retryInMs })
      },
      onRecovered: () => {
        recorder.push({ kind: 'recovered' })
      },
    })

  /** parked resolves once `count` long polls are parked in the stand-in. */
  const parked = (what: string, count: number): Promise<boolean> =>
    waitFor(what, () => consul.pendingBlockingQueries === count, { intervalMs: 5 })
  /** idle resolves once both loops are parked in a long poll. */
  const idle = (): Promise<boolean> => parked('both long polls', 2)
  /** startAndSettle puts a config, starts the watch, and waits for its document and idle loops. */
  const startAndSettle = async (config: string): Promise<void> => {
    await kvPut(consul, 'am/config', config)
    watch.start()
    await recorder.document(0)
    await idle()
  }
  /** aborted counts the requests whose client went away before the answer. */
  const aborted = (): number => consul.requests({ outcome: 'aborted' }).length
  /**
   * holdNext holds the next request that `match` picks until `release()`; the stand-in answers
   * it then, from the state at that moment. `held` resolves once it has arrived.
   */
  const holdNext = (
    match: (r: InterceptedRequest) => boolean
  ): { held: Promise<void>; release: () => void } => {
    let proceedHeld: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      consul.intercept((r, _res, proceed) => {
        if (!match(r)) {
          return false
        }
        consul.intercept(undefined)
        proceedHeld = proceed
        resolve()
        return true
      })
    })
    return {
      held,
      release: () => {
        proceedHeld()
      },
    }
  }

  it('delivers the first document only after both the config and the templates are read', async () => {
    await kvPut(consul, 'am/config', 'route:\n  receiver: ünïcode\n')
    await kvPut(consul, 'am/templates/b.tmpl', '{{ define "b" }}B{{ end }}')
    await kvPut(consul, 'am/templates/a.tmpl', '{{ define "a" }}A{{ end }}')
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      // Hold the first templates read until the config read has been answered.
      consul.intercept((r, _res, proceed) => {
        if (r.method !== 'GET' || r.path !== '/v1/kv/am/templates/') {
          return false
        }
        consul.intercept(undefined)
        release = proceed
        resolve()
        return true
      })
    })
    watch.start()
    await held
    await parked('the config long poll', 1)
    assert.equal(recorder.events.length, 0)
    release()
    const doc = await recorder.document(0)
    assert.equal(doc.text, 'route:\n  receiver: ünïcode\n')
    assert.deepEqual(
      [...doc.templates],
      [
        ['a.tmpl', '{{ define "a" }}A{{ end }}'],
        ['b.tmpl', '{{ define "b" }}B{{ end }}'],
      ]
    )
    assert.equal(doc.index, (await client.kvGet('am/config')).value?.modifyIndex)
    assert.equal(recorder.count('document'), 1)
  })

  it('delivers again when a template changes, naming templates relative to their folder', async () => {
    await kvPut(consul, 'am/config', 'c1')
    await kvPut(consul, 'am/templates/', '') // a folder marker, as the Consul UI creates
    watch.start()
    const first = await recorder.document(0)
    assert.deepEqual([...first.templates], [])
    await idle()
    const seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A1')
    const second = await recorder.document(seen)
    assert.equal(second.text, 'c1')
    assert.deepEqual([...second.templates], [['a.tmpl', 'A1']])
    assert.equal(second.index, first.index)
  })

  it('is not woken by writes to <prefix>/status/', async () => {
    await startAndSettle('c1')
    // The stand-in logs a request when it ends: the two parked polls show up once woken.
    const before = consul.requests().length
    for (let i = 0; i < 5; i++) {
      await kvPut(consul, `am/status/node-${i}`, `{"n":${i}}`)
    }
    // A template write afterwards proves the watch is alive; only its loop may have woken, and
    // one re-read of both parts follows it.
    const seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A')
    await recorder.document(seen)
    await idle()
    const since = consul.requests().slice(before)
    const longPolls = since.filter((r) => r.blocking)
    const reReads = since.filter((r) => !r.blocking)
    assert.equal(longPolls.filter(isConfigRead).length, 0)
    assert.equal(longPolls.filter(isTemplatesRead).length, 1)
    assert.equal(reReads.filter(isConfigRead).length, 1)
    assert.equal(reReads.filter(isTemplatesRead).length, 1)
    assert.equal(recorder.count('document'), 2)
  })

  it('pairs a new config with the templates written before it, even when their loop lags', async () => {
    await kvPut(consul, 'am/config', 'c1')
    await kvPut(consul, 'am/templates/a.tmpl', 'A1')
    watch.start()
    await recorder.document(0)
    await idle()
    // Hold the templates loop's next long poll, so it cannot see the next template write.
    const poll = holdNext((r) => r.path === '/v1/kv/am/templates/' && r.query.has('index'))
    let seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A2')
    assert.deepEqual([...(await recorder.document(seen)).templates], [['a.tmpl', 'A2']])
    await poll.held
    // As `alertmesh config push` writes: the templates, then the config that uses them.
    seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A3')
    await kvPut(consul, 'am/config', 'c2')
    const doc = await recorder.document(seen)
    assert.equal(doc.text, 'c2')
    assert.deepEqual([...doc.templates], [['a.tmpl', 'A3']])
    poll.release()
    await idle()
    // The lagging loop catches up with what was already delivered: nothing new.
    assert.equal(recorder.count('document'), 3)
    assert.deepEqual(
      recorder.events.filter((e) => e.kind !== 'document'),
      [],
      'no errors or missing reports'
    )
  })

  // Without the fix the document never comes: the timeout turns the hang into a failure.
  it('follows a write back to what a lagging loop saw last', { timeout: 20_000 }, async () => {
    await kvPut(consul, 'am/config', 'c1')
    await kvPut(consul, 'am/templates/a.tmpl', 'A1')
    // The templates loop's first long poll is held: it stays at A1 throughout.
    const poll = holdNext((r) => r.path === '/v1/kv/am/templates/' && r.query.has('index'))
    watch.start()
    await recorder.document(0)
    await poll.held
    let seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A2')
    await kvPut(consul, 'am/config', 'c2')
    const pushed = await recorder.document(seen)
    assert.deepEqual([pushed.text, [...pushed.templates]], ['c2', [['a.tmpl', 'A2']]])
    // The template goes back to the bytes the held loop saw last, in a new write.
    seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A1')
    poll.release()
    const back = await recorder.document(seen)
    assert.deepEqual([back.text, [...back.templates]], ['c2', [['a.tmpl', 'A1']]])
  })

  it('reads the templates after the config, so a push between the two reads is not split', async () => {
    await kvPut(consul, 'am/config', 'c1')
    await kvPut(consul, 'am/templates/a.tmpl', 'A1')
    watch.start()
    await recorder.document(0)
    await idle()
    // Hold the config read of the re-read that the next template write causes.
    const reRead = holdNext((r) => r.path === '/v1/kv/am/config' && !r.query.has('index'))
    const seen = recorder.events.length
    await kvPut(consul, 'am/templates/a.tmpl', 'A2')
    await reRead.held
    // A push lands while the re-read is out: templates first, then the config.
    await kvPut(consul, 'am/templates/a.tmpl', 'A3')
    await kvPut(consul, 'am/config', 'c3')
    reRead.release()
    const doc = await recorder.document(seen)
    assert.deepEqual([doc.text, [...doc.templates]], ['c3', [['a.tmpl', 'A3']]])
    await idle()
    // Whatever re-read is still out finds the state delivered, so it delivers nothing more.
    assert.deepEqual(
      recorder.events
        .slice(seen)
        .map((e) =>
          e.kind === 'document' ? `${e.doc.text}+${e.doc.templates.get('a.tmpl') ?? ''}` : e.kind
        ),
      ['c3+A3']
    )
  })

  it('retries a failed re-read with backoff, reports it, and delivers once it succeeds', async () => {
    await startAndSettle('c1')
    // The parked long polls were let in already; only the re-read after the change fails.
    consul.failNext({ count: 2, pathPrefix: '/v1/kv/am/templates/' })
    const seen = recorder.events.length
    await kvPut(consul, 'am/config', 'c2')
    const doc = await recorder.document(seen)
    assert.equal(doc.text, 'c2')
    const after = recorder.events.slice(seen)
    assert.deepEqual(
      after.map((e) => e.kind),
      ['error', 'error', 'recovered', 'document']
    )
    const errors = after.flatMap((e) => (e.kind === 'error' ? [e] : []))
    for (const e of errors) {
      assert.match(
        e.message,
        /Consul answered GET \/v1\/kv\/am\/templates\/.* with 500 No cluster leader/
      )
    }
    const delays = errors.map((e) => e.retryInMs)
    // From 200 ms, doubling, each with ±50 % jitter.
    assert.ok(delays[0]! >= 100 && delays[0]! <= 300, `first retry after ${delays[0]} ms`)
    assert.ok(delays[1]! >= 200 && delays[1]! <= 600, `second retry after ${delays[1]} ms`)
  })

  it('does not deliver when the config is put again with identical bytes', async () => {
    await kvPut(consul, 'am/config', 'same text')
    watch.start()
    await recorder.document(0)
    await idle()
    const configLongPolls = (): number =>
      consul.requests({ blocking: true }).filter(isConfigRead).length
    const before = configLongPolls()
    // Consul skips a write of identical bytes and flags; new flags give the same bytes a new
    // ModifyIndex.
    const res = await fetch(`${consul.url}/v1/kv/am/config?flags=7`, {
      method: 'PUT',
      body: 'same text',
    })
    assert.equal(await res.text(), 'true')
    // The config loop wakes and re-reads (new ModifyIndex, same bytes) ...
    await waitFor(
      'the config loop to poll again',
      () => consul.pendingBlockingQueries === 2 && configLongPolls() === before + 1,
      { intervalMs: 5 }
    )
    // ... and a later real change is the next thing delivered.
    const seen = recorder.events.length
    await kvPut(consul, 'am/config', 'new text')
    const doc = await recorder.document(seen)
    assert.equal(doc.text, 'new text')
    assert.equal(recorder.count('document'), 2)
  })

  it('reports a missing config once, and delivers when it appears again', async () => {
    watch.start()
    await recorder.next('missing', 0)
    await idle()
    let seen = recorder.events.length
    await kvPut(consul, 'am/config', 'c1')
    assert.equal((await recorder.document(seen)).text, 'c1')
    await idle()
    seen = recorder.events.length
    await kvDelete(consul, 'am/config')
    await recorder.next('missing', seen)
    await idle()
    // Recreated with the same text: after a missing config, it is news again.
    seen = recorder.events.length
    await kvPut(consul, 'am/config', 'c1')
    assert.equal((await recorder.document(seen)).text, 'c1')
    assert.deepEqual(
      recorder.events.map((e) => e.kind),
      ['missing', 'document', 'missing', 'document']
    )
  })

  it('reports errors with the retry delay and recovers', async () => {
    await kvPut(consul, 'am/config', 'c1')
    // Two config reads answered 500 'No cluster leader', the default failure.
    consul.failNext({ count: 2, pathPrefix: '/v1/kv/am/config' })
    watch.start()
    const doc = await recorder.document(0)
    assert.equal(doc.text, 'c1')
    const errors = recorder.events.filter((e) => e.kind === 'error')
    assert.equal(errors.length, 2)
    for (const e of errors) {
      assert.match(e.message, /Consul answered GET \/v1\/kv\/am\/config with 500 No cluster leader/)
      assert.ok(e.retryInMs > 0)
    }
    assert.deepEqual(
      recorder.events.map((e) => e.kind),
      ['error', 'error', 'recovered', 'document']
    )
  })

  it(
    'after a failed re-read, reads again at once when a loop answers, not after the backoff',
    { timeout: 20_000 },
    async () => {
      watch = recordedWatch({ initialMs: 60_000 })
      await startAndSettle('c1')
      consul.failNext({ count: 1, pathPrefix: '/v1/kv/am/templates/' })
      const seen = recorder.events.length
      await kvPut(consul, 'am/config', 'c2')
      const failed = await recorder.next('error', seen)
      assert.equal(failed.kind, 'error')
      // The next try is 30-90 s away ...
      assert.ok(failed.retryInMs >= 30_000, `retry in ${failed.retryInMs} ms`)
      // ... but the next change shows Consul answers, and is read at once.
      await kvPut(consul, 'am/config', 'c3')
      assert.equal((await recorder.document(seen)).text, 'c3')
      assert.deepEqual(
        recorder.events.slice(seen).map((e) => e.kind),
        ['error', 'recovered', 'document']
      )
    }
  )

  it('stops both loops, delivers nothing afterwards, and cannot be restarted', async () => {
    await startAndSettle('c1')
    const abortedBefore = aborted()
    await watch.stop()
    await waitFor('both polls to be dropped', () => aborted() === abortedBefore + 2)
    await kvPut(consul, 'am/config', 'c2')
    assert.equal(recorder.count('document'), 1)
    await watch.stop()
    assert.throws(() => {
      watch.start()
    }, ClosedError)
  })

  it('rejects a prefix with a trailing slash', () => {
    assert.throws(
      () =>
        new ConsulConfigWatch({
          client,
          prefix: 'am/',
          onDocument: () => undefined,
          onMissing: () => undefined,
          onError: () => undefined,
        }),
      InvalidArgumentError
    )
  })
})

describe('fetchConfigDocument', () => {
  let consul: ConsulStandin
  let client: ConsulClient

  withConsulStandin((c, cl) => {
    consul = c
    client = cl
  })

  it('reads the config and its templates once, without blocking', async () => {
    assert.equal(await fetchConfigDocument(client, 'app'), undefined)
    await kvPut(consul, 'app/config', 'global: {}\n')
    const modify = BigInt(consul.kvSnapshot()['app/config']?.modifyIndex ?? 0)
    await kvPut(consul, 'app/templates/x/nested.tmpl', 'N')
    await kvPut(consul, 'app/status/n1', '{}')
    const doc = await fetchConfigDocument(client, 'app')
    assert.deepEqual(doc, {
      text: 'global: {}\n',
      templates: new Map([['x/nested.tmpl', 'N']]),
      index: modify,
    })
    assert.ok(modify > 0n)
    assert.ok(consul.requests().every((r) => r.query['index'] === undefined))
  })
})
