import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

import { basicAuthorization, configuredAuthorization } from '#src/notify/http/auth.js'
import { TransportError } from '#src/notify/http/errors.js'

import { httpConfig } from './servers.js'

const dir = mkdtempSync(join(tmpdir(), 'alertmesh-auth-unit-'))
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('basicAuthorization', () => {
  it('encodes username:password as UTF-8 base64 like Go SetBasicAuth', () => {
    // ASCII, the RFC 7617 example.
    assert.equal(basicAuthorization('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
    // Non-ASCII bytes are sent as UTF-8.
    assert.equal(basicAuthorization('é', ''), `Basic ${Buffer.from('é:').toString('base64')}`)
  })
})

describe('configuredAuthorization', () => {
  it('applies prometheus/common precedence: existing, basic_auth, bearer, authorization', async () => {
    const cases = [
      // A header already on the request (URL userinfo, caller) wins over everything.
      {
        config: { basic_auth: { username: 'a', password: 'b' } },
        existing: 'Basic given',
        want: 'Basic given',
      },
      // basic_auth beats bearer_token (outermost round tripper).
      {
        config: { basic_auth: { username: 'a', password: 'b' }, bearer_token: 't' },
        existing: undefined,
        want: basicAuthorization('a', 'b'),
      },
      // bearer_token beats authorization.
      {
        config: { bearer_token: 't', authorization: { type: 'X', credentials: 'c' } },
        existing: undefined,
        want: 'Bearer t',
      },
      // authorization alone.
      {
        config: { authorization: { type: 'X', credentials: 'c' } },
        existing: undefined,
        want: 'X c',
      },
      // Nothing configured, nothing sent.
      { config: {}, existing: undefined, want: undefined },
      // An empty existing header counts as absent (Go checks len(...) == 0).
      { config: { bearer_token: 't' }, existing: '', want: 'Bearer t' },
    ]
    for (const c of cases) {
      assert.equal(
        await configuredAuthorization(httpConfig(c.config), c.existing),
        c.want,
        JSON.stringify(c)
      )
    }
  })

  it('prefers password_file over an inline password', async () => {
    const file = join(dir, 'pw')
    writeFileSync(file, 'filepw\n')
    const got = await configuredAuthorization(
      httpConfig({ basic_auth: { username: 'u', password: 'inline', password_file: file } }),
      undefined
    )
    assert.equal(got, basicAuthorization('u', 'filepw'))
  })

  it('throws a TransportError naming the unreadable file', async () => {
    const missing = join(dir, 'nope')
    await assert.rejects(
      configuredAuthorization(httpConfig({ bearer_token_file: missing }), undefined),
      (err: unknown) => {
        assert.ok(err instanceof TransportError)
        assert.ok(
          err.message.startsWith(`unable to read authorization credentials file ${missing}: `)
        )
        return true
      }
    )
  })
})
