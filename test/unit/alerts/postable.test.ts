import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { prepareAlert } from '#src/alerts/index.js'
import type { PostableAlert } from '#src/alerts/index.js'
import { fingerprint } from '#src/labels/index.js'

const NOW = Date.UTC(2024, 0, 1, 12)
const RESOLVE_TIMEOUT = 5 * 60_000
const MIN = 60_000

function posted(overrides: Partial<PostableAlert> = {}): PostableAlert {
  return {
    labels: { alertname: 'A' },
    annotations: {},
    startsAt: 0,
    endsAt: 0,
    generatorURL: '',
    ...overrides,
  }
}

/** prepared returns the alert, failing the test on a validation error. */
function prepared(input: PostableAlert) {
  const result = prepareAlert(input, NOW, RESOLVE_TIMEOUT)
  assert.equal(result.error, undefined)
  assert.ok(result.alert)
  return result.alert
}

describe('prepareAlert defaults', () => {
  const cases: {
    name: string
    startsAt: number
    endsAt: number
    want: { startsAt: number; endsAt: number; timeout: boolean }
  }[] = [
    // Neither time given: starts now, ends after resolve_timeout, flagged as timeout.
    {
      name: 'no times',
      startsAt: 0,
      endsAt: 0,
      want: { startsAt: NOW, endsAt: NOW + RESOLVE_TIMEOUT, timeout: true },
    },
    // Only the end given: the start becomes the end (a resolve-only post); not a timeout.
    {
      name: 'only endsAt',
      startsAt: 0,
      endsAt: NOW - MIN,
      want: { startsAt: NOW - MIN, endsAt: NOW - MIN, timeout: false },
    },
    // Only the start given: the end is synthesised from resolve_timeout.
    {
      name: 'only startsAt',
      startsAt: NOW - MIN,
      endsAt: 0,
      want: { startsAt: NOW - MIN, endsAt: NOW + RESOLVE_TIMEOUT, timeout: true },
    },
    // Both given: kept as they are.
    {
      name: 'both times',
      startsAt: NOW - MIN,
      endsAt: NOW + MIN,
      want: { startsAt: NOW - MIN, endsAt: NOW + MIN, timeout: false },
    },
    // A start in the future is kept; the synthesised end counts from now, not from the start.
    {
      name: 'future start, no end',
      startsAt: NOW + MIN,
      endsAt: 0,
      want: { startsAt: NOW + MIN, endsAt: NOW + RESOLVE_TIMEOUT, timeout: true },
    },
  ]
  for (const c of cases) {
    it(`fills in times as Alertmanager does: ${c.name}`, () => {
      const alert = prepared(posted({ startsAt: c.startsAt, endsAt: c.endsAt }))
      assert.deepEqual(
        { startsAt: alert.startsAt, endsAt: alert.endsAt, timeout: alert.timeout },
        c.want
      )
    })
  }

  it('sets updatedAt to the request instant and computes the fingerprint', () => {
    const alert = prepared(
      posted({ labels: { alertname: 'A', team: 'db' }, generatorURL: 'http://gen' })
    )
    assert.equal(alert.updatedAt, NOW)
    assert.equal(alert.fingerprint, '7c645696d60f2876')
    assert.equal(alert.generatorURL, 'http://gen')
  })

  it('drops labels with empty values, without touching the posted object', () => {
    const labels = { alertname: 'A', empty: '', team: 'db' }
    const alert = prepared(posted({ labels }))
    assert.deepEqual(alert.labels, { alertname: 'A', team: 'db' })
    assert.equal(alert.fingerprint, fingerprint({ alertname: 'A', team: 'db' }))
    assert.deepEqual(labels, { alertname: 'A', empty: '', team: 'db' })
  })

  it('keeps annotations with empty values', () => {
    const alert = prepared(posted({ annotations: { summary: '' } }))
    assert.deepEqual(alert.annotations, { summary: '' })
  })

  it('accepts an alert that starts and ends at the same instant', () => {
    const alert = prepared(posted({ startsAt: NOW, endsAt: NOW }))
    assert.equal(alert.endsAt, NOW)
  })
})

describe('prepareAlert validation', () => {
  const cases: { name: string; input: PostableAlert; error: string | RegExp }[] = [
    // End before start.
    {
      name: 'end before start',
      input: posted({ startsAt: NOW, endsAt: NOW - 1 }),
      error: 'start time must be before end time',
    },
    // The time check comes before the label checks, as in model.Alert.Validate.
    {
      name: 'end before start and bad labels',
      input: posted({ labels: {}, startsAt: NOW, endsAt: NOW - 1 }),
      error: 'start time must be before end time',
    },
    // Label names must match [a-zA-Z_][a-zA-Z0-9_]*; the name is Go-quoted.
    {
      name: 'invalid label name',
      input: posted({ labels: { 'foo-bar': 'x' } }),
      error: 'invalid label set: invalid name "foo-bar"',
    },
    // A leading digit is invalid too.
    {
      name: 'label name with a leading digit',
      input: posted({ labels: { alertname: 'A', '1x': 'y' } }),
      error: 'invalid label set: invalid name "1x"',
    },
    // Values must be valid UTF-8 (a lone surrogate is not).
    {
      name: 'ill-formed label value',
      input: posted({ labels: { alertname: '\ud800' } }),
      error: /^invalid label set: invalid value "/,
    },
    // No labels at all.
    { name: 'no labels', input: posted({ labels: {} }), error: 'at least one label pair required' },
    // Only empty values: all dropped, so none remain.
    {
      name: 'only empty label values',
      input: posted({ labels: { alertname: '', team: '' } }),
      error: 'at least one label pair required',
    },
    // Annotation names follow the label name rules.
    {
      name: 'invalid annotation name',
      input: posted({ annotations: { 'a.b': 'x' } }),
      error: 'invalid annotations: invalid name "a.b"',
    },
  ]
  for (const c of cases) {
    it(`refuses ${c.name} with Alertmanager's message`, () => {
      const result = prepareAlert(c.input, NOW, RESOLVE_TIMEOUT)
      assert.equal(result.alert, undefined)
      if (typeof c.error === 'string') {
        assert.equal(result.error, c.error)
      } else {
        assert.match(result.error, c.error)
      }
    })
  }
})
