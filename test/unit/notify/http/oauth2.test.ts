import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { OAuth2 } from '#src/config/types.js'
import { TransportError } from '#src/notify/http/errors.js'
import { createHttpClient } from '#src/notify/http/http-client.js'
import { goQueryEscape, OAuth2TokenSource } from '#src/notify/http/oauth2.js'
import { NotifyError } from '#src/notify/notify-error.js'

import { Teardown } from '../../../support/teardown.js'

import { httpConfig, listen } from './servers.js'
import type { Running } from './servers.js'

const never = new AbortController().signal
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

describe('OAuth2TokenSource', () => {
  let server: Running
  let issued = 0
  let dir: string
  const teardown = new Teardown()
  before(async () => {
    dir = teardown.add(mkdtempSync(join(tmpdir(), 'alertmesh-oauth2-')), (d) => {
      rmSync(d, { recursive: true, force: true })
    })
    server = await listen((req, res) => {
      const form = new URLSearchParams(req.body.toString())
      switch (req.url) {
        case '/token': {
          // Accepts header-style client authentication only.
          if (
            req.headers.authorization !== basic(goQueryEscape('my id'), goQueryEscape('s&cret'))
          ) {
            res.writeHead(401).end('who?')
            return
          }
          issued++
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(
              JSON.stringify({ access_token: `tok${issued}`, token_type: 'bearer', expires_in: 60 })
            )
          return
        }
        case '/params-only': {
          // Refuses basic auth; wants client_id/client_secret in the form.
          if (req.headers.authorization !== undefined || form.get('client_secret') !== 's&cret') {
            res.writeHead(400).end('{"error":"invalid_client"}')
            return
          }
          res
            .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' })
            .end('access_token=formtok&token_type=mac')
          return
        }
        case '/secret-file': {
          issued++
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ access_token: `file${issued}` }))
          return
        }
        case '/empty':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"bearer"}')
          return
        case '/denied':
          res.writeHead(403).end('nope')
          return
        default:
          res.writeHead(200).end('resource')
      }
    })
    teardown.add(server, (s) => s.close())
  })
  after(() => teardown.run())

  const oauth2 = (overrides: Partial<OAuth2>): OAuth2 => ({
    client_id: 'my id',
    client_secret: 's&cret',
    scopes: [],
    token_url: `${server.origin}/token`,
    endpoint_params: {},
    tls_config: { insecure_skip_verify: false },
    ...overrides,
  })

  it('fetches a token with the client-credentials form and reuses it until 10 s before expiry', async () => {
    let now = 1_000_000
    const source = new OAuth2TokenSource(
      oauth2({ scopes: ['read', 'write'], endpoint_params: { audience: 'x y' } }),
      {
        userAgent: 'Alertmanager/0.25.0',
        now: () => now,
      }
    )
    try {
      const start = issued
      assert.equal(await source.authorization(never), `Bearer tok${start + 1}`)
      const tokenRequest = server.requests.at(-1)!
      // Go's url.Values.Encode: sorted keys, QueryEscape (space as +).
      assert.equal(
        tokenRequest.body.toString(),
        'audience=x+y&grant_type=client_credentials&scope=read+write'
      )
      assert.equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded')
      assert.equal(tokenRequest.headers['user-agent'], 'Alertmanager/0.25.0')
      // 49 s later the 60 s token is still good (expiry minus 10 s not reached).
      now += 49_000
      assert.equal(await source.authorization(never), `Bearer tok${start + 1}`)
      // 51 s after issue it is within the 10 s early-expiry window: a new token.
      now += 2_000
      assert.equal(await source.authorization(never), `Bearer tok${start + 2}`)
    } finally {
      await source.close()
    }
  })

  it('falls back to form-parameter client authentication and remembers it per token URL', async () => {
    const source = new OAuth2TokenSource(oauth2({ token_url: `${server.origin}/params-only` }), {
      userAgent: 'ua',
    })
    try {
      const before = server.requests.length
      // Form responses are accepted; the token type is canonicalised (mac -> MAC).
      assert.equal(await source.authorization(never), 'MAC formtok')
      assert.equal(server.requests.length - before, 2)
      const again = new OAuth2TokenSource(oauth2({ token_url: `${server.origin}/params-only` }), {
        userAgent: 'ua',
      })
      await again.authorization(never)
      // The style was cached: a single request this time.
      assert.equal(server.requests.length - before, 3)
      await again.close()
    } finally {
      await source.close()
    }
  })

  it('re-reads client_secret_file and drops the token when the secret changed', async () => {
    const file = join(dir, 'secret')
    writeFileSync(file, 'one\n')
    const source = new OAuth2TokenSource(
      {
        ...oauth2({ client_secret_file: file, token_url: `${server.origin}/secret-file` }),
        client_secret: '',
      },
      { userAgent: 'ua' }
    )
    try {
      const first = await source.authorization(never)
      // No expires_in: the token never expires while the secret stays the same.
      assert.equal(await source.authorization(never), first)
      writeFileSync(file, 'two\n')
      assert.notEqual(await source.authorization(never), first)
    } finally {
      await source.close()
    }
  })

  it('fails with golang.org/x/oauth2 messages', async () => {
    const cases = [
      // A 2xx without access_token.
      {
        config: { token_url: `${server.origin}/empty` },
        message: 'oauth2: server response missing access_token',
      },
      // endpoint_params may not override scope.
      {
        config: { scopes: ['a'], endpoint_params: { scope: 'b' } },
        message: 'oauth2: cannot overwrite parameter "scope"',
      },
      // A refusal quotes status and body (after both auth styles failed).
      {
        config: { token_url: `${server.origin}/denied` },
        message: 'oauth2: cannot fetch token: 403 Forbidden\nResponse: nope',
      },
    ]
    for (const c of cases) {
      const source = new OAuth2TokenSource(oauth2(c.config), { userAgent: 'ua' })
      await assert.rejects(source.authorization(never), (err: unknown) => {
        assert.ok(err instanceof TransportError)
        assert.equal(err.message, c.message)
        return true
      })
      await source.close()
    }
  })

  it('authorizes client requests with the token and turns token failures into retryable errors', async () => {
    const client = createHttpClient(httpConfig({ oauth2: oauth2({}) }), { userAgent: 'ua' })
    try {
      await client.post(`${server.origin}/resource`, '{}', {}, never)
      assert.match(String(server.requests.at(-1)!.headers.authorization), /^Bearer tok\d+$/)
    } finally {
      await client.close()
    }
    const failing = createHttpClient(
      httpConfig({ oauth2: oauth2({ token_url: `${server.origin}/empty` }) }),
      { userAgent: 'ua' }
    )
    try {
      await assert.rejects(
        failing.post(`${server.origin}/resource`, '{}', {}, never),
        (err: unknown) => {
          assert.ok(err instanceof NotifyError)
          assert.equal(err.retryable, true)
          assert.equal(
            err.message,
            'Post "<redacted>": oauth2: server response missing access_token'
          )
          return true
        }
      )
    } finally {
      await failing.close()
    }
  })
})

describe('goQueryEscape', () => {
  it('escapes like Go url.QueryEscape', () => {
    const cases = [
      // Unreserved characters stay.
      ['AZaz09-_.~', 'AZaz09-_.~'],
      // Space becomes +, reserved characters are percent-encoded in upper case.
      ['a b&c=d/e*f', 'a+b%26c%3Dd%2Fe%2Af'],
      // Non-ASCII is encoded byte by byte as UTF-8.
      ['é', '%C3%A9'],
    ]
    for (const [input, want] of cases) {
      assert.equal(goQueryEscape(input ?? ''), want)
    }
  })
})
