import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { compareAlerts, compareLabelSets, labelSetBefore } from '#src/alerts/index.js'
import type { Alert } from '#src/alerts/index.js'
import type { LabelSet } from '#src/labels/index.js'

import { testAlert } from '../../support/fixtures.js'

function alert(labels: LabelSet): Alert {
  return testAlert({ labels })
}

describe('labelSetBefore', () => {
  // prometheus/common model.LabelSet.Before.
  const cases: { name: string; a: LabelSet; b: LabelSet; want: boolean }[] = [
    // Fewer labels sort first, whatever the values.
    { name: 'fewer labels', a: { z: 'z' }, b: { a: 'a', b: 'b' }, want: true },
    // More labels sort last.
    { name: 'more labels', a: { a: 'a', b: 'b' }, b: { z: 'z' }, want: false },
    // Same names: the first differing value in name order decides.
    { name: 'smaller value', a: { a: '1', b: '9' }, b: { a: '2', b: '0' }, want: true },
    // Same names, larger first differing value.
    { name: 'larger value', a: { a: '2', b: '0' }, b: { a: '1', b: '9' }, want: false },
    // Equal sets are not before each other.
    { name: 'equal sets', a: { a: '1' }, b: { a: '1' }, want: false },
    // Same size, different names: the set missing the smallest name sorts first.
    { name: 'missing the smallest name', a: { b: '1' }, b: { a: '1' }, want: true },
    // ... and the one having it sorts last.
    { name: 'having the smallest name', a: { a: '1' }, b: { b: '1' }, want: false },
    // Values compare as strings, not numbers.
    { name: 'string comparison', a: { a: '10' }, b: { a: '9' }, want: true },
    // Empty sets are equal.
    { name: 'two empty sets', a: {}, b: {}, want: false },
    // Values compare as Go does, by UTF-8 bytes: U+FFFF sorts before an astral character,
    // although its UTF-16 unit is larger than a surrogate.
    { name: 'BMP private use before astral', a: { a: 'x\uffff' }, b: { a: 'x😀' }, want: true },
  ]
  for (const c of cases) {
    it(`orders label sets like LabelSet.Before: ${c.name}`, () => {
      assert.equal(labelSetBefore(c.a, c.b), c.want)
    })
  }

  it('gives a consistent comparator for sort', () => {
    const sets: LabelSet[] = [{ b: '2', a: '1' }, { a: '1' }, { a: '0', b: '9' }, {}, { a: '1' }]
    assert.deepEqual([...sets].sort(compareLabelSets), [
      {},
      { a: '1' },
      { a: '1' },
      { a: '0', b: '9' },
      { b: '2', a: '1' },
    ])
    assert.equal(compareLabelSets({ a: '1' }, { a: '1' }), 0)
  })
})

describe('compareAlerts', () => {
  // Alertmanager's types.AlertSlice.Less: job, then instance, then the label set.
  const cases: { name: string; a: LabelSet; b: LabelSet; want: -1 | 0 | 1 }[] = [
    // An alert with a job sorts before one without, even with fewer labels on the other.
    { name: 'job present first', a: { job: 'z', x: '1', y: '2' }, b: { a: '1' }, want: -1 },
    // Lacking job sorts after.
    { name: 'job absent last', a: { a: '1' }, b: { job: 'a' }, want: 1 },
    // Both have job: compared as strings.
    { name: 'job values', a: { job: 'api' }, b: { job: 'db' }, want: -1 },
    // Same job: instance decides, present before absent.
    {
      name: 'instance present first',
      a: { job: 'j', instance: 'z' },
      b: { job: 'j', a: 'a' },
      want: -1,
    },
    // Same job: instance values compared.
    {
      name: 'instance values',
      a: { job: 'j', instance: 'b:1' },
      b: { job: 'j', instance: 'a:1' },
      want: 1,
    },
    // Neither has job: instance alone decides.
    { name: 'instance without job', a: { instance: 'a' }, b: { instance: 'b' }, want: -1 },
    // Job and instance equal: fall back to the label set (fewer labels first).
    {
      name: 'label set fallback',
      a: { job: 'j', instance: 'i', z: '1' },
      b: { job: 'j', instance: 'i' },
      want: 1,
    },
    // Neither has job nor instance: label set order.
    { name: 'plain label sets', a: { alertname: 'A' }, b: { alertname: 'B' }, want: -1 },
    // Identical labels compare equal.
    { name: 'identical', a: { job: 'j' }, b: { job: 'j' }, want: 0 },
    // Job values compare by UTF-8 bytes too.
    { name: 'job by UTF-8 bytes', a: { job: '\uffff' }, b: { job: '😀' }, want: -1 },
  ]
  for (const c of cases) {
    it(`sorts alerts by job, instance, then labels: ${c.name}`, () => {
      assert.equal(Math.sign(compareAlerts(alert(c.a), alert(c.b))), c.want)
      assert.equal(Math.sign(compareAlerts(alert(c.b), alert(c.a))), -c.want || 0)
    })
  }
})
