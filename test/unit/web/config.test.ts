import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  BasicAuth,
  FAKE_HASH,
  UnsupportedTlsError,
  buildServerTls,
  checkHonoured,
  compareGoHash,
  parseBasicAuth,
  parseWebConfig,
  validateWebConfigFile,
} from '#src/web/index.js'

import { describeFileCases } from '../../support/file-cases.js'
import type { FileCase } from '../../support/file-cases.js'
import { makeWebCertificates } from '../../support/web-certificates.js'
import { toolkitValidate, webConfigOracleMissing } from '../../support/web-config-oracle.js'

const dir = mkdtempSync(join(tmpdir(), 'alertmesh-web-config-'))
const certs = makeWebCertificates(dir)
/** HASH is bcrypt("secret") at cost 4 (cheap for tests). */
const HASH = '$2b$04$B/bBDpo3FfNTpStKUij8B.FLKiPc8L5MAhNr.Qv94PUA74geX72Yy'

const tls = (extra: string): string =>
  `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n${extra}`

/**
 * CASES are web config files and the error exporter-toolkit's web.Validate gives each ('' for
 * a valid one), as the Go oracle prints them; the test checks both alertmesh and, when Go is
 * installed, the oracle against the same text.
 */
const CASES: readonly FileCase[] = [
  { name: 'empty file', text: '', want: '' },
  { name: 'users only', text: `basic_auth_users:\n  alice: ${HASH}\n`, want: '' },
  {
    name: 'every TLS field',
    text: tls(
      [
        '  client_auth_type: RequireAndVerifyClientCert',
        `  client_ca_file: ${certs.caCert}`,
        '  min_version: TLS12',
        '  max_version: TLS13',
        '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]',
        '  prefer_server_cipher_suites: false',
        '  curve_preferences: [CurveP256, X25519]',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        '    Strict-Transport-Security: max-age=31536000',
        '',
      ].join('\n')
    ),
    want: '',
  },
  // Unknown fields: yaml.v2's UnmarshalStrict names each, per struct type.
  {
    name: 'unknown top-level field',
    text: 'foo: 1\n',
    want: 'yaml: unmarshal errors:\n  line 1: field foo not found in type web.Config',
  },
  {
    name: 'unknown fields in both sections',
    text: tls('  bogus: 1\n  other: 2\nhttp_server_config:\n  nope: 1\n'),
    want: 'yaml: unmarshal errors:\n  line 4: field bogus not found in type web.TLSConfig\n  line 5: field other not found in type web.TLSConfig\n  line 7: field nope not found in type web.HTTPConfig',
  },
  {
    name: 'duplicate field',
    text: tls('  cert_file: x\n'),
    want: 'yaml: unmarshal errors:\n  line 4: field cert_file already set in type web.TLSConfig',
  },
  {
    name: 'section of the wrong type',
    text: 'tls_server_config: 3\n',
    want: 'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `3` into web.TLSConfig',
  },
  {
    name: 'http2 not a bool',
    text: 'http_server_config:\n  http2: abc\n',
    want: 'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `abc` into bool',
  },
  {
    name: 'password not a string',
    text: 'basic_auth_users:\n  alice: [1]\n',
    want: 'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into config.plain',
  },
  {
    name: 'YAML syntax',
    text: 'foo: [\n',
    want: 'yaml: line 1: did not find expected node content',
    // The YAML reader is js-yaml (src/config/goyaml), whose syntax messages are its own.
    alertmesh: 'yaml: line 2: deficient indentation',
  },
  // The toolkit's own unmarshalers.
  { name: 'unknown cipher', text: tls('  cipher_suites: [FOO]\n'), want: 'unknown cipher: FOO' },
  {
    name: 'insecure cipher',
    text: tls('  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n'),
    want: 'unknown cipher: TLS_RSA_WITH_RC4_128_SHA',
  },
  {
    name: 'unknown curve',
    text: tls('  curve_preferences: [P256]\n'),
    want: 'unknown curve: P256',
  },
  {
    name: 'unknown version',
    text: tls('  min_version: TLS14\n'),
    want: 'unknown TLS version: TLS14',
  },
  { name: 'numeric version', text: tls('  max_version: 12\n'), want: 'unknown TLS version: 12' },
  // Headers.
  {
    name: 'header not allowed',
    text: 'http_server_config:\n  headers:\n    Foo: bar\n',
    want: 'HTTP header "Foo" can not be configured',
  },
  {
    name: 'header names are case-sensitive',
    text: 'http_server_config:\n  headers:\n    x-frame-options: deny\n',
    want: 'HTTP header "x-frame-options" can not be configured',
  },
  {
    name: 'header value not allowed',
    text: 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
    want: 'invalid value for X-Frame-Options. Expected one of: ["deny" "sameorigin"], but got: "allow"',
  },
  // bcrypt hashes (validateUsers).
  {
    name: 'not a hash',
    text: 'basic_auth_users:\n  alice: notahash\n',
    want: 'crypto/bcrypt: hashedSecret too short to be a bcrypted password',
  },
  {
    name: 'cost out of range',
    text: `basic_auth_users:\n  alice: ${HASH.replace('$04$', '$99$')}\n`,
    want: 'crypto/bcrypt: cost 99 is outside allowed range (4,31)',
  },
  {
    name: 'no leading $',
    text: `basic_auth_users:\n  alice: x${HASH.slice(1)}\n`,
    want: "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'",
  },
  {
    name: 'version too new',
    text: `basic_auth_users:\n  alice: $3${HASH.slice(2)}\n`,
    want: "crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'",
  },
  {
    name: 'cost not a number',
    text: `basic_auth_users:\n  alice: ${HASH.replace('$04$', '$0x$')}\n`,
    want: 'strconv.Atoi: parsing "0x": invalid syntax',
  },
  // ConfigToTLSConfig.
  {
    name: 'cert without key',
    text: `tls_server_config:\n  cert_file: ${certs.serverCert}\n`,
    want: 'missing key_file',
  },
  {
    name: 'key without cert',
    text: `tls_server_config:\n  key_file: ${certs.serverKey}\n`,
    want: 'missing cert_file',
  },
  {
    name: 'client auth without cert',
    text: 'tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n',
    want: 'missing cert_file',
  },
  {
    name: 'missing certificate file',
    text: `tls_server_config:\n  cert_file: ${dir}/nope.crt\n  key_file: ${certs.serverKey}\n`,
    want: `failed to load X509KeyPair: open ${dir}/nope.crt: no such file or directory`,
  },
  {
    name: 'certificate as key',
    text: `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverCert}\n`,
    want: 'failed to load X509KeyPair: tls: found a certificate rather than a key in the PEM for the private key',
  },
  {
    name: 'key of another certificate',
    text: `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.clientKey}\n`,
    want: 'failed to load X509KeyPair: tls: private key does not match public key',
  },
  {
    name: 'unknown client auth type',
    text: tls('  client_auth_type: Foo\n'),
    want: 'Invalid ClientAuth: Foo',
  },
  {
    name: 'client CA without policy',
    text: tls(`  client_ca_file: ${certs.caCert}\n`),
    want: "Client CA's have been configured without a Client Auth Policy",
  },
  {
    name: 'missing client CA',
    text: tls(
      `  client_ca_file: ${dir}/nope.pem\n  client_auth_type: RequireAndVerifyClientCert\n`
    ),
    want: `open ${dir}/nope.pem: no such file or directory`,
  },
  ...[
    'NoClientCert',
    'RequestClientCert',
    'RequireClientCert',
    'RequireAnyClientCert',
    'VerifyClientCertIfGiven',
  ].map((type) => ({
    name: `client_auth_type ${type}`,
    text: tls(`  client_auth_type: ${type}\n`),
    want: '',
  })),
]

describeFileCases('web config file validation (exporter-toolkit web.Validate)', {
  dir,
  cases: CASES,
  load: validateWebConfigFile,
  oracle: {
    title: 'the Go toolkit gives the same answers',
    missing: webConfigOracleMissing(),
    answers: toolkitValidate,
  },
})

describe('parseWebConfig defaults and paths', () => {
  it('has the toolkit defaults', () => {
    const c = parseWebConfig('', '/etc/alertmesh/web.yml')
    assert.equal(c.tlsServerConfig.minVersion, 'TLS12')
    assert.equal(c.tlsServerConfig.maxVersion, 'TLS13')
    assert.equal(c.tlsServerConfig.preferServerCipherSuites, true)
    assert.equal(c.httpServerConfig.http2, true)
  })
  it('joins relative paths with the file directory', () => {
    const c = parseWebConfig(
      'tls_server_config:\n  cert_file: a.crt\n  key_file: /abs/a.key\n',
      '/etc/alertmesh/web.yml'
    )
    assert.equal(c.tlsServerConfig.certFile, '/etc/alertmesh/a.crt')
    assert.equal(c.tlsServerConfig.keyFile, '/abs/a.key')
  })
  it('reads yaml.v2 booleans', () => {
    const c = parseWebConfig('http_server_config:\n  http2: no\n', '/w.yml')
    assert.equal(c.httpServerConfig.http2, false)
  })
})

describe('basic auth', () => {
  it('parses Go Request.BasicAuth forms', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64')
    assert.deepEqual(parseBasicAuth(`Basic ${b64('a:b:c')}`), { user: 'a', password: 'b:c' })
    assert.deepEqual(parseBasicAuth(`bAsIc ${b64('a:')}`), { user: 'a', password: '' })
    assert.equal(parseBasicAuth(`Basic ${b64('nocolon')}`), undefined)
    assert.equal(parseBasicAuth('Bearer x'), undefined)
    assert.equal(parseBasicAuth('Basic !!!'), undefined)
    assert.equal(parseBasicAuth(undefined), undefined)
  })

  it('compares Go bcrypt prefixes ($2y$, $2a$, $2$) with bcryptjs', async () => {
    assert.equal(await compareGoHash('fakepassword', FAKE_HASH), true)
    assert.equal(await compareGoHash('secret', HASH), true)
    assert.equal(await compareGoHash('secret', HASH.replace('$2b$', '$2a$')), true)
    assert.equal(await compareGoHash('wrong', HASH), false)
    assert.equal(await compareGoHash('secret', 'garbage'), false)
  })

  it('runs bcrypt once per (user, hash, password) and compares the fake hash for unknown users', async () => {
    const compared: string[] = []
    const auth = new BasicAuth({
      compare: (password, hash) => {
        compared.push(hash)
        return compareGoHash(password, hash)
      },
    })
    const users = new Map([['alice', HASH]])
    for (let i = 0; i < 5; i++) {
      assert.equal(await auth.verify(users, { user: 'alice', password: 'secret' }), true)
    }
    assert.equal(await auth.verify(users, { user: 'alice', password: 'wrong' }), false)
    assert.equal(await auth.verify(users, { user: 'bob', password: 'secret' }), false)
    assert.deepEqual(compared, [HASH, HASH, FAKE_HASH])
  })

  it('evicts at random once 100 verdicts are cached', async () => {
    const auth = new BasicAuth({ compare: () => Promise.resolve(false), random: () => 0 })
    const users = new Map([['alice', HASH]])
    for (let i = 0; i < 100; i++) {
      await auth.verify(users, { user: 'alice', password: String(i) })
    }
    assert.equal(auth.size, 100)
    await auth.verify(users, { user: 'alice', password: 'one more' })
    // cache.go's makeRoom deletes len/10 + 1 entries, then adds the new one.
    assert.equal(auth.size, 100 - 11 + 1)
  })
})

describe('tls_server_config on Node', () => {
  const config = (extra: string) => parseWebConfig(tls(extra), join(dir, 'web.yml')).tlsServerConfig

  it('maps versions, Go cipher and curve names to OpenSSL', () => {
    const c = config(
      [
        '  min_version: TLS11',
        '  max_version: TLS12',
        '  cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]',
        '  curve_preferences: [CurveP384, X25519]',
        '  prefer_server_cipher_suites: false',
        '',
      ].join('\n')
    )
    const { options, clientAuth } = buildServerTls(c)
    assert.equal(clientAuth, 'NoClientCert')
    assert.equal(options.minVersion, 'TLSv1.1')
    assert.equal(options.maxVersion, 'TLSv1.2')
    assert.equal(
      options.ciphers,
      'ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:@SECLEVEL=0'
    )
    assert.equal(options.ecdhCurve, 'P-384:X25519')
    // Go 1.19 always uses its own preference order; prefer_server_cipher_suites is a no-op.
    assert.equal(options.honorCipherOrder, true)
    checkHonoured(c, buildServerTls(c))
  })

  it("uses Go 1.19's defaults when fields are unset", () => {
    const { options } = buildServerTls(config(''))
    assert.equal(options.minVersion, 'TLSv1.2')
    assert.equal(options.ecdhCurve, 'X25519:P-256:P-384:P-521')
    assert.doesNotMatch(String(options.ciphers), /SECLEVEL/)
  })

  it('refuses at start, naming the field, what OpenSSL cannot do', () => {
    // A curve this OpenSSL lacks (as a FIPS build lacks X25519): simulated with a bad name.
    const c = { ...config(''), curvePreferences: ['CurveP999'] }
    assert.throws(
      () => {
        checkHonoured(c, buildServerTls(c))
      },
      (err: unknown) =>
        err instanceof UnsupportedTlsError &&
        /^tls_server_config\.curve_preferences cannot be honoured by Node\.js v\d+/.test(
          err.message
        )
    )
  })
})
