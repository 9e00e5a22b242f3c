import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { consulSettings, normalizeConsulAddress } from '#src/cli/consul-flags.js'
import { FlagError, parseCommandLine } from '#src/cli/flags.js'
import type { Flags } from '#src/cli/flags.js'

type Env = Record<string, string>

function consulOf(argv: string[], env: Env = {}): Flags['consul'] {
  const command = parseCommandLine(argv, env)
  assert.equal(command.kind, 'run')
  return command.flags.consul
}

describe('Consul mode selection', () => {
  it('stays in file mode without an address', () => {
    assert.equal(consulOf([]), undefined)
    // Env tokens alone (set for other tools) do not switch modes.
    assert.equal(consulOf([], { CONSUL_HTTP_TOKEN: 't' }), undefined)
  })

  it('takes the address from --consul.address with Consul defaults', () => {
    assert.deepEqual(consulOf(['--consul.address=127.0.0.1:8500']), {
      baseUrl: 'http://127.0.0.1:8500',
      token: undefined,
      tokenFile: undefined,
      datacenter: undefined,
      kvPrefix: 'alertmesh',
      serviceName: 'alertmesh',
      checkTtlMs: 15_000,
      caFile: undefined,
      certFile: undefined,
      keyFile: undefined,
      tlsServerName: undefined,
      tlsSkipVerify: false,
    })
  })

  it('reads CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN and CONSUL_HTTP_SSL like the consul CLI', () => {
    const c = consulOf([], {
      CONSUL_HTTP_ADDR: 'consul.local:8501',
      CONSUL_HTTP_SSL: 'true',
      CONSUL_HTTP_TOKEN: 'secret',
      CONSUL_CACERT: '/ca.pem',
      CONSUL_HTTP_SSL_VERIFY: 'false',
    })
    assert.equal(c!.baseUrl, 'https://consul.local:8501')
    assert.equal(c!.token, 'secret')
    assert.equal(c!.caFile, '/ca.pem')
    assert.equal(c!.tlsSkipVerify, true)
  })

  it('lets an explicit --config.file win over CONSUL_HTTP_ADDR from the environment', () => {
    assert.equal(
      consulOf(['--config.file=a.yml'], { CONSUL_HTTP_ADDR: '127.0.0.1:8500' }),
      undefined
    )
  })

  it('prefers a token file given on the command line over the env token', () => {
    const c = consulOf(['--consul.address=h:1', '--consul.token-file=/t'], {
      CONSUL_HTTP_TOKEN: 'env',
    })
    assert.equal(c?.token, undefined)
    assert.equal(c?.tokenFile, '/t')
  })

  it('trims slashes from the KV prefix', () => {
    assert.equal(
      consulOf(['--consul.address=h:1', '--consul.kv-prefix=/team/am/'])?.kvPrefix,
      'team/am'
    )
  })
})

describe('Consul flag combinations that are refused', () => {
  const cases: { name: string; argv: string[]; env?: Env; message: RegExp }[] = [
    // Two config sources given explicitly.
    {
      name: '--config.file with --consul.address',
      argv: ['--config.file=a.yml', '--consul.address=h:8500'],
      message: /--config\.file and --consul\.address exclude each other/,
    },
    // A Consul setting that would silently do nothing.
    {
      name: '--consul.kv-prefix without an address',
      argv: ['--consul.kv-prefix=x'],
      message: /--consul\.kv-prefix needs --consul\.address/,
    },
    // Two token sources.
    {
      name: 'token and token file',
      argv: ['--consul.address=h:1', '--consul.token=a', '--consul.token-file=/b'],
      message: /exclude each other/,
    },
    // TLS settings on plain http would send the token in clear text.
    {
      name: 'a CA file on an http address',
      argv: ['--consul.address=http://h:8500', '--consul.ca-file=/ca.pem'],
      message: /--consul\.ca-file needs an https Consul address/,
    },
    // Half a client certificate.
    {
      name: 'a cert without a key',
      argv: ['--consul.address=https://h:8501', '--consul.cert-file=/c.pem'],
      message: /--consul\.cert-file and --consul\.key-file go together/,
    },
    // Unix sockets are not supported by the client.
    {
      name: 'a unix socket',
      argv: ['--consul.address=unix:///tmp/consul.sock'],
      message: /unix sockets are not supported/,
    },
    // A path would be appended to /v1 wrongly.
    {
      name: 'an address with a path',
      argv: ['--consul.address=http://h:8500/v1'],
      message: /give only scheme, host and port/,
    },
    {
      name: 'an empty prefix',
      argv: ['--consul.address=h:1', '--consul.kv-prefix=/'],
      message: /--consul\.kv-prefix must not be empty/,
    },
  ]
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      assert.throws(
        () => parseCommandLine(c.argv, c.env ?? {}),
        (err: unknown) => err instanceof FlagError && c.message.test(err.message)
      )
    })
  }
})

describe('normalizeConsulAddress', () => {
  it('keeps explicit schemes and adds http by default', () => {
    assert.equal(normalizeConsulAddress('127.0.0.1:8500', false), 'http://127.0.0.1:8500')
    assert.equal(normalizeConsulAddress('https://h:8501/', false), 'https://h:8501')
    assert.equal(normalizeConsulAddress('[::1]:8500', false), 'http://[::1]:8500')
  })
})

describe('consulSettings', () => {
  it('reads the token file and TLS files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'consul-flags-'))
    await writeFile(join(dir, 'token'), 'tok\n')
    await writeFile(join(dir, 'ca.pem'), 'CA')
    const c = consulOf([
      '--consul.address=https://h:8501',
      `--consul.token-file=${join(dir, 'token')}`,
      `--consul.ca-file=${join(dir, 'ca.pem')}`,
      '--consul.datacenter=dc2',
    ])
    assert.ok(c !== undefined)
    const settings = await consulSettings(c)
    assert.equal(settings.token, 'tok')
    assert.equal(settings.datacenter, 'dc2')
    assert.equal(settings.tls?.ca?.toString(), 'CA')
  })

  it('names the flag when a file cannot be read', async () => {
    const c = consulOf(['--consul.address=h:1', '--consul.token-file=/nonexistent/token'])
    assert.ok(c !== undefined)
    await assert.rejects(
      consulSettings(c),
      /--consul\.token-file \/nonexistent\/token: .*check the path/
    )
  })
})
