import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { FlagError, parseCommandLine, usage } from '#src/cli/flags.js'
import type { Flags } from '#src/cli/flags.js'

const S = 1000
const INSECURE = 'cluster.allow-insecure-public-advertise-address-discovery'
const M = 60 * S
const H = 60 * M

/** flags parses a node command line, failing the test unless it asks to run. */
function flags(argv: string[]): Flags {
  const command = parseCommandLine(argv, {})
  assert.equal(command.kind, 'run')
  return command.flags
}

describe('parseCommandLine defaults', () => {
  it("uses Alertmanager 0.25's upstream defaults for every flag", () => {
    assert.deepEqual(flags([]), {
      configFile: 'alertmanager.yml',
      storagePath: 'data/',
      dataRetentionMs: 120 * H,
      dataMaintenanceIntervalMs: 15 * M,
      alertsGcIntervalMs: 30 * M,
      webListenAddresses: [':9093'],
      webConfigFile: '',
      webSystemdSocket: false,
      webExternalUrl: '',
      webRoutePrefix: '',
      webGetConcurrency: 0,
      webTimeoutMs: 0,
      clusterListenAddress: '0.0.0.0:9094',
      clusterProtocol: 'alertmesh',
      clusterAdvertiseAddress: '',
      clusterPeers: [],
      clusterPeerTimeoutMs: 15 * S,
      clusterGossipIntervalMs: 200,
      clusterPushpullIntervalMs: M,
      clusterTcpTimeoutMs: 10 * S,
      clusterProbeTimeoutMs: 500,
      clusterProbeIntervalMs: S,
      clusterSettleTimeoutMs: M,
      clusterReconnectIntervalMs: 10 * S,
      clusterReconnectTimeoutMs: 6 * H,
      clusterTlsConfig: '',
      clusterKeyFile: '',
      clusterAllowInsecurePublicAdvertise: false,
      nodeName: '',
      consul: undefined,
      logLevel: 'info',
      logFormat: 'logfmt',
    })
  })
})

describe('parseCommandLine values', () => {
  const cases: { name: string; argv: string[]; want: Partial<Flags> }[] = [
    // --flag=value.
    {
      name: 'a string with =',
      argv: ['--config.file=/etc/am.yml'],
      want: { configFile: '/etc/am.yml' },
    },
    // --flag value.
    {
      name: 'a string as the next argument',
      argv: ['--config.file', '/etc/am.yml'],
      want: { configFile: '/etc/am.yml' },
    },
    // Only the first = separates name and value.
    {
      name: 'a value containing =',
      argv: ['--web.external-url=http://h/?a=b'],
      want: { webExternalUrl: 'http://h/?a=b' },
    },
    // An empty value with = (disables HA).
    {
      name: 'an empty value',
      argv: ['--cluster.listen-address='],
      want: { clusterListenAddress: '' },
    },
    // Durations in Go syntax, both forms.
    {
      name: 'a duration with =',
      argv: ['--data.retention=1h30m'],
      want: { dataRetentionMs: 90 * M },
    },
    {
      name: 'a duration as the next argument',
      argv: ['--cluster.peer-timeout', '2s'],
      want: { clusterPeerTimeoutMs: 2 * S },
    },
    // Integers, including negative ones.
    { name: 'an integer', argv: ['--web.get-concurrency=16'], want: { webGetConcurrency: 16 } },
    {
      name: 'a negative integer',
      argv: ['--web.get-concurrency=-1'],
      want: { webGetConcurrency: -1 },
    },
    // Bools: bare flag, --no-flag, explicit values.
    {
      name: 'a bare bool',
      argv: [`--${INSECURE}`],
      want: { clusterAllowInsecurePublicAdvertise: true },
    },
    {
      name: 'a --no- bool',
      argv: [`--no-${INSECURE}`],
      want: { clusterAllowInsecurePublicAdvertise: false },
    },
    {
      name: 'a bool =false',
      argv: [`--${INSECURE}=false`],
      want: { clusterAllowInsecurePublicAdvertise: false },
    },
    {
      name: 'a bool =1',
      argv: [`--${INSECURE}=1`],
      want: { clusterAllowInsecurePublicAdvertise: true },
    },
    {
      name: 'a bool =T',
      argv: [`--${INSECURE}=T`],
      want: { clusterAllowInsecurePublicAdvertise: true },
    },
    // An unsupported bool is accepted while off.
    {
      name: 'a --no- bool that is not supported',
      argv: ['--no-web.systemd-socket'],
      want: { webSystemdSocket: false },
    },
    // A bare bool does not swallow the next argument.
    {
      name: 'a bare bool before another flag',
      argv: [`--${INSECURE}`, '--config.file=x'],
      want: { clusterAllowInsecurePublicAdvertise: true, configFile: 'x' },
    },
    // Repeatable flags collect every value and replace the default.
    {
      name: 'repeated listen addresses',
      argv: ['--web.listen-address=:9093', '--web.listen-address', '127.0.0.1:9095'],
      want: { webListenAddresses: [':9093', '127.0.0.1:9095'] },
    },
    {
      name: 'repeated peers in both forms',
      argv: ['--cluster.peer=a:9094', '--cluster.peer', 'b:9094', '--cluster.peer=c:9094'],
      want: { clusterPeers: ['a:9094', 'b:9094', 'c:9094'] },
    },
    // Log options.
    {
      name: 'log level and format',
      argv: ['--log.level=debug', '--log.format', 'json'],
      want: { logLevel: 'debug', logFormat: 'json' },
    },
    // Debian's extra flag is accepted (and has no effect on Flags).
    { name: "Debian's --web.ui-path", argv: ['--web.ui-path=/usr/share/ui'], want: {} },
  ]
  for (const c of cases) {
    it(`reads ${c.name}`, () => {
      const got = flags(c.argv)
      for (const [key, value] of Object.entries(c.want)) {
        assert.deepEqual(got[key as keyof Flags], value, key)
      }
    })
  }
})

describe('parseCommandLine commands', () => {
  const cases: { argv: string[]; kind: 'help' | 'version' }[] = [
    // Long and short help.
    { argv: ['--help'], kind: 'help' },
    { argv: ['-h'], kind: 'help' },
    // Version, even after other flags.
    { argv: ['--config.file=x', '--version'], kind: 'version' },
  ]
  for (const c of cases) {
    it(`answers ${c.argv.join(' ')} with ${c.kind}`, () => {
      assert.equal(parseCommandLine(c.argv).kind, c.kind)
    })
  }

  it('lists every flag with its default in the help text', () => {
    const text = usage()
    assert.match(text, /^usage: alertmesh \[<flags>\]/)
    assert.match(
      text,
      /--data\.retention=DURATION\n {6}How long to keep data for\. \(default: 120h0m0s\)/
    )
    assert.match(text, /--web\.listen-address=VALUE\n.*\(default: :9093\)/)
    assert.match(text, /--web\.systemd-socket\n/)
  })
})

describe('parseCommandLine errors', () => {
  const cases: { name: string; argv: string[]; message: string | RegExp }[] = [
    // kingpin's wording for an unknown flag.
    {
      name: 'an unknown flag',
      argv: ['--nope'],
      message: "unknown long flag '--nope', try --help",
    },
    // --no- only exists for bools.
    {
      name: '--no- on a string flag',
      argv: ['--no-config.file'],
      message: "unknown long flag '--no-config.file', try --help",
    },
    // A positional argument.
    { name: 'a stray argument', argv: ['stray'], message: 'unexpected stray, try --help' },
    // A value flag at the end.
    {
      name: 'a missing value',
      argv: ['--config.file'],
      message: "expected argument for flag '--config.file'",
    },
    // kingpin does not take a following flag as the value.
    {
      name: 'a flag where the value belongs',
      argv: ['--config.file', '--storage.path=x'],
      message: "expected argument for flag '--config.file'",
    },
    // A non-repeatable flag given twice (Alertmanager refuses to start).
    {
      name: 'a repeated single-value flag',
      argv: ['--log.level=info', '--log.level=debug'],
      message: "flag 'log.level' cannot be repeated, try --help",
    },
    // Also when the second one is the --no- form of a bool.
    {
      name: 'a bool given twice',
      argv: ['--web.systemd-socket', '--no-web.systemd-socket'],
      message: "flag 'web.systemd-socket' cannot be repeated, try --help",
    },
    // Bad values name the flag and carry Go's duration message.
    {
      name: 'a bad duration',
      argv: ['--data.retention=forever'],
      message:
        'invalid value "forever" for flag --data.retention: time: invalid duration "forever"',
    },
    {
      name: 'a bad integer',
      argv: ['--web.get-concurrency', 'many'],
      message: /^invalid value "many" for flag --web\.get-concurrency/,
    },
    {
      name: 'a bad bool',
      argv: ['--web.systemd-socket=maybe'],
      message: /^invalid value "maybe" for flag --web\.systemd-socket/,
    },
    {
      name: 'an unknown log level',
      argv: ['--log.level=loud'],
      message: /^invalid value "loud" for flag --log\.level/,
    },
    {
      name: 'an unknown log format',
      argv: ['--log.format=xml'],
      message: /^invalid value "xml" for flag --log\.format/,
    },
    // Web server features alertmesh does not have are refused rather than ignored.
    {
      name: '--web.systemd-socket',
      argv: ['--web.systemd-socket'],
      message: /^--web\.systemd-socket is not supported yet/,
    },
    // Alertmanager refuses a zero maintenance interval.
    {
      name: 'a zero maintenance interval',
      argv: ['--data.maintenance-interval=0s'],
      message: '--data.maintenance-interval must be greater than 0',
    },
  ]
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      assert.throws(
        () => parseCommandLine(c.argv, {}),
        (err: unknown) => {
          assert.ok(err instanceof FlagError, String(err))
          if (typeof c.message === 'string') {
            assert.equal(err.message, c.message)
          } else {
            assert.match(err.message, c.message)
          }
          return true
        }
      )
    })
  }
})

describe('--cluster.tls-config', () => {
  it('is taken as a path; the file is read when the node starts', () => {
    assert.equal(
      flags(['--cluster.tls-config=/etc/alertmesh/tls.yml']).clusterTlsConfig,
      '/etc/alertmesh/tls.yml'
    )
  })
})
