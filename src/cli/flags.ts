import { formatGoDuration, parseGoDuration } from '../util/index.js'

import { CONSUL_FLAGS, ConsulFlagsError, resolveConsulFlags } from './consul-flags.js'
import type { ConsulFlags } from './consul-flags.js'

/** FlagKind is how a flag's value is parsed (kingpin's String, Strings, Int, Bool, Duration). */
type FlagKind = 'string' | 'strings' | 'int' | 'bool' | 'duration'

interface FlagSpec {
  readonly name: string
  readonly kind: FlagKind
  readonly default: string | undefined
  readonly help: string
}

// Alertmanager 0.25's flags with upstream defaults (cmd/alertmanager/main.go), plus alertmesh's own at the end.
const FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    kind: 'string',
    default: 'alertmanager.yml',
    help: 'Alertmanager configuration file name.',
  },
  { name: 'storage.path', kind: 'string', default: 'data/', help: 'Base path for data storage.' },
  { name: 'data.retention', kind: 'duration', default: '120h', help: 'How long to keep data for.' },
  {
    name: 'data.maintenance-interval',
    kind: 'duration',
    default: '15m',
    help: 'Interval between garbage collection and snapshotting to disk of the silences and the notification logs.',
  },
  {
    name: 'alerts.gc-interval',
    kind: 'duration',
    default: '30m',
    help: 'Interval between alert GC.',
  },
  {
    name: 'web.listen-address',
    kind: 'strings',
    default: ':9093',
    help: 'Addresses on which to expose metrics and web interface (repeatable).',
  },
  {
    name: 'web.config.file',
    kind: 'string',
    default: '',
    help: 'Path to a web configuration file (TLS / basic auth); not supported yet.',
  },
  {
    name: 'web.systemd-socket',
    kind: 'bool',
    default: 'false',
    help: 'Use systemd socket activation listeners instead of port listeners; not supported yet.',
  },
  {
    name: 'web.external-url',
    kind: 'string',
    default: '',
    help: 'The URL under which Alertmanager is externally reachable.',
  },
  {
    name: 'web.route-prefix',
    kind: 'string',
    default: '',
    help: 'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
  },
  {
    name: 'web.get-concurrency',
    kind: 'int',
    default: '0',
    help: 'Maximum number of GET requests processed concurrently. If negative or zero, the limit is 8.',
  },
  {
    name: 'web.timeout',
    kind: 'duration',
    default: '0',
    help: 'Timeout for HTTP requests. If negative or zero, no timeout is set.',
  },
  {
    name: 'web.ui-path',
    kind: 'string',
    default: '',
    help: "Accepted for compatibility with Debian's Alertmanager; the UI is built in.",
  },
  {
    name: 'cluster.listen-address',
    kind: 'string',
    default: '0.0.0.0:9094',
    help: 'Listen address for cluster. Set to empty string to disable HA mode.',
  },
  {
    name: 'cluster.advertise-address',
    kind: 'string',
    default: '',
    help: 'Explicit address to advertise in cluster.',
  },
  {
    name: 'cluster.peer',
    kind: 'strings',
    default: undefined,
    help: 'Initial peers (may be repeated).',
  },
  {
    name: 'cluster.peer-timeout',
    kind: 'duration',
    default: '15s',
    help: 'Time to wait between peers to send notifications.',
  },
  {
    name: 'cluster.gossip-interval',
    kind: 'duration',
    default: '200ms',
    help: 'Interval between sending gossip messages.',
  },
  {
    name: 'cluster.pushpull-interval',
    kind: 'duration',
    default: '1m0s',
    help: 'Interval for gossip state syncs.',
  },
  {
    name: 'cluster.tcp-timeout',
    kind: 'duration',
    default: '10s',
    help: 'Timeout for stream connections with a remote node.',
  },
  {
    name: 'cluster.probe-timeout',
    kind: 'duration',
    default: '500ms',
    help: 'Timeout to wait for an ack from a probed node.',
  },
  {
    name: 'cluster.probe-interval',
    kind: 'duration',
    default: '1s',
    help: 'Interval between random node probes.',
  },
  {
    name: 'cluster.settle-timeout',
    kind: 'duration',
    default: '1m0s',
    help: 'Maximum time to wait for cluster connections to settle before evaluating notifications.',
  },
  {
    name: 'cluster.reconnect-interval',
    kind: 'duration',
    default: '10s',
    help: 'Interval between attempting to reconnect to lost peers.',
  },
  {
    name: 'cluster.reconnect-timeout',
    kind: 'duration',
    default: '6h0m0s',
    help: 'Length of time to attempt to reconnect to a lost peer.',
  },
  {
    name: 'cluster.tls-config',
    kind: 'string',
    default: '',
    help: 'Path to config yaml file that can enable mutual TLS within the gossip protocol.',
  },
  {
    name: 'cluster.key-file',
    kind: 'string',
    default: '',
    help: 'File holding a shared secret every cluster member must prove (HMAC) before it may send or receive state. Same file on every node.',
  },
  {
    name: 'cluster.allow-insecure-public-advertise-address-discovery',
    kind: 'bool',
    default: 'false',
    help: 'Allow alertmanager to discover and listen on a public IP address.',
  },
  {
    name: 'node.name',
    kind: 'string',
    default: '',
    help: "This node's name in Consul (status key <prefix>/status/<name>, service ID). Defaults to the host name, with the web port appended when it is not 9093.",
  },
  ...CONSUL_FLAGS.map((flag): FlagSpec => ({
    name: flag.name,
    kind: flag.name === 'consul.tls-skip-verify' ? 'bool' : 'string',
    default: undefined,
    help: flag.env === undefined ? flag.help : `${flag.help} Env: ${flag.env}.`,
  })),
  {
    name: 'log.level',
    kind: 'string',
    default: 'info',
    help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]',
  },
  {
    name: 'log.format',
    kind: 'string',
    default: 'logfmt',
    help: 'Output format of log messages. One of: [logfmt, json]',
  },
]

/** Flags are the parsed command line of a node, durations in milliseconds. */
export interface Flags {
  readonly configFile: string
  readonly storagePath: string
  readonly dataRetentionMs: number
  readonly dataMaintenanceIntervalMs: number
  readonly alertsGcIntervalMs: number
  readonly webListenAddresses: readonly string[]
  readonly webConfigFile: string
  readonly webSystemdSocket: boolean
  readonly webExternalUrl: string
  readonly webRoutePrefix: string
  readonly webGetConcurrency: number
  readonly webTimeoutMs: number
  readonly clusterListenAddress: string
  readonly clusterAdvertiseAddress: string
  readonly clusterPeers: readonly string[]
  readonly clusterPeerTimeoutMs: number
  readonly clusterGossipIntervalMs: number
  readonly clusterPushpullIntervalMs: number
  readonly clusterTcpTimeoutMs: number
  readonly clusterProbeTimeoutMs: number
  readonly clusterProbeIntervalMs: number
  readonly clusterSettleTimeoutMs: number
  readonly clusterReconnectIntervalMs: number
  readonly clusterReconnectTimeoutMs: number
  readonly clusterTlsConfig: string
  readonly clusterKeyFile: string
  readonly clusterAllowInsecurePublicAdvertise: boolean
  /** --node.name as given; '' means derive it from the host name (see nodeName in app.ts). */
  readonly nodeName: string
  /** Consul mode settings; undefined in file mode. */
  readonly consul: ConsulFlags | undefined
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error'
  readonly logFormat: 'logfmt' | 'json'
}

/** FlagError is a command-line problem, reported in one line (kingpin's wording). */
export class FlagError extends Error {
  override readonly name = 'FlagError'
}

/** ParsedCommand is what the command line asks for. */
export type ParsedCommand =
  | { readonly kind: 'run'; readonly flags: Flags }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }

type Values = Map<string, string[]>

function parseValue(spec: FlagSpec, raw: string): string | number | boolean {
  switch (spec.kind) {
    case 'string':
    case 'strings':
      return raw
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) {
        throw new FlagError(
          `invalid value ${JSON.stringify(raw)} for flag --${spec.name}: expected an integer`
        )
      }
      return Number(raw)
    }
    case 'bool': {
      const lower = raw.toLowerCase()
      if (!['true', 'false', '1', '0', 't', 'f'].includes(lower)) {
        throw new FlagError(
          `invalid value ${JSON.stringify(raw)} for flag --${spec.name}: expected true or false`
        )
      }
      return lower === 'true' || lower === '1' || lower === 't'
    }
    case 'duration':
      try {
        return parseGoDuration(raw)
      } catch (err: unknown) {
        throw new FlagError(
          `invalid value ${JSON.stringify(raw)} for flag --${spec.name}: ${(err as Error).message}`
        )
      }
  }
}

/**
 * parseCommandLine parses node flags as kingpin does: `--flag=value` and `--flag value`,
 * repeatable flags given several times, bool flags as `--flag`, `--no-flag` or `--flag=false`.
 *
 * @param argv - the arguments after the program name.
 * @param env - the environment, for the CONSUL_HTTP_* defaults of the --consul.* flags.
 * @returns what to do.
 * @throws FlagError for an unknown flag, a missing or bad value, or a stray argument.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env
): ParsedCommand {
  const specs = new Map(FLAGS.map((spec) => [spec.name, spec]))
  const values: Values = new Map()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') {
      return { kind: 'help' }
    }
    if (arg === '--version') {
      return { kind: 'version' }
    }
    if (!arg.startsWith('--')) {
      throw new FlagError(`unexpected ${arg}, try --help`)
    }
    const eq = arg.indexOf('=')
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1)
    let spec = specs.get(name)
    if (
      spec === undefined &&
      name.startsWith('no-') &&
      specs.get(name.slice(3))?.kind === 'bool' &&
      value === undefined
    ) {
      name = name.slice(3)
      spec = specs.get(name)
      value = 'false'
    }
    if (spec === undefined) {
      throw new FlagError(`unknown long flag '--${name}', try --help`)
    }
    if (value === undefined) {
      if (spec.kind === 'bool') {
        value = 'true'
      } else {
        const next = argv[i + 1]
        // kingpin lexes a following `-x`/`--x` as a flag, not as this flag's value.
        if (next === undefined || (next.startsWith('-') && next.length > 1)) {
          throw new FlagError(`expected argument for flag '--${name}'`)
        }
        value = next
        i++
      }
    }
    if (spec.kind !== 'strings' && values.has(name)) {
      // kingpin refuses a non-repeatable flag given twice (Application.setValues).
      throw new FlagError(`flag '${name}' cannot be repeated, try --help`)
    }
    parseValue(spec, value)
    const list = values.get(name) ?? []
    list.push(value)
    values.set(name, spec.kind === 'strings' ? list : [value])
  }
  return { kind: 'run', flags: toFlags(values, specs, env) }
}

function toFlags(
  values: Values,
  specs: ReadonlyMap<string, FlagSpec>,
  env: Readonly<Record<string, string | undefined>>
): Flags {
  const get = (name: string): string | number | boolean => {
    const spec = specs.get(name) as FlagSpec
    const raw = values.get(name)?.[0] ?? spec.default ?? ''
    return parseValue(spec, raw)
  }
  const str = (name: string): string => get(name) as string
  const num = (name: string): number => get(name) as number
  const bool = (name: string): boolean => get(name) as boolean
  const list = (name: string): string[] =>
    values.get(name) ??
    (specs.get(name)?.default === undefined ? [] : [specs.get(name)?.default as string])
  const logLevel = str('log.level')
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new FlagError(
      `invalid value ${JSON.stringify(logLevel)} for flag --log.level: must be one of debug, info, warn, error`
    )
  }
  const logFormat = str('log.format')
  if (logFormat !== 'logfmt' && logFormat !== 'json') {
    throw new FlagError(
      `invalid value ${JSON.stringify(logFormat)} for flag --log.format: must be one of logfmt, json`
    )
  }
  // Serving plain HTTP when TLS or basic auth was asked for would be a silent security hole.
  if (str('web.config.file') !== '') {
    throw new FlagError(
      '--web.config.file (TLS and basic auth for the web server) is not supported yet; terminate TLS in front of alertmesh'
    )
  }
  if (bool('web.systemd-socket')) {
    throw new FlagError('--web.systemd-socket is not supported yet; use --web.listen-address')
  }
  // Gossip without the asked-for TLS would expose silences and the nflog in clear text.
  if (str('cluster.tls-config') !== '') {
    throw new FlagError(
      '--cluster.tls-config (mutual TLS for gossip) is not supported yet; authenticate peers with --cluster.key-file'
    )
  }
  const maintenance = num('data.maintenance-interval')
  if (maintenance <= 0) {
    throw new FlagError('--data.maintenance-interval must be greater than 0')
  }
  const consulGiven = new Map<string, string>()
  for (const flag of CONSUL_FLAGS) {
    const given = values.get(flag.name)?.[0]
    if (given !== undefined) {
      consulGiven.set(flag.name, given)
    }
  }
  let consul: ConsulFlags | undefined
  try {
    consul = resolveConsulFlags(consulGiven, env, values.has('config.file'))
  } catch (err: unknown) {
    if (err instanceof ConsulFlagsError) {
      throw new FlagError(err.message)
    }
    throw err
  }
  return {
    configFile: str('config.file'),
    storagePath: str('storage.path'),
    dataRetentionMs: num('data.retention'),
    dataMaintenanceIntervalMs: maintenance,
    alertsGcIntervalMs: num('alerts.gc-interval'),
    webListenAddresses: list('web.listen-address'),
    webConfigFile: str('web.config.file'),
    webSystemdSocket: bool('web.systemd-socket'),
    webExternalUrl: str('web.external-url'),
    webRoutePrefix: str('web.route-prefix'),
    webGetConcurrency: num('web.get-concurrency'),
    webTimeoutMs: num('web.timeout'),
    clusterListenAddress: str('cluster.listen-address'),
    clusterAdvertiseAddress: str('cluster.advertise-address'),
    clusterPeers: list('cluster.peer'),
    clusterPeerTimeoutMs: num('cluster.peer-timeout'),
    clusterGossipIntervalMs: num('cluster.gossip-interval'),
    clusterPushpullIntervalMs: num('cluster.pushpull-interval'),
    clusterTcpTimeoutMs: num('cluster.tcp-timeout'),
    clusterProbeTimeoutMs: num('cluster.probe-timeout'),
    clusterProbeIntervalMs: num('cluster.probe-interval'),
    clusterSettleTimeoutMs: num('cluster.settle-timeout'),
    clusterReconnectIntervalMs: num('cluster.reconnect-interval'),
    clusterReconnectTimeoutMs: num('cluster.reconnect-timeout'),
    clusterTlsConfig: str('cluster.tls-config'),
    clusterKeyFile: str('cluster.key-file'),
    clusterAllowInsecurePublicAdvertise: bool(
      'cluster.allow-insecure-public-advertise-address-discovery'
    ),
    nodeName: str('node.name'),
    consul,
    logLevel: logLevel as Flags['logLevel'],
    logFormat,
  }
}

/**
 * usage renders --help.
 *
 * @returns the help text.
 */
export function usage(): string {
  const lines = FLAGS.map((spec) => {
    const value =
      spec.kind === 'bool'
        ? ''
        : `=${spec.kind === 'duration' ? 'DURATION' : spec.kind === 'int' ? 'INT' : 'VALUE'}`
    const def =
      spec.default === undefined || spec.default === ''
        ? ''
        : ` (default: ${spec.kind === 'duration' ? formatGoDuration(parseGoDuration(spec.default)) : spec.default})`
    return `  --${spec.name}${value}\n      ${spec.help}${def}`
  })
  return [
    'usage: alertmesh [<flags>]',
    '       alertmesh check-config FILE...',
    '       alertmesh config push|pull|status [<flags>]   (config in Consul KV; see `alertmesh config --help`)',
    '',
    'An Alertmanager 0.25 compatible alert router for highly available clusters.',
    '',
    'Flags:',
    '  -h, --help  Show help.',
    '  --version   Show application version.',
    ...lines,
    '',
  ].join('\n')
}
