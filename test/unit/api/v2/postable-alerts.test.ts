import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { OpenApiError } from '#src/api/errors.js'
import { parsePostableAlerts } from '#src/api/v2/postable-alerts.js'

const PREFIX = 'parsing alerts body from "" failed, because '
// Go's name for the anonymous struct models.PostableAlert decodes its own fields into.
const POSTABLE_STRUCT =
  'struct { Annotations models.LabelSet "json:\\"annotations,omitempty\\""; ' +
  'EndsAt strfmt.DateTime "json:\\"endsAt,omitempty\\""; StartsAt strfmt.DateTime "json:\\"startsAt,omitempty\\"" }'

describe('parsePostableAlerts', () => {
  it('decodes labels, annotations, times and generatorURL', () => {
    const alerts = parsePostableAlerts(
      JSON.stringify([
        {
          labels: { alertname: 'A' },
          annotations: { summary: 's' },
          startsAt: '2024-01-01T00:00:00.5Z',
          endsAt: '2024-01-01T02:00:00+01:00',
          generatorURL: 'http://prom/graph?g0.expr=up',
        },
      ])
    )
    assert.deepEqual(alerts, [
      {
        labels: { alertname: 'A' },
        annotations: { summary: 's' },
        startsAt: Date.UTC(2024, 0, 1, 0, 0, 0, 500),
        endsAt: Date.UTC(2024, 0, 1, 1),
        generatorURL: 'http://prom/graph?g0.expr=up',
      },
    ])
  })

  const defaults: { name: string; body: string }[] = [
    // Optional fields absent.
    { name: 'absent optional fields', body: '[{"labels":{"a":"b"}}]' },
    // Optional fields null.
    {
      name: 'null optional fields',
      body: '[{"labels":{"a":"b"},"annotations":null,"startsAt":null,"endsAt":null,"generatorURL":null}]',
    },
    // Go's zero time, as amtool sends for "unset".
    {
      name: 'zero times',
      body: '[{"labels":{"a":"b"},"startsAt":"0001-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00.000Z"}]',
    },
  ]
  for (const c of defaults) {
    it(`reads ${c.name} as "not given"`, () => {
      assert.deepEqual(parsePostableAlerts(c.body), [
        { labels: { a: 'b' }, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '' },
      ])
    })
  }

  const empty: { name: string; body: string }[] = [
    // An empty list.
    { name: 'an empty list', body: '[]' },
    // JSON null decodes to an empty list in Go.
    { name: 'null', body: 'null' },
  ]
  for (const c of empty) {
    it(`accepts ${c.name} as no alerts`, () => {
      assert.deepEqual(parsePostableAlerts(c.body), [])
    })
  }

  it('reads null label and annotation values as empty strings, as Go decodes them', () => {
    const [alert] = parsePostableAlerts(
      '[{"labels":{"a":"b","gone":null},"annotations":{"s":null}}]'
    )
    assert.deepEqual(alert?.labels, { a: 'b', gone: '' })
    assert.deepEqual(alert.annotations, { s: '' })
  })

  it('keeps an empty generatorURL', () => {
    assert.equal(
      parsePostableAlerts('[{"labels":{"a":"b"},"generatorURL":""}]')[0]?.generatorURL,
      ''
    )
  })

  // Every row was answered by Alertmanager 0.25 with exactly this status, code and message.
  const refusals: {
    why: string
    body: string
    status: number
    code: number
    message: string | RegExp
  }[] = [
    // Not JSON: Go's decoder message after the prefix (its wording is not reproduced).
    {
      why: 'not JSON',
      body: 'x',
      status: 400,
      code: 400,
      message: /^parsing alerts body from "" failed, because /,
    },
    // An object where the list belongs.
    {
      why: 'an object body',
      body: '{}',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal object into Go value of type models.PostableAlerts`,
    },
    // A number where an alert belongs.
    {
      why: 'a number element',
      body: '[1]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal number into Go value of type ${POSTABLE_STRUCT}`,
    },
    // A string where an alert belongs.
    {
      why: 'a string element',
      body: '["s"]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal string into Go value of type ${POSTABLE_STRUCT}`,
    },
    // A list where an alert belongs.
    {
      why: 'a list element',
      body: '[[]]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal array into Go value of type ${POSTABLE_STRUCT}`,
    },
    // labels missing: schema error 602 with the element's index.
    {
      why: 'labels missing',
      body: '[{}]',
      status: 422,
      code: 602,
      message: '0.labels in body is required',
    },
    // labels null counts as missing.
    {
      why: 'labels null',
      body: '[{"labels":null}]',
      status: 422,
      code: 602,
      message: '0.labels in body is required',
    },
    // The index is the element's position.
    {
      why: 'labels missing in the second alert',
      body: '[{"labels":{"a":"b"}},{}]',
      status: 422,
      code: 602,
      message: '1.labels in body is required',
    },
    // labels of the wrong type.
    {
      why: 'labels a string',
      body: '[{"labels":"x"}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal string into Go struct field Alert.labels of type models.LabelSet`,
    },
    // labels a list.
    {
      why: 'labels a list',
      body: '[{"labels":[]}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal array into Go struct field Alert.labels of type models.LabelSet`,
    },
    // A label value that is a number.
    {
      why: 'a number label value',
      body: '[{"labels":{"a":1}}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal number into Go struct field Alert.labels of type string`,
    },
    // A label value that is a bool.
    {
      why: 'a bool label value',
      body: '[{"labels":{"a":true}}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal bool into Go struct field Alert.labels of type string`,
    },
    // annotations of the wrong type: PostableAlert's own field, so no "Alert." in the path.
    {
      why: 'annotations a string',
      body: '[{"labels":{"a":"b"},"annotations":"x"}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal string into Go struct field .annotations of type models.LabelSet`,
    },
    // An annotation value that is a number.
    {
      why: 'a number annotation value',
      body: '[{"labels":{"a":"b"},"annotations":{"s":2}}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal number into Go struct field .annotations of type string`,
    },
    // startsAt a number.
    {
      why: 'startsAt a number',
      body: '[{"labels":{"a":"b"},"startsAt":5}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal number into Go struct field .startsAt of type string`,
    },
    // endsAt not a date-time (Go's time.Parse wording is not reproduced).
    {
      why: 'endsAt not a date-time',
      body: '[{"labels":{"a":"b"},"endsAt":"yesterday"}]',
      status: 400,
      code: 400,
      message: /^parsing alerts body from "" failed, because parsing time "yesterday"/,
    },
    // A day that does not exist.
    {
      why: 'startsAt on February 30',
      body: '[{"labels":{"a":"b"},"startsAt":"2024-02-30T00:00:00Z"}]',
      status: 400,
      code: 400,
      message: /^parsing alerts body from "" failed, because parsing time "2024-02-30T00:00:00Z"/,
    },
    // generatorURL a number: Go's field type is string.
    {
      why: 'generatorURL a number',
      body: '[{"labels":{"a":"b"},"generatorURL":5}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal number into Go struct field Alert.generatorURL of type string`,
    },
    // generatorURL that url.Parse refuses: missing scheme.
    {
      why: 'generatorURL without a scheme',
      body: '[{"labels":{"a":"b"},"generatorURL":"::nope"}]',
      status: 422,
      code: 601,
      message: '0.generatorURL in body must be of type uri: "::nope"',
    },
    // generatorURL with a broken escape.
    {
      why: 'generatorURL with a broken escape',
      body: '[{"labels":{"a":"b"},"generatorURL":"http://x/%zz"}]',
      status: 422,
      code: 601,
      message: '0.generatorURL in body must be of type uri: "http://x/%zz"',
    },
    // The whole body is decoded before any schema check: a later decode error wins over an
    // earlier missing labels.
    {
      why: 'a decode error after a missing labels',
      body: '[{}, {"labels":"x"}]',
      status: 400,
      code: 400,
      message: `${PREFIX}json: cannot unmarshal string into Go struct field Alert.labels of type models.LabelSet`,
    },
    // Within one alert, generatorURL is validated before labels (go-swagger's field order).
    {
      why: 'a bad generatorURL and missing labels',
      body: '[{"generatorURL":"::nope"}, {"labels":{"a":"b"}}]',
      status: 422,
      code: 601,
      message: '0.generatorURL in body must be of type uri: "::nope"',
    },
    // Schema checks go alert by alert.
    {
      why: 'a bad generatorURL before a later missing labels',
      body: '[{"labels":{"a":"b"},"generatorURL":"::nope"}, {}]',
      status: 422,
      code: 601,
      message: '0.generatorURL in body must be of type uri: "::nope"',
    },
  ]
  for (const c of refusals) {
    it(`answers ${c.status} for ${c.why}`, () => {
      assert.throws(
        () => parsePostableAlerts(c.body),
        (err: unknown) => {
          assert.ok(err instanceof OpenApiError, String(err))
          assert.equal(err.status, c.status)
          assert.equal(err.bodyCode, c.code)
          if (typeof c.message === 'string') {
            assert.equal(err.message, c.message)
          } else {
            assert.match(err.message, c.message)
          }
          return true
        }
      )
    })
  }

  it('replaces lone surrogates as Go decodes them, rather than refusing', () => {
    const [alert] = parsePostableAlerts('[{"labels":{"a":"x\\ud800"}}]')
    assert.deepEqual(alert?.labels, { a: 'x\ufffd' })
  })
})
