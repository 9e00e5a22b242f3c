import assert from 'node:assert/strict'
import type { Writable } from 'node:stream'
import { describe, it } from 'node:test'

import { configCommand } from '#src/cli/config-command.js'

/** run runs `alertmesh config ...` without a Consul address in the environment. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await configCommand(
    argv,
    {},
    { write: (s: string) => (out += s) } as unknown as Writable,
    { write: (s: string) => (err += s) } as unknown as Writable
  )
  return { code, out, err }
}

describe('config command flags', () => {
  it('lists every --consul.* flag with its environment variable in --help', async () => {
    const { code, out } = await run(['--help'])
    assert.equal(code, 0)
    assert.match(out, /^ {2}--consul\.address \(env CONSUL_HTTP_ADDR\)$/m)
    assert.match(out, /^ {2}--consul\.tls-skip-verify$/m)
  })

  const cases: { argv: string[]; err: string }[] = [
    // Unknown flags point at the config command's help.
    {
      argv: ['status', '--bogus=1'],
      err: "alertmesh: error: unknown long flag '--bogus', try alertmesh config --help\n",
    },
    // A value flag at the end.
    {
      argv: ['pull', '--output'],
      err: "alertmesh: error: expected argument for flag '--output'\n",
    },
    // Consul flags are checked as the node checks them.
    {
      argv: ['status', '--consul.token=t'],
      err: 'alertmesh: error: --consul.token needs --consul.address (or CONSUL_HTTP_ADDR); without it the config comes from --config.file\n',
    },
    // No address at all.
    {
      argv: ['status'],
      err: 'alertmesh: error: no Consul address: give --consul.address or set CONSUL_HTTP_ADDR (e.g. 127.0.0.1:8500)\n',
    },
    // push takes one FILE.
    { argv: ['push', 'a', 'b'], err: 'alertmesh: error: config push needs exactly one FILE\n' },
  ]
  for (const c of cases) {
    it(`refuses ${c.argv.join(' ')}`, async () => {
      const { code, err } = await run(c.argv)
      assert.equal(code, 1)
      assert.equal(err, c.err)
    })
  }
})
