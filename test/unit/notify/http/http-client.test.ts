import assert from 'node:assert/strict'
import { rmSync, writeFileSync, copyFileSync, mkdtempSync } from 'node:fs'
import { createSecureServer } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { classifyStatus } from '#src/notify/http/classify-status.js'
import { HttpConfigError } from '#src/notify/http/errors.js'
import { createHttpClient } from '#src/notify/http/http-client.js'
import type { HttpClient } from '#src/notify/http/http-client.js'
import { NotifyError } from '#src/notify/notify-error.js'

import { Teardown } from '../../../support/teardown.js'

import { closedPort, httpConfig, listen, listenProxy, listenTLS, makeCerts } from './servers.js'
import type { Certs, Running } from './servers.js'

const UA = 'Alertmanager/0.25.0'
const never = new AbortController().signal

/** post sends one request with a fresh client and closes it. */
async function postOnce(
  client: HttpClient,
  url: string,
  body = '{}',
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  signal: AbortSignal = never
) {
  try {
    return await client.post(url, body, headers, signal)
  } finally {
    await client.close()
  }
}

/** rejection awaits a promise that must reject with a NotifyError and returns it. */
async function rejection(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof NotifyError, `expected NotifyError, got ${String(err)}`)
    return err
  }
  assert.fail('expected a rejection')
}

describe('createHttpClient: plain requests', () => {
  let server: Running
  before(async () => {
    server = await listen((req, res) => {
      switch (req.url) {
        case '/big':
          res.writeHead(200).end('x'.repeat(200_000))
          return
        case '/slow':
          return // never answers
        case '/500':
          res.writeHead(500).end('boom')
          return
        case '/400':
          res.writeHead(400).end('bad request body')
          return
        default:
          res.writeHead(200, { 'x-reply': 'yes' }).end('ok')
      }
    })
  })
  after(() => server.close())

  it('sends the body, content type and user agent and returns status, headers and body', async () => {
    const res = await postOnce(
      createHttpClient(httpConfig(), { userAgent: UA }),
      `${server.origin}/hook`,
      '{"a":1}\n'
    )
    assert.equal(res.status, 200)
    assert.equal(res.body, 'ok')
    assert.equal(res.headers['x-reply'], 'yes')
    const seen = server.requests.at(-1)!
    assert.equal(seen.method, 'POST')
    assert.equal(seen.url, '/hook')
    assert.equal(seen.body.toString(), '{"a":1}\n')
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
    assert.equal(seen.headers['content-length'], '8')
    assert.equal(seen.headers.authorization, undefined)
  })

  it('keeps at most maxResponseBodyBytes of the response body', async () => {
    const res = await postOnce(
      createHttpClient(httpConfig(), { userAgent: UA, maxResponseBodyBytes: 1000 }),
      `${server.origin}/big`
    )
    assert.equal(res.body.length, 1000)
  })

  it('returns 4xx and 5xx responses for classifyStatus to judge', async () => {
    const cases = [
      // 5xx: Alertmanager retries.
      { path: '/500', retryable: true, message: 'unexpected status code 500: boom' },
      // 4xx: final.
      { path: '/400', retryable: false, message: 'unexpected status code 400: bad request body' },
    ]
    for (const c of cases) {
      const res = await postOnce(
        createHttpClient(httpConfig(), { userAgent: UA }),
        `${server.origin}${c.path}`
      )
      const failure = classifyStatus(res.status, [], res.body)
      assert.ok(failure, c.path)
      assert.equal(failure.retryable, c.retryable, c.path)
      assert.equal(failure.message, c.message)
    }
  })

  it('fails with a retryable timeout when the server does not answer within defaultTimeoutMs', async () => {
    const err = await rejection(
      postOnce(
        createHttpClient(httpConfig(), { userAgent: UA, defaultTimeoutMs: 150 }),
        `${server.origin}/slow`
      )
    )
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'timeout')
    assert.equal(err.message, 'Post "<redacted>": request timed out after 150 ms')
  })

  it('reports the caller deadline like Go: context deadline exceeded', async () => {
    const err = await rejection(
      postOnce(
        createHttpClient(httpConfig(), { userAgent: UA }),
        `${server.origin}/slow`,
        '{}',
        {},
        AbortSignal.timeout(100)
      )
    )
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'timeout')
    assert.equal(err.message, 'Post "<redacted>": context deadline exceeded')
  })

  it('reports a caller abort as context canceled', async () => {
    const controller = new AbortController()
    const pending = postOnce(
      createHttpClient(httpConfig(), { userAgent: UA }),
      `${server.origin}/slow`,
      '{}',
      {},
      controller.signal
    )
    setTimeout(() => {
      controller.abort()
    }, 50)
    const err = await rejection(pending)
    assert.equal(err.reason, 'timeout')
    assert.equal(err.message, 'Post "<redacted>": context canceled')
  })

  it('fails with a retryable connectionError when the connection is refused, without the URL', async () => {
    const port = await closedPort()
    const secretURL = `http://user:pa55word@127.0.0.1:${port}/hooks/s3cr3t?token=t0ken`
    const err = await rejection(
      postOnce(createHttpClient(httpConfig(), { userAgent: UA }), secretURL)
    )
    assert.equal(err.retryable, true)
    assert.equal(err.reason, 'connectionError')
    assert.match(err.message, /^Post "<redacted>": .*ECONNREFUSED/)
    for (const secret of ['s3cr3t', 't0ken', 'pa55word', 'hooks']) {
      assert.ok(!err.message.includes(secret), err.message)
      assert.ok(!(err.cause as Error).message.includes(secret))
    }
  })

  it('refuses to post after close with a non-retryable error', async () => {
    const client = createHttpClient(httpConfig(), { userAgent: UA })
    await client.close()
    await client.close()
    const err = await rejection(client.post(`${server.origin}/`, '{}', {}, never))
    assert.equal(err.retryable, false)
  })
})

describe('createHttpClient: authentication', () => {
  let server: Running
  let dir: string
  const teardown = new Teardown()
  before(async () => {
    server = teardown.add(await listen((_req, res) => res.writeHead(200).end()), (s) => s.close())
    dir = teardown.add(mkdtempSync(join(tmpdir(), 'alertmesh-auth-')), (d) => {
      rmSync(d, { recursive: true, force: true })
    })
  })
  after(() => teardown.run())

  const file = (name: string, content: string): string => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  const basic = (user: string, pass: string) =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

  it('sends the Authorization header each auth setting produces', async () => {
    const cases = [
      // basic_auth with an inline password, trimmed like prometheus/common.
      {
        config: { basic_auth: { username: 'am', password: ' secret \n' } },
        want: basic('am', 'secret'),
      },
      // basic_auth with a password file, trimmed.
      {
        config: { basic_auth: { username: 'am', password_file: file('pw', 'from-file\n') } },
        want: basic('am', 'from-file'),
      },
      // basic_auth with only a username.
      { config: { basic_auth: { username: 'only' } }, want: basic('only', '') },
      // bearer_token is sent untrimmed.
      { config: { bearer_token: 'tok' }, want: 'Bearer tok' },
      // bearer_token_file is trimmed.
      { config: { bearer_token_file: file('bearer', 'tok-file\n') }, want: 'Bearer tok-file' },
      // authorization with a custom type and inline credentials.
      { config: { authorization: { type: 'Token', credentials: 'abc' } }, want: 'Token abc' },
      // authorization with credentials_file.
      {
        config: { authorization: { type: 'Bearer', credentials_file: file('cred', ' c-file \n') } },
        want: 'Bearer c-file',
      },
      // an empty authorization type means Bearer.
      { config: { authorization: { type: '', credentials: 'x' } }, want: 'Bearer x' },
      // authorization without credentials sends nothing.
      { config: { authorization: { type: 'Bearer' } }, want: undefined },
    ]
    for (const c of cases) {
      await postOnce(createHttpClient(httpConfig(c.config), { userAgent: UA }), `${server.origin}/`)
      assert.equal(server.requests.at(-1)!.headers.authorization, c.want, JSON.stringify(c.config))
    }
  })

  it('uses basic auth from URL userinfo before the configured credentials, as Go does', async () => {
    const url = `http://u%40x:p%3Aw@127.0.0.1:${server.port}/`
    await postOnce(createHttpClient(httpConfig({ bearer_token: 'tok' }), { userAgent: UA }), url)
    assert.equal(server.requests.at(-1)!.headers.authorization, basic('u@x', 'p:w'))
  })

  it('reads password_file at request time, so a rotated secret applies without a rebuild', async () => {
    const path = file('rotating', 'one')
    const client = createHttpClient(
      httpConfig({ basic_auth: { username: 'am', password_file: path } }),
      { userAgent: UA }
    )
    try {
      await client.post(`${server.origin}/`, '{}', {}, never)
      assert.equal(server.requests.at(-1)!.headers.authorization, basic('am', 'one'))
      writeFileSync(path, 'two')
      await client.post(`${server.origin}/`, '{}', {}, never)
      assert.equal(server.requests.at(-1)!.headers.authorization, basic('am', 'two'))
    } finally {
      await client.close()
    }
  })

  it('fails retryably, naming the file, when a credentials file is missing', async () => {
    const missing = join(dir, 'missing')
    const cases = [
      // basic auth password file.
      {
        config: { basic_auth: { username: 'am', password_file: missing } },
        prefix: 'unable to read basic auth password file',
      },
      // bearer token file.
      {
        config: { bearer_token_file: missing },
        prefix: 'unable to read authorization credentials file',
      },
      // authorization credentials file.
      {
        config: { authorization: { type: 'Bearer', credentials_file: missing } },
        prefix: 'unable to read authorization credentials file',
      },
    ]
    for (const c of cases) {
      const err = await rejection(
        postOnce(createHttpClient(httpConfig(c.config), { userAgent: UA }), `${server.origin}/`)
      )
      assert.equal(err.retryable, true)
      assert.equal(err.reason, 'other')
      assert.ok(err.message.startsWith(`Post "<redacted>": ${c.prefix} ${missing}: `), err.message)
    }
  })
})

describe('createHttpClient: redirects', () => {
  let server: Running
  before(async () => {
    server = await listen((req, res) => {
      const match = /^\/r(\d{3})$/.exec(req.url)
      if (match) {
        res.writeHead(Number(match[1]), { location: '/target' }).end('moved')
      } else if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' }).end()
      } else if (req.url === '/nolocation') {
        res.writeHead(302).end('no location')
      } else {
        res.writeHead(200).end('landed')
      }
    })
  })
  after(() => server.close())

  it('follows redirects with the method and body Go would use', async () => {
    const cases = [
      // 301/302/303 turn POST into GET without body; headers (Content-Type) are still copied.
      { status: 301, method: 'GET', body: '' },
      { status: 302, method: 'GET', body: '' },
      { status: 303, method: 'GET', body: '' },
      // 307/308 resend POST with its body.
      { status: 307, method: 'POST', body: '{"x":1}' },
      { status: 308, method: 'POST', body: '{"x":1}' },
    ]
    for (const c of cases) {
      const config = httpConfig({ bearer_token: 'tok' })
      const res = await postOnce(
        createHttpClient(config, { userAgent: UA }),
        `${server.origin}/r${c.status}`,
        '{"x":1}'
      )
      assert.equal(res.status, 200, String(c.status))
      assert.equal(res.body, 'landed')
      const target = server.requests.at(-1)!
      assert.equal(target.url, '/target')
      assert.equal(target.method, c.method, String(c.status))
      assert.equal(target.body.toString(), c.body, String(c.status))
      assert.equal(target.headers['content-type'], 'application/json')
      assert.equal(target.headers['user-agent'], UA)
      // prometheus/common adds credentials in the transport, so every hop carries them.
      assert.equal(target.headers.authorization, 'Bearer tok')
      assert.equal(target.headers.referer, `${server.origin}/r${c.status}`)
    }
  })

  it('returns the 3xx itself when follow_redirects is false', async () => {
    const res = await postOnce(
      createHttpClient(httpConfig({ follow_redirects: false }), { userAgent: UA }),
      `${server.origin}/r302`
    )
    assert.equal(res.status, 302)
    assert.equal(res.body, 'moved')
    const failure = classifyStatus(res.status, [], res.body)
    assert.ok(failure)
    assert.equal(failure.retryable, false)
    assert.equal(failure.message, 'unexpected status code 302: moved')
  })

  it('returns a 3xx without Location as the response', async () => {
    const res = await postOnce(
      createHttpClient(httpConfig(), { userAgent: UA }),
      `${server.origin}/nolocation`
    )
    assert.equal(res.status, 302)
  })

  it('stops after 10 requests with a retryable error, like Go', async () => {
    const before = server.requests.length
    const err = await rejection(
      postOnce(createHttpClient(httpConfig(), { userAgent: UA }), `${server.origin}/loop`)
    )
    assert.equal(server.requests.length - before, 10)
    assert.equal(err.retryable, true)
    assert.equal(err.message, 'Post "<redacted>": stopped after 10 redirects')
  })
})

describe('createHttpClient: TLS, HTTP/2 and proxies', () => {
  let certs: Certs
  let tlsServer: Running
  let mtlsServer: Running
  const teardown = new Teardown()
  before(async () => {
    certs = teardown.add(makeCerts(), (c) => {
      c.cleanup()
    })
    const key = certs.read(certs.serverKeyFile)
    const cert = certs.read(certs.serverCertFile)
    tlsServer = teardown.add(
      await listenTLS({ key, cert }, (_req, res) => res.writeHead(200).end('tls ok')),
      (s) => s.close()
    )
    mtlsServer = teardown.add(
      await listenTLS(
        { key, cert, ca: certs.read(certs.caFile), requestCert: true, rejectUnauthorized: true },
        (_req, res) => res.writeHead(200).end('mtls ok')
      ),
      (s) => s.close()
    )
  })
  after(() => teardown.run())

  it('verifies the server against ca_file and honours insecure_skip_verify and server_name', async () => {
    const cases = [
      // The test CA signed the server certificate (SAN IP 127.0.0.1).
      { tls: { insecure_skip_verify: false, ca_file: certs.caFile }, ok: true },
      // Without the CA the system roots do not know it.
      { tls: { insecure_skip_verify: false }, ok: false },
      // An unrelated CA does not verify it either.
      { tls: { insecure_skip_verify: false, ca_file: certs.otherCaFile }, ok: false },
      // insecure_skip_verify accepts anything.
      { tls: { insecure_skip_verify: true }, ok: true },
      // server_name matching a SAN DNS name verifies.
      {
        tls: { insecure_skip_verify: false, ca_file: certs.caFile, server_name: 'alertmesh.test' },
        ok: true,
      },
      // server_name not in the certificate fails verification.
      {
        tls: { insecure_skip_verify: false, ca_file: certs.caFile, server_name: 'wrong.test' },
        ok: false,
      },
      // min_version TLS13 against a server that allows 1.3.
      {
        tls: { insecure_skip_verify: false, ca_file: certs.caFile, min_version: 'TLS13' },
        ok: true,
      },
    ]
    for (const c of cases) {
      const client = createHttpClient(httpConfig({ tls_config: c.tls }), { userAgent: UA })
      if (c.ok) {
        const res = await postOnce(client, `${tlsServer.origin}/`)
        assert.equal(res.body, 'tls ok', JSON.stringify(c.tls))
      } else {
        const err = await rejection(postOnce(client, `${tlsServer.origin}/`))
        assert.equal(err.retryable, true, JSON.stringify(c.tls))
        assert.equal(err.reason, 'connectionError')
      }
    }
  })

  it('enforces min_version against a server that cannot meet it', async () => {
    const tls12 = await listenTLS(
      {
        key: certs.read(certs.serverKeyFile),
        cert: certs.read(certs.serverCertFile),
        maxVersion: 'TLSv1.2',
      },
      (_req, res) => res.writeHead(200).end('tls12')
    )
    try {
      const cases = [
        // The server speaks TLS 1.2 at most; requiring 1.3 fails the handshake (retryable).
        { min: 'TLS13', ok: false },
        // Requiring 1.2 works.
        { min: 'TLS12', ok: true },
      ]
      for (const c of cases) {
        const client = createHttpClient(
          httpConfig({
            tls_config: { insecure_skip_verify: false, ca_file: certs.caFile, min_version: c.min },
          }),
          { userAgent: UA }
        )
        if (c.ok) {
          assert.equal((await postOnce(client, `${tls12.origin}/`)).body, 'tls12')
        } else {
          const err = await rejection(postOnce(client, `${tls12.origin}/`))
          assert.equal(err.reason, 'connectionError')
        }
      }
    } finally {
      await tls12.close()
    }
  })

  it('presents cert_file/key_file as the client certificate', async () => {
    const withCert = createHttpClient(
      httpConfig({
        tls_config: {
          insecure_skip_verify: false,
          ca_file: certs.caFile,
          cert_file: certs.clientCertFile,
          key_file: certs.clientKeyFile,
        },
      }),
      { userAgent: UA }
    )
    assert.equal((await postOnce(withCert, `${mtlsServer.origin}/`)).body, 'mtls ok')
    const without = createHttpClient(
      httpConfig({ tls_config: { insecure_skip_verify: false, ca_file: certs.caFile } }),
      { userAgent: UA }
    )
    const err = await rejection(postOnce(without, `${mtlsServer.origin}/`))
    assert.equal(err.retryable, true)
  })

  it('re-reads ca_file before each request and picks up a replaced CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmesh-ca-'))
    const caFile = join(dir, 'ca.crt')
    copyFileSync(certs.otherCaFile, caFile)
    const client = createHttpClient(
      httpConfig({ tls_config: { insecure_skip_verify: false, ca_file: caFile } }),
      { userAgent: UA }
    )
    try {
      await rejection(client.post(`${tlsServer.origin}/`, '{}', {}, never))
      copyFileSync(certs.caFile, caFile)
      const res = await client.post(`${tlsServer.origin}/`, '{}', {}, never)
      assert.equal(res.body, 'tls ok')
    } finally {
      await client.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects unusable tls_config at build time with prometheus/common messages', () => {
    const cases = [
      // Missing CA file.
      {
        tls: { insecure_skip_verify: false, ca_file: '/nonexistent/ca.crt' },
        message: /^unable to load specified CA cert \/nonexistent\/ca\.crt: /,
      },
      // A file that holds no certificate.
      {
        tls: { insecure_skip_verify: false, ca_file: certs.serverKeyFile },
        message: /^unable to use specified CA cert /,
      },
      // Cert without key.
      {
        tls: { insecure_skip_verify: false, cert_file: certs.clientCertFile },
        message: /^client cert file ".*client\.crt" specified without client key file$/,
      },
      // Key without cert.
      {
        tls: { insecure_skip_verify: false, key_file: certs.clientKeyFile },
        message: /^client key file ".*client\.key" specified without client cert file$/,
      },
      // Cert and key that do not belong together.
      {
        tls: {
          insecure_skip_verify: false,
          cert_file: certs.clientCertFile,
          key_file: certs.serverKeyFile,
        },
        message: /^unable to use specified client cert/,
      },
      // max_version below min_version.
      {
        tls: { insecure_skip_verify: false, min_version: 'TLS13', max_version: 'TLS12' },
        message:
          /^tls_config\.max_version must be greater than or equal to tls_config\.min_version/,
      },
    ]
    for (const c of cases) {
      assert.throws(
        () => createHttpClient(httpConfig({ tls_config: c.tls }), { userAgent: UA }),
        (err: unknown) => {
          assert.ok(err instanceof HttpConfigError)
          assert.match(err.message, c.message)
          return true
        }
      )
    }
  })

  it('negotiates HTTP/2 over TLS only when enable_http2 is true', async () => {
    const versions: string[] = []
    const h2 = createSecureServer(
      {
        key: certs.read(certs.serverKeyFile),
        cert: certs.read(certs.serverCertFile),
        allowHTTP1: true,
      },
      (req, res) => {
        versions.push(req.httpVersion)
        req.resume()
        req.on('end', () => res.writeHead(200).end('h2'))
      }
    )
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve))
    const origin = `https://127.0.0.1:${(h2.address() as AddressInfo).port}`
    try {
      const cases = [
        // Go's transport is configured for h2 by ConfigureTransports.
        { enable: true, version: '2.0' },
        // enable_http2: false stays on HTTP/1.1.
        { enable: false, version: '1.1' },
      ]
      for (const c of cases) {
        const client = createHttpClient(
          httpConfig({
            enable_http2: c.enable,
            tls_config: { insecure_skip_verify: false, ca_file: certs.caFile },
          }),
          { userAgent: UA }
        )
        assert.equal((await postOnce(client, `${origin}/`)).status, 200)
        assert.equal(versions.at(-1), c.version)
      }
    } finally {
      h2.close()
    }
  })

  it('sends plain-http targets through proxy_url as absolute-URI requests with proxy credentials', async () => {
    const proxy = await listenProxy()
    const target = await listen((_req, res) => res.writeHead(200).end('via proxy'))
    try {
      const proxyURL = `http://pu:pp@127.0.0.1:${proxy.port}`
      const res = await postOnce(
        createHttpClient(httpConfig({ proxy_url: proxyURL }), { userAgent: UA }),
        `${target.origin}/hook?x=1`
      )
      assert.equal(res.body, 'via proxy')
      assert.deepEqual(proxy.log.forwards.at(-1), {
        url: `${target.origin}/hook?x=1`,
        proxyAuthorization: `Basic ${Buffer.from('pu:pp').toString('base64')}`,
      })
      assert.equal(target.requests.at(-1)!.url, '/hook?x=1')
    } finally {
      await proxy.close()
      await target.close()
    }
  })

  it('tunnels https targets through proxy_url with CONNECT', async () => {
    const proxy = await listenProxy()
    try {
      const client = createHttpClient(
        httpConfig({
          proxy_url: proxy.origin,
          tls_config: { insecure_skip_verify: false, ca_file: certs.caFile },
        }),
        { userAgent: UA }
      )
      assert.equal((await postOnce(client, `${tlsServer.origin}/`)).body, 'tls ok')
      assert.equal(proxy.log.connects.at(-1)?.target, `127.0.0.1:${tlsServer.port}`)
    } finally {
      await proxy.close()
    }
  })

  it('builds with a proxy_url it cannot use, as 0.25 loads one, and fails every request retryably without quoting it', async () => {
    const cases = [
      // Not a URL at all (Go parses `foo` as a relative URL and fails at connect time).
      { proxy: 'not a url', message: 'invalid proxy_url: not a URL' },
      // A scheme Go's transport cannot proxy through.
      { proxy: 'ftp://user:secret@proxy:21', message: 'unsupported scheme "ftp" for proxy_url' },
    ]
    for (const c of cases) {
      const client = createHttpClient(httpConfig({ proxy_url: c.proxy }), { userAgent: UA })
      await assert.rejects(postOnce(client, 'http://127.0.0.1:9/hook'), (err: unknown) => {
        assert.ok(err instanceof NotifyError, String(err))
        assert.ok(err.retryable)
        assert.match(err.message, new RegExp(c.message.replaceAll('"', '.')))
        assert.ok(!err.message.includes('secret'), err.message)
        return true
      })
      await client.close()
    }
  })
})
