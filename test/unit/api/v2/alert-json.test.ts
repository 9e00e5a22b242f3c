import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import {
  ACTIVE_STATUS,
  gettableAlertJson,
  receiversJson,
  statusJson,
} from '#src/api/v2/alert-json.js'
import type { AlertStatus } from '#src/api/v2/alert-json.js'
import { fingerprint } from '#src/labels/index.js'

// An alert posted to Alertmanager 0.25 with characters its JSON encoder escapes; the expected
// text is what its GET /api/v2/alerts returned for it (updatedAt aside).
const TRICKY_LABELS = { alertname: 'X<y>&z', b: 'é\u2028"\\\n\t\u0001😀' }
const TRICKY: Alert = {
  labels: TRICKY_LABELS,
  annotations: { s: '<b>' },
  startsAt: Date.UTC(2024, 0, 1, 0, 0, 0, 123),
  endsAt: Date.UTC(2099, 0, 1),
  generatorURL: 'http://gen/?a=1&b=<2>',
  updatedAt: Date.UTC(2026, 10, 24, 7, 34, 4, 834),
  timeout: false,
  fingerprint: fingerprint(TRICKY_LABELS),
}
const TRICKY_JSON =
  '{"annotations":{"s":"\\u003cb\\u003e"},"endsAt":"2099-01-01T00:00:00.000Z","fingerprint":"ba76f0468455dd04",' +
  '"receivers":[{"name":"r"}],"startsAt":"2024-01-01T00:00:00.123Z",' +
  '"status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-24T07:34:04.834Z",' +
  '"generatorURL":"http://gen/?a=1\\u0026b=\\u003c2\\u003e",' +
  '"labels":{"alertname":"X\\u003cy\\u003e\\u0026z","b":"é\\u2028\\"\\\\\\n\\t\\u0001😀"}}'

describe('gettableAlertJson', () => {
  it("renders an alert byte for byte as Alertmanager 0.25's API does", () => {
    assert.equal(TRICKY.fingerprint, 'ba76f0468455dd04')
    assert.equal(
      gettableAlertJson(TRICKY, receiversJson(['r']), statusJson(ACTIVE_STATUS)),
      TRICKY_JSON
    )
  })

  it('omits generatorURL when it is empty, keeping the other keys in order', () => {
    const plain: Alert = {
      ...TRICKY,
      labels: { a: 'b' },
      annotations: {},
      generatorURL: '',
      fingerprint: 'd2b371819297f98a',
    }
    const text = gettableAlertJson(plain, receiversJson([]), statusJson(ACTIVE_STATUS))
    assert.equal(
      text,
      '{"annotations":{},"endsAt":"2099-01-01T00:00:00.000Z","fingerprint":"d2b371819297f98a","receivers":[],' +
        '"startsAt":"2024-01-01T00:00:00.123Z","status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},' +
        '"updatedAt":"2026-11-24T07:34:04.834Z","labels":{"a":"b"}}'
    )
    assert.deepEqual(Object.keys(JSON.parse(text) as object), [
      'annotations',
      'endsAt',
      'fingerprint',
      'receivers',
      'startsAt',
      'status',
      'updatedAt',
      'labels',
    ])
  })

  it('sorts label and annotation keys as Go does (by UTF-8 bytes)', () => {
    const alert: Alert = {
      ...TRICKY,
      labels: { b: '1', a: '2', _x: '3' },
      annotations: { z: '', y: '' },
      generatorURL: '',
    }
    const parsed = JSON.parse(gettableAlertJson(alert, '[]', statusJson(ACTIVE_STATUS))) as {
      labels: object
      annotations: object
    }
    assert.deepEqual(Object.keys(parsed.labels), ['_x', 'a', 'b'])
    assert.deepEqual(Object.keys(parsed.annotations), ['y', 'z'])
  })
})

describe('statusJson', () => {
  const cases: { name: string; status: AlertStatus; want: string }[] = [
    // The shared active status.
    {
      name: 'active',
      status: ACTIVE_STATUS,
      want: '{"inhibitedBy":[],"silencedBy":[],"state":"active"}',
    },
    // An equal but distinct object renders the same.
    {
      name: 'active (a copy)',
      status: { state: 'active', silencedBy: [], inhibitedBy: [] },
      want: '{"inhibitedBy":[],"silencedBy":[],"state":"active"}',
    },
    // Suppressed with both lists filled, in go-swagger's alphabetical key order.
    {
      name: 'suppressed',
      status: {
        state: 'suppressed',
        silencedBy: [
          '5d4c4b2c-0000-4000-8000-000000000001',
          '5d4c4b2c-0000-4000-8000-000000000002',
        ],
        inhibitedBy: ['0719d00e6195c16c'],
      },
      want:
        '{"inhibitedBy":["0719d00e6195c16c"],' +
        '"silencedBy":["5d4c4b2c-0000-4000-8000-000000000001","5d4c4b2c-0000-4000-8000-000000000002"],' +
        '"state":"suppressed"}',
    },
    // Never evaluated.
    {
      name: 'unprocessed',
      status: { state: 'unprocessed', silencedBy: [], inhibitedBy: [] },
      want: '{"inhibitedBy":[],"silencedBy":[],"state":"unprocessed"}',
    },
  ]
  for (const c of cases) {
    it(`renders the ${c.name} status with empty lists as []`, () => {
      assert.equal(statusJson(c.status), c.want)
    })
  }
})

describe('receiversJson', () => {
  const cases: { name: string; receivers: string[]; want: string }[] = [
    // No receiver: an empty list.
    { name: 'none', receivers: [], want: '[]' },
    // Several, in the given order (repeats kept).
    {
      name: 'several',
      receivers: ['db', 'pager', 'db'],
      want: '[{"name":"db"},{"name":"pager"},{"name":"db"}]',
    },
    // Names are escaped as Go does.
    {
      name: 'an HTML-ish name',
      receivers: ['a&b<c>"'],
      want: '[{"name":"a\\u0026b\\u003cc\\u003e\\""}]',
    },
  ]
  for (const c of cases) {
    it(`renders ${c.name} as [{"name":…}]`, () => {
      assert.equal(receiversJson(c.receivers), c.want)
    })
  }
})
