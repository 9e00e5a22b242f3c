import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import xxhash from 'xxhash-wasm'

import { fingerprint, initHashing, labelsHash } from '#src/labels/fingerprint.js'
import type { LabelSet } from '#src/labels/index.js'

import { loadGoOracle, loadGolden } from './golden.js'

/** hashInput builds Go's byte layout independently: sorted names; name, 0xFF, value, 0xFF. */
function hashInput(labels: LabelSet): Uint8Array {
  const enc = new TextEncoder()
  const bytes: number[] = []
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(enc.encode(a), enc.encode(b)))
  for (const name of names) {
    bytes.push(...enc.encode(name), 0xff, ...enc.encode(labels[name] ?? ''), 0xff)
  }
  return Uint8Array.from(bytes)
}

/** fnv1a64 is a slow BigInt reference implementation. */
function fnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n
  for (const b of bytes) {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h.toString(16).padStart(16, '0')
}

describe('labelsHash before initHashing', () => {
  it('throws, because the WASM module is not loaded yet', () => {
    assert.throws(() => labelsHash({ a: 'b' }), /before initHashing/)
  })
})

describe('fingerprint', () => {
  it('computes FNV-1a 64 over sorted name/value pairs as %016x', () => {
    const cases: [LabelSet, string][] = [
      // Empty set: the FNV offset basis.
      [{}, 'cbf29ce484222325'],
      // One label (value from Go's model.LabelSet.Fingerprint).
      [{ a: 'b' }, 'd2b371819297f98a'],
      // Value returned by the real Alertmanager 0.25.
      [{ alertname: 'A', team: 'db' }, '7c645696d60f2876'],
      // Leading zero digits are kept (real Alertmanager 0.25 value).
      [{ alertname: 'Legacy', sev: 'crit', svc: 'API-gateway' }, '0719d00e6195c16c'],
    ]
    for (const [labels, want] of cases) {
      assert.equal(fingerprint(labels), want, JSON.stringify(labels))
      assert.equal(fnv1a64(hashInput(labels)), want, JSON.stringify(labels))
    }
  })

  it('does not depend on insertion order', () => {
    assert.equal(fingerprint({ b: '2', a: '1', c: '3' }), fingerprint({ c: '3', a: '1', b: '2' }))
  })

  it('matches a BigInt reference for unicode, lone surrogates and long values', () => {
    const cases: LabelSet[] = [
      // Two- and three-byte UTF-8.
      { a: 'é中' },
      // Four-byte UTF-8.
      { emoji: '😀🫠' },
      // A lone surrogate is hashed as U+FFFD, as Go sees it after JSON decoding.
      { lone: 'x\ud800y' },
      // Longer than the initial 1 KiB buffer.
      { long: 'x'.repeat(5000), uni: 'é😀'.repeat(700) },
      // Non-ASCII names sort by bytes: U+FFFF before an astral code point.
      { '\uffff': '1', '😀': '2', é: '3', z: '4' },
    ]
    for (const labels of cases) {
      assert.equal(fingerprint(labels), fnv1a64(hashInput(labels)), JSON.stringify(labels))
    }
  })

  it('equals the fingerprint the real Alertmanager 0.25 returned for each posted alert', () => {
    for (const { posted, labels, fingerprint: want } of loadGolden().alerts) {
      assert.equal(fingerprint(labels), want, JSON.stringify(labels))
      // The API drops empty values before hashing; lone surrogates arrive as U+FFFD.
      const nonEmpty = Object.fromEntries(Object.entries(posted).filter(([, v]) => v !== ''))
      assert.equal(fingerprint(nonEmpty), want, JSON.stringify(posted))
    }
  })

  it('agrees with prometheus/common model.LabelSet.Fingerprint on the oracle corpus', () => {
    for (const { labels, fingerprint: want } of loadGoOracle().labelSets) {
      assert.equal(fingerprint(labels), want, JSON.stringify(labels))
    }
  })
})

describe('labelsHash', () => {
  it('initHashing returns one shared promise', async () => {
    const first = initHashing()
    assert.equal(initHashing(), first)
    await first
  })

  it('computes xxHash64 (seed 0) over the fingerprint byte layout', async () => {
    await initHashing()
    const api = await xxhash()
    const cases: [LabelSet, bigint | undefined][] = [
      // Empty input: the published XXH64 test vector.
      [{}, 0xef46db3751d8e999n],
      // One label, value from Go's cespare/xxhash.
      [{ a: 'b' }, 6955969838111864200n],
      // Unicode and a lone surrogate, checked against h64Raw on independently built bytes.
      [{ q: 'v"é\\\n\t', lone: '\ud800' }, undefined],
      // Long values.
      [{ long: 'y'.repeat(4000) }, undefined],
    ]
    for (const [labels, want] of cases) {
      const got = labelsHash(labels)
      assert.equal(got, api.h64Raw(hashInput(labels)), JSON.stringify(labels))
      if (want !== undefined) {
        assert.equal(got, want, JSON.stringify(labels))
      }
    }
  })

  it("agrees with 0.25's notify.hashAlert (cespare/xxhash) on the oracle corpus", async () => {
    await initHashing()
    for (const { labels, xxhash: want } of loadGoOracle().labelSets) {
      assert.equal(labelsHash(labels).toString(), want, JSON.stringify(labels))
    }
  })
})
