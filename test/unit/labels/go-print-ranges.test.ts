import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { GO_PRINT_RANGES } from '#src/labels/go-print-ranges.js'

describe('GO_PRINT_RANGES', () => {
  it('is a sorted list of disjoint [first, last] pairs above ASCII', () => {
    assert.equal(GO_PRINT_RANGES.length % 2, 0)
    let previousLast = 0x7f
    for (let i = 0; i < GO_PRINT_RANGES.length; i += 2) {
      const first = GO_PRINT_RANGES[i] ?? -1
      const last = GO_PRINT_RANGES[i + 1] ?? -1
      assert.ok(first > previousLast + 1, `range ${i / 2} must start after a gap`)
      assert.ok(last >= first, `range ${i / 2} must not be empty`)
      previousLast = last
    }
    assert.ok(previousLast <= 0x10ffff)
  })

  it('holds well-known boundaries of Go 1.19 (Unicode 13)', () => {
    const cases: [number, number][] = [
      // First pair: U+00A1..U+00AC (U+00A0 NBSP and U+00AD soft hyphen excluded).
      [0xa1, 0xac],
      // Second pair starts after the soft hyphen.
      [0xae, 0x377],
    ]
    for (const [i, [first, last]] of cases.entries()) {
      assert.equal(GO_PRINT_RANGES[2 * i], first)
      assert.equal(GO_PRINT_RANGES[2 * i + 1], last)
    }
  })
})
