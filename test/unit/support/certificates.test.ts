// certificateMaker: what the openssl certificates the TLS tests use hold.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'

import { certificateMaker } from '../../support/certificates.js'

describe('certificateMaker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertmesh-certificates-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const { path, ca, leaf } = certificateMaker(dir)
  const read = (name: string) => new X509Certificate(readFileSync(path(`${name}.crt`)))
  writeFileSync(path('server.ext'), 'subjectAltName=DNS:example.test,IP:127.0.0.1\n')
  ca('ca')
  ca('other', 'Other CA')
  leaf('server', { signer: 'ca', ext: 'server.ext', subject: 'example.test' })
  leaf('plain', { signer: 'other' })
  leaf('expired', { signer: 'ca', days: -1 })

  it('self-signs a CA with its name, or the given subject, as CN', () => {
    assert.equal(read('ca').subject, 'CN=ca')
    assert.equal(read('ca').issuer, 'CN=ca')
    assert.equal(read('other').subject, 'CN=Other CA')
    assert.ok(read('ca').verify(read('ca').publicKey))
  })

  it('signs a leaf by its signer, with the extension file and subject given', () => {
    const server = read('server')
    assert.equal(server.subject, 'CN=example.test')
    assert.equal(server.issuer, 'CN=ca')
    assert.ok(server.verify(read('ca').publicKey))
    assert.equal(server.subjectAltName, 'DNS:example.test, IP Address:127.0.0.1')
    assert.ok(Buffer.byteLength(readFileSync(path('server.key'))) > 0)
  })

  it('names a leaf after itself and adds no extension without a file', () => {
    const plain = read('plain')
    assert.equal(plain.subject, 'CN=plain')
    assert.ok(plain.verify(read('other').publicKey))
    assert.equal(plain.subjectAltName, undefined)
  })

  it('is valid two days by default, and over before it starts with days -1', () => {
    const days = (c: X509Certificate) =>
      (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000
    assert.equal(days(read('server')), 2)
    assert.ok(days(read('expired')) < 0)
  })
})
