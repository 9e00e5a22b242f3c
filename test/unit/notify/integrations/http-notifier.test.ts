import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { HttpClient, HttpResponse } from '#src/notify/http/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { FieldRenderer } from '#src/notify/integrations/fields.js'
import {
  finalError,
  JSON_CONTENT_TYPE,
  OwnedHttpClient,
  throwOnTemplateError,
} from '#src/notify/integrations/http-notifier.js'

import { httpConfig } from '../http/servers.js'

import { context, FIRING, UA } from './fixtures.js'

const SIGNAL = new AbortController().signal

interface Call {
  readonly url: string
  readonly body: string | Uint8Array
  readonly headers: Readonly<Record<string, string>>
  readonly method: 'POST' | 'PUT' | 'GET' | undefined
}

/** fakeClient answers every post with `response` and records the calls and closes. */
function fakeClient(response: Partial<HttpResponse> = {}) {
  const calls: Call[] = []
  let closes = 0
  const client: HttpClient = {
    post: (url, body, headers, _signal, method) => {
      calls.push({ url, body, headers, method })
      return Promise.resolve({ status: 200, headers: {}, body: '', ...response })
    },
    close: () => {
      closes++
      return Promise.resolve()
    },
  }
  return { client, calls, closes: () => closes }
}

describe('OwnedHttpClient', () => {
  it('uses an injected client and never closes it', async () => {
    const fake = fakeClient()
    const client = new OwnedHttpClient(httpConfig(), { userAgent: UA, httpClient: fake.client })
    await client.post('http://x/y', 'b', { A: '1' }, SIGNAL, 'PUT')
    await client.close()
    assert.deepEqual(fake.calls, [
      { url: 'http://x/y', body: 'b', headers: { A: '1' }, method: 'PUT' },
    ])
    assert.equal(fake.closes(), 0)
  })

  it('closes a client it built, idempotently, after which posts fail for good', async () => {
    const client = new OwnedHttpClient(httpConfig(), { userAgent: UA })
    await client.close()
    await client.close()
    await assert.rejects(client.post('http://127.0.0.1:1/s3cr3t', '{}', {}, SIGNAL), (err) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.message, 'Post "<redacted>": http client is closed')
      assert.equal(err.retryable, false)
      return true
    })
  })

  it('postJSON sends the Content-Type first, then the extra headers, with the method', async () => {
    const fake = fakeClient({ status: 202 })
    const client = new OwnedHttpClient(httpConfig(), { userAgent: UA, httpClient: fake.client })
    const failure = await client.postJSON({
      url: 'http://x/alerts',
      body: '{}',
      method: 'PUT',
      headers: { Authorization: 'GenieKey k' },
      retryCodes: [],
      signal: SIGNAL,
    })
    assert.equal(failure, undefined)
    const [call] = fake.calls
    assert.ok(call)
    assert.deepEqual(Object.entries(call.headers), [
      ['Content-Type', JSON_CONTENT_TYPE],
      ['Authorization', 'GenieKey k'],
    ])
    assert.equal(call.method, 'PUT')
  })

  it('postJSON judges the status as Retrier.Check, quoting the body with the URL redacted', async () => {
    const url = 'http://hooks.example.com/s3cr3t'
    const cases: readonly {
      status: number
      retryCodes: readonly number[]
      message: string
      retryable: boolean
    }[] = [
      // A 4xx is final.
      {
        status: 400,
        retryCodes: [],
        message: 'unexpected status code 400: bad <redacted>',
        retryable: false,
      },
      // A 5xx is retried.
      {
        status: 503,
        retryCodes: [],
        message: 'unexpected status code 503: bad <redacted>',
        retryable: true,
      },
      // So is one of the integration's retry codes.
      {
        status: 429,
        retryCodes: [429],
        message: 'unexpected status code 429: bad <redacted>',
        retryable: true,
      },
    ]
    for (const c of cases) {
      const fake = fakeClient({ status: c.status, body: `bad ${url}` })
      const client = new OwnedHttpClient(httpConfig(), { userAgent: UA, httpClient: fake.client })
      const failure = await client.postJSON({
        url,
        body: '{}',
        retryCodes: c.retryCodes,
        signal: SIGNAL,
      })
      assert.ok(failure instanceof NotifyError)
      assert.equal(failure.message, c.message)
      assert.equal(failure.retryable, c.retryable)
      assert.equal(fake.calls[0]?.method, undefined, 'POST by default')
    }
  })

  it('sendJSON resolves on 2xx and throws the status failure postJSON returns otherwise', async () => {
    const url = 'http://hooks.example.com/s3cr3t'
    const ok = fakeClient({ status: 204 })
    const fine = new OwnedHttpClient(httpConfig(), { userAgent: UA, httpClient: ok.client })
    await fine.sendJSON({ url, body: '{}', retryCodes: [], signal: SIGNAL })
    assert.equal(ok.calls.length, 1)
    const bad = fakeClient({ status: 429, body: `slow down ${url}` })
    const failing = new OwnedHttpClient(httpConfig(), { userAgent: UA, httpClient: bad.client })
    await assert.rejects(
      failing.sendJSON({ url, body: '{}', retryCodes: [429], signal: SIGNAL }),
      (err) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.message, 'unexpected status code 429: slow down <redacted>')
        assert.equal(err.retryable, true)
        return true
      }
    )
  })
})

describe('throwOnTemplateError', () => {
  const template = AlertTemplate.fromGlobs([])

  it('does nothing when every field rendered', () => {
    const fields = new FieldRenderer(template, context(), [FIRING])
    fields.text('{{ .Status }}')
    throwOnTemplateError(fields)
  })

  it("fails for good with the first template's message, after the prefix", () => {
    const fields = new FieldRenderer(template, context(), [FIRING])
    fields.text('{{ .Nope.Deeper }}')
    const first = fields.error
    assert.ok(first !== undefined)
    fields.text('{{ template "missing" . }}')
    assert.throws(
      () => {
        throwOnTemplateError(fields, 'templating error: ')
      },
      (err) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.message, `templating error: ${first.message}`)
        assert.equal(err.retryable, false)
        assert.equal(err.reason, 'other')
        assert.equal(err.cause, first)
        return true
      }
    )
  })
})

describe('finalError', () => {
  it('is not retryable, with reason other and the cause kept', () => {
    const cause = new Error('boom')
    const err = finalError('read key_file error: boom', cause)
    assert.equal(err.message, 'read key_file error: boom')
    assert.equal(err.retryable, false)
    assert.equal(err.reason, 'other')
    assert.equal(err.cause, cause)
    assert.equal(finalError('routing key cannot be empty').cause, undefined)
  })
})
