import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate } from '#src/notify/index.js'
import type { NotifyContext } from '#src/notify/index.js'
import { FieldRenderer, groupKeyHash, truncateField } from '#src/notify/integrations/fields.js'

import { context, FIRING } from './fixtures.js'

const ALERT: Alert = {
  ...FIRING,
  labels: { alertname: 'Disk', instance: 'a' },
  annotations: { summary: 'full' },
}

const CTX: NotifyContext = context({
  groupKey: '{}:{alertname="Disk"}',
  groupLabels: { alertname: 'Disk' },
  repeatIntervalMs: 3600_000,
})

describe('FieldRenderer', () => {
  it('renders text and html fields with the flush data', () => {
    const fields = new FieldRenderer(AlertTemplate.fromGlobs([]), CTX, [ALERT])
    assert.equal(
      fields.text('{{ .Receiver }} {{ .Status }} {{ .GroupLabels.alertname }}'),
      'team firing Disk'
    )
    assert.equal(
      fields.html('<b>{{ .CommonAnnotations.summary }}</b>{{ "<x>" }}'),
      '<b>full</b>&lt;x&gt;'
    )
    assert.equal(fields.error, undefined)
  })

  it('keeps the first error and renders every later field empty, as TmplText does', () => {
    const fields = new FieldRenderer(AlertTemplate.fromGlobs([]), CTX, [ALERT])
    assert.equal(fields.text('ok'), 'ok')
    assert.equal(fields.text('{{ template "missing" . }}'), '')
    const first = fields.error?.message
    assert.match(first ?? '', /template "missing" not defined/)
    assert.equal(fields.text('still fine'), '')
    assert.equal(fields.text('{{ .Nope.Deeper }}'), '')
    assert.equal(fields.error?.message, first)
  })
})

describe('groupKeyHash', () => {
  it('is the hex SHA-256 that sha256sum prints for the key', () => {
    const key = '{}/{severity="page"}:{alertname="Disk \u00e9"}'
    const expected = execFileSync('sha256sum', { input: key }).toString().split(' ')[0]
    assert.equal(groupKeyHash(key), expected)
  })
})

describe('truncateField', () => {
  function capture() {
    const records: Record<string, unknown>[] = []
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        records.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    return { records, log: bunyan.createLogger({ name: 't', level: 'warn', stream }) }
  }

  it('leaves a field within its limit alone and logs nothing', () => {
    const { records, log } = capture()
    const limit = { message: 'Truncated title', max: 5, unit: 'max_runes' } as const
    assert.equal(truncateField('héllo', limit, 'k', log), 'héllo')
    assert.deepEqual(records, [])
  })

  it('cuts in runes or bytes and logs the warning with the group key and the limit', () => {
    const { records, log } = capture()
    const runes = { message: 'Truncated title', max: 4, unit: 'max_runes' } as const
    assert.equal(truncateField('日本語です', runes, 'gk', log), '日本語…')
    const bytes = { message: 'Truncated message', max: 7, unit: 'max_bytes' } as const
    assert.equal(truncateField('日本語', bytes, 'gk', log), '日…')
    assert.deepEqual(
      records.map((r) => [r['msg'], r['key'], r['max_runes'] ?? r['max_bytes']]),
      [
        ['Truncated title', 'gk', 4],
        ['Truncated message', 'gk', 7],
      ]
    )
  })
})
