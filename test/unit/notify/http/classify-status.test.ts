import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  classifyStatus,
  MAX_ERROR_DETAILS_CHARS,
  reasonForStatus,
} from '#src/notify/http/classify-status.js'

describe('classifyStatus', () => {
  it('follows Alertmanager Retrier.Check for each status class', () => {
    const cases = [
      // Any 2xx succeeds.
      { status: 200, extra: [], ok: true },
      { status: 202, extra: [], ok: true },
      { status: 299, extra: [], ok: true },
      // 5xx is always retried.
      { status: 500, extra: [], ok: false, retryable: true, reason: 'serverError' },
      { status: 503, extra: [], ok: false, retryable: true, reason: 'serverError' },
      // 4xx is final...
      { status: 400, extra: [], ok: false, retryable: false, reason: 'clientError' },
      { status: 429, extra: [], ok: false, retryable: false, reason: 'clientError' },
      // ...unless the integration lists it (opsgenie retries 429).
      { status: 429, extra: [429], ok: false, retryable: true, reason: 'clientError' },
      // 3xx (redirects not followed) and 1xx are final, reason other.
      { status: 302, extra: [], ok: false, retryable: false, reason: 'other' },
      { status: 100, extra: [], ok: false, retryable: false, reason: 'other' },
    ] as const
    for (const c of cases) {
      const failure = classifyStatus(c.status, c.extra)
      if (c.ok) {
        assert.equal(failure, undefined, String(c.status))
        continue
      }
      assert.ok(failure, String(c.status))
      assert.equal(failure.retryable, c.retryable, String(c.status))
      assert.equal(failure.reason, c.reason, String(c.status))
      assert.equal(failure.code, 'AM_NOTIFY_FAILED')
    }
  })

  it('words the message like Alertmanager: status, then details when there are any', () => {
    const cases = [
      // No details: the status alone.
      { details: undefined, message: 'unexpected status code 404' },
      // Empty details add nothing (Go checks details != "").
      { details: '', message: 'unexpected status code 404' },
      // Details follow after ": ".
      { details: 'not here', message: 'unexpected status code 404: not here' },
    ]
    for (const c of cases) {
      assert.equal(classifyStatus(404, [], c.details)?.message, c.message)
    }
  })

  it('caps long details with the … marker', () => {
    const message = classifyStatus(500, [], 'é'.repeat(5000))?.message ?? ''
    const details = message.slice('unexpected status code 500: '.length)
    assert.equal(Array.from(details).length, MAX_ERROR_DETAILS_CHARS)
    assert.ok(details.endsWith('…'))
  })
})

describe('reasonForStatus', () => {
  it('maps status classes to failure reasons', () => {
    // 4xx client, 5xx server, everything else other.
    assert.deepEqual([401, 502, 304].map(reasonForStatus), ['clientError', 'serverError', 'other'])
  })
})
