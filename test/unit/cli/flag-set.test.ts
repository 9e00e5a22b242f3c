import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { ConsulFlagValues } from '#src/cli/consul-flags.js'
import { FlagError, defineFlags } from '#src/cli/flag-set.js'
import type { ParseOptions } from '#src/cli/flag-set.js'
import { NODE_FLAGS, parseCommandLine, usage } from '#src/cli/flags.js'
import type { Flags } from '#src/cli/flags.js'

const FLAGS = defineFlags({
  name: { kind: 'string', default: 'x', help: 'A string.' },
  peer: { kind: 'strings', help: 'Repeatable.' },
  port: { kind: 'int', help: 'No default.' },
  wait: { kind: 'duration', default: '1m', field: 'waitMs', help: 'A duration.' },
  quiet: { kind: 'bool', default: 'false', field: 'quiet', help: 'A bool.' },
  mode: { kind: 'enum', values: ['a', 'b'], default: 'a', help: 'An enum.' },
  text: { kind: 'string', required: true, help: 'Required.' },
  old: { kind: 'duration', default: '1s', compat: true, help: 'Does nothing.' },
})

/** refuses asserts that parsing argv fails with exactly this message. */
function refuses(argv: string[], message: string, options?: ParseOptions): void {
  assert.throws(
    () => FLAGS.parse(argv, options),
    (err: unknown) => err instanceof FlagError && err.message === message
  )
}

describe('defineFlags: misspelt flag names do not compile', () => {
  // Each @ts-expect-error below must meet a type error: if the misspelt access compiled, tsc
  // would report the directive as unused and the build (which type-checks tests) would fail.
  it('refuses a name the definition does not have', () => {
    const { values } = FLAGS.parse(['--text=t'])
    // @ts-expect-error -- 'nmae' is not a flag of FLAGS.
    assert.equal(values.nmae, undefined)
    assert.equal(values.name, 'x')
  })

  it("refuses a misspelt name among the node's flags and Flags fields", () => {
    const { values } = NODE_FLAGS.parse([])
    // @ts-expect-error -- the flag is cluster.peer-timeout.
    assert.equal(values['cluster.peer-timout'], undefined)
    assert.equal(values['cluster.peer-timeout'], 15_000)
    const command = parseCommandLine([], {})
    assert.equal(command.kind, 'run')
    // @ts-expect-error -- the field is clusterPeerTimeoutMs.
    assert.equal(command.flags.clusterPeerTimoutMs, undefined)
    assert.equal(command.flags.clusterPeerTimeoutMs, 15_000)
  })

  it('refuses a misspelt --consul.* name where Consul flags are resolved', () => {
    // @ts-expect-error -- the flag is consul.address.
    const given: Partial<ConsulFlagValues> = { 'consul.adress': 'h:1' }
    assert.equal(Object.keys(given).length, 1)
  })

  it('types each value by its kind, default and enum values', () => {
    const { values } = FLAGS.parse(['--text=t'])
    const mode: 'a' | 'b' = values.mode
    const port: number | undefined = values.port
    const peers: readonly string[] = values.peer
    const text: string = values.text
    // @ts-expect-error -- 'c' is not one of the enum's values.
    const notMode: typeof values.mode = 'c'
    // @ts-expect-error -- a Flags log level is one of debug, info, warn, error.
    const level: Flags['logLevel'] = 'loud'
    assert.deepEqual(
      [mode, port, peers, text, notMode, level],
      ['a', undefined, [], 't', 'c', 'loud']
    )
  })
})

describe('defineFlags parsing', () => {
  it('applies defaults and converts each kind', () => {
    const { values, given, positionals } = FLAGS.parse([
      '--text',
      't',
      '--port=-3',
      '--wait=1h30m',
      '--quiet',
      '--peer=a',
      '--peer',
      'b',
      '--mode=b',
    ])
    assert.deepEqual(values, {
      name: 'x',
      peer: ['a', 'b'],
      port: -3,
      wait: 90 * 60_000,
      quiet: true,
      mode: 'b',
      text: 't',
      old: 1000,
    })
    assert.deepEqual([...given], ['peer', 'port', 'wait', 'quiet', 'mode', 'text'])
    assert.deepEqual(positionals, [])
  })

  it('picks the fields', () => {
    const { values } = FLAGS.parse(['--text=t', '--no-quiet'])
    assert.deepEqual(FLAGS.fields(values), { waitMs: 60_000, quiet: false })
  })

  it('collects positionals only when asked, and stops at a stop argument', () => {
    const parsed = FLAGS.parse(['a', '--text=t', 'b', '--help', '--nope'], {
      positionals: true,
      stopAt: ['--help'],
    })
    assert.deepEqual(parsed.positionals, ['a', 'b'])
    assert.equal(parsed.stop, '--help')
    refuses(['a'], 'unexpected a, try --help')
  })

  const cases: { name: string; argv: string[]; message: string; options?: ParseOptions }[] = [
    // The grammar itself (--no-, a following flag, repeats, bad values) is tested through the
    // node's flags in flags.test.ts; here what a command can change: the hint…
    {
      name: 'an unknown flag with another hint',
      argv: ['--nope'],
      message: "unknown long flag '--nope', try x --help",
      options: { hint: 'try x --help' },
    },
    // …or kingpin's own wording (amtool's), which has none.
    {
      name: 'an unknown flag in kingpin wording',
      argv: ['--nope'],
      message: "unknown long flag '--nope'",
      options: { wording: 'kingpin' },
    },
    // Enums are checked after the whole line, then required flags.
    {
      name: 'a bad enum before an unknown flag',
      argv: ['--mode=c', '--nope'],
      message: "unknown long flag '--nope', try --help",
    },
    {
      name: 'a bad enum',
      argv: ['--mode=c'],
      message: 'invalid value "c" for flag --mode: must be one of a, b',
    },
    {
      name: 'a bad enum in kingpin wording',
      argv: ['--mode=c'],
      message: "enum value must be one of a,b, got 'c'",
      options: { wording: 'kingpin' },
    },
    { name: 'a missing required flag', argv: [], message: 'required flag --text not provided' },
  ]
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      refuses(c.argv, c.message, c.options)
    })
  }
})

describe('defineFlags help', () => {
  it('renders each flag, then the compatibility-only ones under their own heading', () => {
    assert.deepEqual(FLAGS.help().slice(-4), [
      '  --text=VALUE\n      Required.',
      '',
      'Accepted for compatibility with Alertmanager, without effect:',
      '  --old=DURATION\n      Does nothing. (default: 1s)',
    ])
  })

  it("lists Alertmanager's no-op node flags last, each saying it has no effect", () => {
    const text = usage()
    const compat = text.slice(text.indexOf('Accepted for compatibility with Alertmanager'))
    const names = [...compat.matchAll(/^ {2}--([a-z.-]+)/gm)].map((m) => m[1])
    assert.deepEqual(names, [
      'web.ui-path',
      'cluster.gossip-interval',
      'cluster.probe-timeout',
      'cluster.probe-interval',
      'cluster.allow-insecure-public-advertise-address-discovery',
    ])
    for (const name of names) {
      const def = NODE_FLAGS.defs[name as keyof typeof NODE_FLAGS.defs]
      assert.match(def.help, /no effect|compatibility/, name)
      assert.equal(text.indexOf(`--${name}`), text.lastIndexOf(`--${name}`), name)
    }
  })
})
