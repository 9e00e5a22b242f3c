/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { ConsulConfigWatch, fetchConfigDocument } from '../../../src/consul/index.js'
import type { KvConfigDocument, ConsulClient } from '../../../src/consul/index.js'
import { ClosedError, InvalidArgumentError } from '../../../src/util/index.js'

import { withFakeConsul } from './fake-consul.js'
import type { FakeConsul, Recorded } from './fake-consul.js'

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
const isConfigRead = (r: Recorded): boolean => r.method === 'GET' && r.key === 'am/config'
const isTemplatesRead = (r: Recorded): boolean => r.method === 'GET' && r.key === 'am/templates/'

describe('ConsulConfigWatch', () => {
  let fake: FakeConsul
  let client: ConsulClient
  let recorder: Recorder
  let watch: ConsulConfigWatch

  withFakeConsul((f, c) => {
    fake = f
    client = c
  })
  beforeEach(() => {
    for (const key of [
      'am/config',
      'am/templates/',
      'am/templates/a.tmpl',
      'am/templates/b.tmpl',
    ]) {
      fake.delete(key)
    }
    fake.script = undefined
    recorder = new Recorder()
    watch = new ConsulConfigWatch({
      client,
      prefix: PREFIX,
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
  })
  afterEach(async () => {
    await watch.stop()
    fake.script = undefined
  })

  /** idle resolves once both loops are parked in a long poll. */
  const idle = (): Promise<void> => fake.until('both long polls', () => fake.waiting === 2)

  it('delivers the first document only after both the config and the templates are read', async () => {
    fake.put('am/config', 'route:\n  receiver: ünïcode\n')
    fake.put('am/templates/b.tmpl', '{{ define "b" }}B{{ end }}')
    fake.put('am/templates/a.tmpl', '{{ define "a" }}A{{ end }}')
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      // Hold the first templates read until the config read has been answered.
      fake.script = (r, _res, proceed) => {
        if (!isTemplatesRead(r)) {
          return false
        }
        fake.script = undefined
        release = proceed
        resolve()
        return true
      }
    })
    watch.start()
    await held
    await fake.until('the config long poll', () => fake.waiting === 1)
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
    fake.put('am/config', 'c1')
    fake.put('am/templates/', '') // a folder marker, as the Consul UI creates
    watch.start()
    const first = await recorder.document(0)
    assert.deepEqual([...first.templates], [])
    await idle()
    const seen = recorder.events.length
    fake.put('am/templates/a.tmpl', 'A1')
    const second = await recorder.document(seen)
    assert.equal(second.text, 'c1')
    assert.deepEqual([...second.templates], [['a.tmpl', 'A1']])
    assert.equal(second.index, first.index)
  })

  it('is not woken by writes to <prefix>/status/', async () => {
    fake.put('am/config', 'c1')
    watch.start()
    await recorder.document(0)
    await idle()
    const before = fake.requests.length
    for (let i = 0; i < 5; i++) {
      fake.put(`am/status/node-${i}`, `{"n":${i}}`)
    }
    // A template write afterwards proves the watch is alive; only its loop may have re-read.
    const seen = recorder.events.length
    fake.put('am/templates/a.tmpl', 'A')
    await recorder.document(seen)
    await idle()
    const since = fake.requests.slice(before)
    assert.equal(since.filter(isConfigRead).length, 0)
    assert.equal(since.filter(isTemplatesRead).length, 1)
    assert.equal(recorder.count('document'), 2)
  })

  it('does not deliver when the config is put again with identical bytes', async () => {
    fake.put('am/config', 'same text')
    watch.start()
    await recorder.document(0)
    await idle()
    const before = fake.requests.filter(isConfigRead).length
    fake.put('am/config', 'same text')
    // The config loop wakes and re-reads (new ModifyIndex, same bytes) ...
    await fake.until(
      'the config loop to poll again',
      () => fake.waiting === 2 && fake.requests.filter(isConfigRead).length === before + 1
    )
    // ... and a later real change is the next thing delivered.
    const seen = recorder.events.length
    fake.put('am/config', 'new text')
    const doc = await recorder.document(seen)
    assert.equal(doc.text, 'new text')
    assert.equal(recorder.count('document'), 2)
  })

  it('reports a missing config once, and delivers when it appears again', async () => {
    watch.start()
    await recorder.next('missing', 0)
    await idle()
    let seen = recorder.events.length
    fake.put('am/config', 'c1')
    assert.equal((await recorder.document(seen)).text, 'c1')
    await idle()
    seen = recorder.events.length
    fake.delete('am/config')
    await recorder.next('missing', seen)
    await idle()
    // Recreated with the same text: after a missing config, it is news again.
    seen = recorder.events.length
    fake.put('am/config', 'c1')
    assert.equal((await recorder.document(seen)).text, 'c1')
    assert.deepEqual(
      recorder.events.map((e) => e.kind),
      ['missing', 'document', 'missing', 'document']
    )
  })

  it('reports errors with the retry delay and recovers', async () => {
    fake.put('am/config', 'c1')
    let failures = 2
    fake.script = (r, res) => {
      if (!isConfigRead(r) || failures === 0) {
        return false
      }
      failures--
      res.writeHead(500, { 'content-type': 'text/plain' }).end('No cluster leader')
      return true
    }
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

  it('stops both loops, delivers nothing afterwards, and cannot be restarted', async () => {
    fake.put('am/config', 'c1')
    watch.start()
    await recorder.document(0)
    await idle()
    const abortedBefore = fake.aborted
    await watch.stop()
    await fake.until('both polls to be dropped', () => fake.aborted === abortedBefore + 2)
    fake.put('am/config', 'c2')
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
  let fake: FakeConsul
  let client: ConsulClient

  withFakeConsul((f, c) => {
    fake = f
    client = c
  })

  it('reads the config and its templates once, without blocking', async () => {
    assert.equal(await fetchConfigDocument(client, 'app'), undefined)
    const modify = fake.put('app/config', 'global: {}\n')
    fake.put('app/templates/x/nested.tmpl', 'N')
    fake.put('app/status/n1', '{}')
    const doc = await fetchConfigDocument(client, 'app')
    assert.deepEqual(doc, {
      text: 'global: {}\n',
      templates: new Map([['x/nested.tmpl', 'N']]),
      index: modify,
    })
    assert.ok(fake.requests.every((r) => !r.query.has('index')))
  })
})
