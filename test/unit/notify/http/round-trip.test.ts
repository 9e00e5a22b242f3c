import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { Agent } from 'undici'

import { TransportError } from '#src/notify/http/errors.js'
import { MAX_REQUESTS, roundTrip } from '#src/notify/http/round-trip.js'

import { Teardown } from '../../../support/teardown.js'

import { listen } from './servers.js'
import type { Running } from './servers.js'

describe('roundTrip', () => {
  let a: Running
  let b: Running
  const teardown = new Teardown()
  const agent = teardown.add(new Agent(), (x) => x.close())
  before(async () => {
    b = teardown.add(await listen((_req, res) => res.writeHead(200).end('b')), (s) => s.close())
    a = await listen((req, res) => {
      if (req.url === '/to-b') {
        // Another port is another domain for Go's canonicalAddr.
        res.writeHead(307, { location: `${b.origin}/landing` }).end()
      } else if (req.url === '/bad-location') {
        res.writeHead(302, { location: 'http://[::1' }).end()
      } else {
        res.writeHead(200).end('a')
      }
    })
    teardown.add(a, (s) => s.close())
  })
  after(() => teardown.run())

  const request = (url: string, headers: Record<string, string>, followRedirects = true) =>
    roundTrip({
      dispatcher: agent,
      method: 'POST',
      url: new URL(url),
      headers,
      body: Buffer.from('{}'),
      followRedirects,
      signal: new AbortController().signal,
      maxBodyBytes: 1024,
      authorize: (existing) => Promise.resolve(existing),
    })

  it('drops a caller Authorization header on a redirect to another host:port, like Go', async () => {
    const res = await request(`${a.origin}/to-b`, { authorization: 'Bearer caller' })
    assert.equal(res.body, 'b')
    assert.equal(a.requests.at(-1)!.headers.authorization, 'Bearer caller')
    assert.equal(b.requests.at(-1)!.headers.authorization, undefined)
  })

  it('fails on an unparsable Location even when redirects are not followed', async () => {
    for (const follow of [true, false]) {
      await assert.rejects(request(`${a.origin}/bad-location`, {}, follow), (err: unknown) => {
        assert.ok(err instanceof TransportError)
        assert.equal(err.message, 'failed to parse Location header "http://[::1": invalid URL')
        return true
      })
    }
  })

  it('allows ten requests per round trip', () => {
    assert.equal(MAX_REQUESTS, 10)
  })
})
