import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import {
  buildTLSOptions,
  TLS_VERSIONS,
  tlsFilesDigest,
  tlsFilesDigestSync,
} from '#src/notify/http/tls-options.js'

import { makeCerts } from './servers.js'
import type { Certs } from './servers.js'

describe('buildTLSOptions', () => {
  let certs: Certs
  before(() => {
    certs = makeCerts()
  })
  after(() => {
    certs.cleanup()
  })

  it('maps each tls_config field to Node TLS options', () => {
    const cases = [
      // Defaults: verify, nothing else.
      { tls: { insecure_skip_verify: false }, want: { rejectUnauthorized: true } },
      // insecure_skip_verify turns verification off.
      { tls: { insecure_skip_verify: true }, want: { rejectUnauthorized: false } },
      // server_name becomes servername (SNI and verification name).
      {
        tls: { insecure_skip_verify: false, server_name: 'x.test' },
        want: { rejectUnauthorized: true, servername: 'x.test' },
      },
      // Version names map to Node's.
      {
        tls: { insecure_skip_verify: false, min_version: 'TLS12', max_version: 'TLS13' },
        want: { rejectUnauthorized: true, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
      },
    ]
    for (const c of cases) {
      assert.deepEqual(buildTLSOptions(c.tls), c.want)
    }
  })

  it('loads ca_file, cert_file and key_file contents', () => {
    const options = buildTLSOptions({
      insecure_skip_verify: false,
      ca_file: certs.caFile,
      cert_file: certs.clientCertFile,
      key_file: certs.clientKeyFile,
    })
    assert.match(String(options.ca), /BEGIN CERTIFICATE/)
    assert.equal(options.cert, certs.read(certs.clientCertFile))
    assert.equal(options.key, certs.read(certs.clientKeyFile))
  })

  it('rejects an unknown TLS version name', () => {
    assert.throws(() => buildTLSOptions({ insecure_skip_verify: false, min_version: 'SSL3' }), {
      message: 'unknown TLS version: SSL3 (tls_config.min_version)',
    })
  })

  it('knows the four versions prometheus/common accepts', () => {
    assert.deepEqual(Object.keys(TLS_VERSIONS), ['TLS10', 'TLS11', 'TLS12', 'TLS13'])
  })
})

describe('tlsFilesDigest', () => {
  it('is undefined without files and changes when a file changes', async () => {
    const certs = makeCerts()
    const dir = mkdtempSync(join(tmpdir(), 'alertmesh-digest-'))
    try {
      assert.equal(await tlsFilesDigest({ insecure_skip_verify: false }), undefined)
      const ca = join(dir, 'ca.crt')
      copyFileSync(certs.caFile, ca)
      const tls = { insecure_skip_verify: false, ca_file: ca }
      const first = await tlsFilesDigest(tls)
      assert.equal(tlsFilesDigestSync(tls), first)
      copyFileSync(certs.otherCaFile, ca)
      assert.notEqual(await tlsFilesDigest(tls), first)
    } finally {
      certs.cleanup()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
