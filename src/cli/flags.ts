import { CONSUL_FLAGS, ConsulFlagsError, resolveConsulFlags } from './consul-flags.js'
import type { ConsulFlags } from './consul-flags.js'
import { FlagError, defineFlags } from './flag-set.js'
import type { FlagFields } from './flag-set.js'

export { FlagError } from './flag-set.js'

/**
 * NODE_FLAGS are the node's flags: Alertmanager 0.25's with upstream defaults
 * (cmd/alertmanager/main.go), then alertmesh's own. Each flag that a `field` names becomes that
 * property of Flags; the flags Alertmanager has and alertmesh only accepts are `compat`.
 */
export const NODE_FLAGS = defineFlags({
  'config.file': {
    kind: 'string',
    default: 'alertmanager.yml',
    field: 'configFile',
    help: 'Alertmanager configuration file name.',
  },
  'storage.path': {
    kind: 'string',
    default: 'data/',
    field: 'storagePath',
    help: 'Base path for data storage.',
  },
  'data.retention': {
    kind: 'duration',
    default: '120h',
    field: 'dataRetentionMs',
    help: 'How long to keep data for.',
  },
  'data.maintenance-interval': {
    kind: 'duration',
    default: '15m',
    field: 'dataMaintenanceIntervalMs',
    help: 'Interval between garbage collection and snapshotting to disk of the silences and the notification logs.',
  },
  'alerts.gc-interval': {
    kind: 'duration',
    default: '30m',
    field: 'alertsGcIntervalMs',
    help: 'Interval between alert GC.',
  },
  'web.listen-address': {
    kind: 'strings',
    default: ':9093',
    field: 'webListenAddresses',
    help: 'Addresses on which to expose metrics and web interface (repeatable).',
  },
  'web.config.file': {
    kind: 'string',
    default: '',
    field: 'webConfigFile',
    help: '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.',
  },
  'web.systemd-socket': {
    kind: 'bool',
    default: 'false',
    field: 'webSystemdSocket',
    help: 'Use systemd socket activation listeners instead of port listeners; not supported yet.',
  },
  'web.external-url': {
    kind: 'string',
    default: '',
    field: 'webExternalUrl',
    help: 'The URL under which Alertmanager is externally reachable.',
  },
  'web.route-prefix': {
    kind: 'string',
    default: '',
    field: 'webRoutePrefix',
    help: 'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
  },
  'web.get-concurrency': {
    kind: 'int',
    default: '0',
    field: 'webGetConcurrency',
    help: 'Maximum number of GET requests processed concurrently. If negative or zero, the limit is 8.',
  },
  'web.timeout': {
    kind: 'duration',
    default: '0',
    field: 'webTimeoutMs',
    help: 'Timeout for HTTP requests. If negative or zero, no timeout is set.',
  },
  'web.ui-path': {
    kind: 'string',
    default: '',
    compat: true,
    help: "Accepted for compatibility with Debian's Alertmanager; the UI is built in.",
  },
  'cluster.listen-address': {
    kind: 'string',
    default: '0.0.0.0:9094',
    field: 'clusterListenAddress',
    help: 'Listen address for cluster. Set to empty string to disable HA mode.',
  },
  'cluster.protocol': {
    kind: 'enum',
    values: ['alertmesh', 'memberlist'],
    default: 'alertmesh',
    field: 'clusterProtocol',
    help: "Gossip protocol: alertmesh's own (a TCP mesh between alertmesh nodes), or memberlist to join a running Alertmanager 0.25 cluster as one of its peers.",
  },
  'cluster.advertise-address': {
    kind: 'string',
    default: '',
    field: 'clusterAdvertiseAddress',
    help: 'Explicit address to advertise in cluster.',
  },
  'cluster.peer': {
    kind: 'strings',
    field: 'clusterPeers',
    help: 'Initial peers (may be repeated).',
  },
  'cluster.peer-timeout': {
    kind: 'duration',
    default: '15s',
    field: 'clusterPeerTimeoutMs',
    help: 'Time to wait between peers to send notifications.',
  },
  'cluster.gossip-interval': {
    kind: 'duration',
    default: '200ms',
    field: 'clusterGossipIntervalMs',
    compat: true,
    help: "Interval between gossip messages with --cluster.protocol=memberlist; no effect with alertmesh's own protocol, which sends each change to every peer at once.",
  },
  'cluster.pushpull-interval': {
    kind: 'duration',
    default: '1m0s',
    field: 'clusterPushpullIntervalMs',
    help: 'Interval for gossip state syncs.',
  },
  'cluster.tcp-timeout': {
    kind: 'duration',
    default: '10s',
    field: 'clusterTcpTimeoutMs',
    help: 'Timeout for stream connections with a remote node.',
  },
  'cluster.probe-timeout': {
    kind: 'duration',
    default: '500ms',
    field: 'clusterProbeTimeoutMs',
    compat: true,
    help: "Timeout to wait for an ack from a probed node with --cluster.protocol=memberlist; no effect with alertmesh's own protocol, which pings every peer each second on its open connection.",
  },
  'cluster.probe-interval': {
    kind: 'duration',
    default: '1s',
    field: 'clusterProbeIntervalMs',
    compat: true,
    help: "Interval between random node probes with --cluster.protocol=memberlist; no effect with alertmesh's own protocol, which pings every peer each second on its open connection.",
  },
  'cluster.settle-timeout': {
    kind: 'duration',
    default: '1m0s',
    field: 'clusterSettleTimeoutMs',
    help: 'Maximum time to wait for cluster connections to settle before evaluating notifications.',
  },
  'cluster.reconnect-interval': {
    kind: 'duration',
    default: '10s',
    field: 'clusterReconnectIntervalMs',
    help: 'Interval between attempting to reconnect to lost peers.',
  },
  'cluster.reconnect-timeout': {
    kind: 'duration',
    default: '6h0m0s',
    field: 'clusterReconnectTimeoutMs',
    help: 'Length of time to attempt to reconnect to a lost peer.',
  },
  'cluster.tls-config': {
    kind: 'string',
    default: '',
    field: 'clusterTlsConfig',
    help: 'Path to config yaml file that can enable mutual TLS within the gossip protocol.',
  },
  'cluster.key-file': {
    kind: 'string',
    default: '',
    field: 'clusterKeyFile',
    help: 'File holding a shared secret every cluster member must prove (HMAC) before it may send or receive state. Same file on every node.',
  },
  'cluster.allow-insecure-public-advertise-address-discovery': {
    kind: 'bool',
    default: 'false',
    field: 'clusterAllowInsecurePublicAdvertise',
    compat: true,
    help: 'Lets Alertmanager advertise a discovered public IP address; no effect: without --cluster.advertise-address alertmesh advertises the first non-loopback IPv4 address, public or not.',
  },
  'node.name': {
    kind: 'string',
    default: '',
    field: 'nodeName',
    help: "This node's name in Consul (status key <prefix>/status/<name>, service ID). Defaults to the host name, with the web port appended when it is not 9093.",
  },
  ...CONSUL_FLAGS,
  'log.level': {
    kind: 'enum',
    values: ['debug', 'info', 'warn', 'error'],
    default: 'info',
    field: 'logLevel',
    help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]',
  },
  'log.format': {
    kind: 'enum',
    values: ['logfmt', 'json'],
    default: 'logfmt',
    field: 'logFormat',
    help: 'Output format of log messages. One of: [logfmt, json]',
  },
})

/**
 * Flags are the parsed command line of a node, durations in milliseconds: every NODE_FLAGS
 * entry with a `field`, plus the Consul settings. `nodeName` '' means derive it from the host
 * name (see nodeName in app.ts); `consul` is undefined in file mode.
 */
export interface Flags extends FlagFields<typeof NODE_FLAGS.defs> {
  readonly consul: ConsulFlags | undefined
}

/** ParsedCommand is what the command line asks for. */
export type ParsedCommand =
  | { readonly kind: 'run'; readonly flags: Flags }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }

/**
 * parseCommandLine parses node flags as kingpin does: `--flag=value` and `--flag value`,
 * repeatable flags given several times, bool flags as `--flag`, `--no-flag` or `--flag=false`.
 *
 * @param argv - the arguments after the program name.
 * @param env - the environment, for the CONSUL_HTTP_* defaults of the --consul.* flags.
 * @returns what to do.
 * @throws FlagError for an unknown flag, a missing or bad value, a stray argument, or a
 *   combination alertmesh refuses.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env
): ParsedCommand {
  const { values, given, stop } = NODE_FLAGS.parse(argv, {
    stopAt: ['--help', '-h', '--version'],
  })
  if (stop !== undefined) {
    return { kind: stop === '--version' ? 'version' : 'help' }
  }
  if (values['web.systemd-socket']) {
    throw new FlagError('--web.systemd-socket is not supported yet; use --web.listen-address')
  }
  if (values['data.maintenance-interval'] <= 0) {
    throw new FlagError('--data.maintenance-interval must be greater than 0')
  }
  let consul: ConsulFlags | undefined
  try {
    consul = resolveConsulFlags(values, env, given.has('config.file'))
  } catch (err: unknown) {
    if (err instanceof ConsulFlagsError) {
      throw new FlagError(err.message)
    }
    throw err
  }
  return { kind: 'run', flags: { ...NODE_FLAGS.fields(values), consul } }
}

/**
 * usage renders --help.
 *
 * @returns the help text.
 */
export function usage(): string {
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
    ...NODE_FLAGS.help(),
    '',
  ].join('\n')
}
