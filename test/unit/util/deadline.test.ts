import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { Deadline } from '#src/util/index.js'

function aborted(signal: AbortSignal, withinMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      reject(new Error(`signal did not abort within ${withinMs} ms`))
    }, withinMs)
    signal.addEventListener('abort', () => {
      clearTimeout(guard)
      resolve(signal.reason)
    })
  })
}

describe('Deadline', () => {
  it('aborts with a TimeoutError at its limit and says it timed out', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const deadline = new Deadline(1000)
    t.mock.timers.tick(999)
    assert.equal(deadline.signal.aborted, false)
    t.mock.timers.tick(1)
    assert.equal(deadline.signal.aborted, true)
    assert.ok(deadline.signal.reason instanceof DOMException)
    assert.equal(deadline.signal.reason.name, 'TimeoutError')
    assert.equal(deadline.timedOut, true)
  })

  it("aborts with a parent's reason as soon as the parent aborts, and not again later", (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const parent = new AbortController()
    const deadline = new Deadline(1000, [new AbortController().signal, parent.signal])
    const reason = new Error('shutdown')
    parent.abort(reason)
    assert.equal(deadline.signal.reason, reason)
    assert.equal(deadline.timedOut, false)
    t.mock.timers.tick(1000)
    assert.equal(deadline.signal.reason, reason)
  })

  it('aborts at once with the reason abort() gives, and neither the timer nor a parent fires it again', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const parent = new AbortController()
    const deadline = new Deadline(1000, [parent.signal])
    const reason = new Error('group stopped')
    deadline.abort(reason)
    assert.equal(deadline.signal.aborted, true)
    assert.equal(deadline.signal.reason, reason)
    assert.equal(deadline.timedOut, false)
    deadline.abort(new Error('again'))
    parent.abort(new Error('late parent'))
    t.mock.timers.tick(2000)
    assert.equal(deadline.signal.reason, reason)
  })

  it('starts aborted when a parent already was', () => {
    const reason = new Error('gone')
    const deadline = new Deadline(60_000, [AbortSignal.abort(reason)])
    assert.equal(deadline.signal.aborted, true)
    assert.equal(deadline.signal.reason, reason)
    deadline.clear()
  })

  it('never fires once cleared, and lets go of its parents', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const parent = new AbortController()
    const deadline = new Deadline(1000, [parent.signal])
    deadline.clear()
    deadline.clear()
    t.mock.timers.tick(2000)
    parent.abort(new Error('late'))
    assert.equal(deadline.signal.aborted, false)
  })

  it('fires at once for a zero, negative or NaN limit', async () => {
    for (const limit of [0, -5, Number.NaN]) {
      const deadline = new Deadline(limit)
      await aborted(deadline.signal, 1000)
      assert.equal(deadline.timedOut, true, String(limit))
    }
  })

  // nodejs/node#57736: AbortSignal.any([x, AbortSignal.timeout(ms)]) may never fire once the
  // timeout signal was collected. Only the combined signal is kept here, as a flush keeps it in
  // its context, and the heap is collected while the deadline runs.
  it('fires after garbage collections when only its signal is referenced', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const signals = Array.from(
      { length: 50 },
      () => new Deadline(200, [new AbortController().signal]).signal
    )
    for (let i = 0; i < 5; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(signals.map((s) => aborted(s, 5000)))
  })
})
