import { readFile } from 'node:fs/promises'

import type { ConsulSettings } from '../consul/index.js'
import { AlertmeshError, parseGoDuration } from '../util/index.js'

import type { FlagDefs, FlagValues } from './flag-set.js'

/**
 * CONSUL_FLAGS are the --consul.* flags, in help order, shared by the node and `alertmesh config`.
 * Each reads the environment variable Consul's own CLI reads when the flag is not given, so a
 * node on a host with a configured Consul agent needs no extra flags. None has a default here:
 * resolveConsulFlags applies the environment and the defaults, since which ones apply depends on
 * the other flags.
 */
export const CONSUL_FLAGS = {
  'consul.address': {
    kind: 'string',
    env: 'CONSUL_HTTP_ADDR',
    help: 'Consul HTTP address (host:port, http://… or https://…). When set, the config comes from Consul KV instead of --config.file.',
  },
  'consul.token': {
    kind: 'string',
    env: 'CONSUL_HTTP_TOKEN',
    help: 'Consul ACL token. Prefer --consul.token-file: flags are visible in the process list.',
  },
  'consul.token-file': {
    kind: 'string',
    env: 'CONSUL_HTTP_TOKEN_FILE',
    help: 'File holding the ACL token.',
  },
  'consul.datacenter': { kind: 'string', help: "Consul datacenter (the agent's by default)." },
  'consul.kv-prefix': {
    kind: 'string',
    help: 'KV prefix: the config is at <prefix>/config, templates under <prefix>/templates/, node status under <prefix>/status/. (default: alertmesh)',
  },
  'consul.service-name': {
    kind: 'string',
    help: 'Service name each node registers under (one instance per node); peers are its passing instances. (default: alertmesh)',
  },
  'consul.check-ttl': {
    kind: 'string',
    help: "TTL of the node's Consul health check, fed every third of it while the node is ready; a node that stops feeding it leaves the peers' lists after this long. (default: 15s)",
  },
  'consul.ca-file': {
    kind: 'string',
    env: 'CONSUL_CACERT',
    help: 'CA certificate for an https Consul.',
  },
  'consul.cert-file': {
    kind: 'string',
    env: 'CONSUL_CLIENT_CERT',
    help: 'Client certificate for an https Consul (with --consul.key-file).',
  },
  'consul.key-file': {
    kind: 'string',
    env: 'CONSUL_CLIENT_KEY',
    help: 'Client key for an https Consul (with --consul.cert-file).',
  },
  'consul.tls-server-name': {
    kind: 'string',
    env: 'CONSUL_TLS_SERVER_NAME',
    help: "Server name to verify in Consul's certificate.",
  },
  'consul.tls-skip-verify': {
    kind: 'bool',
    help: "Do not verify Consul's certificate (also CONSUL_HTTP_SSL_VERIFY=false). For tests only.",
  },
} as const satisfies FlagDefs

/** DEFAULT_KV_PREFIX is the KV prefix when --consul.kv-prefix is not given. */
export const DEFAULT_KV_PREFIX = 'alertmesh'

/** ConsulFlags are the --consul.* settings of a node in Consul mode; files are not read yet. */
export interface ConsulFlags {
  /** Base URL without /v1, e.g. `http://127.0.0.1:8500`. */
  readonly baseUrl: string
  readonly token: string | undefined
  readonly tokenFile: string | undefined
  readonly datacenter: string | undefined
  /** Without leading or trailing slash. */
  readonly kvPrefix: string
  /** The Consul service the nodes register as. */
  readonly serviceName: string
  /** TTL of the node's health check. */
  readonly checkTtlMs: number
  readonly caFile: string | undefined
  readonly certFile: string | undefined
  readonly keyFile: string | undefined
  readonly tlsServerName: string | undefined
  readonly tlsSkipVerify: boolean
}

/** ConsulFlagValues are the --consul.* values: given on the command line, or undefined. */
export type ConsulFlagValues = FlagValues<typeof CONSUL_FLAGS>

/** ConsulFlagName is the name of one --consul.* flag. */
type ConsulFlagName = keyof typeof CONSUL_FLAGS

/** ConsulFlagsError is a refused combination of --consul.* flags; flags.ts turns it into a FlagError. */
export class ConsulFlagsError extends AlertmeshError {
  override readonly name = 'ConsulFlagsError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_FLAG_INVALID', message, options)
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * normalizeConsulAddress turns CONSUL_HTTP_ADDR's forms into a base URL: `host:port` (scheme from
 * CONSUL_HTTP_SSL), `http://host:port`, `https://host:port`.
 *
 * @param address - the address as given.
 * @param ssl - whether CONSUL_HTTP_SSL asks for https when no scheme is given.
 * @returns the base URL without a trailing slash.
 * @throws ConsulFlagsError for unix sockets, other schemes, paths or a malformed address.
 */
export function normalizeConsulAddress(address: string, ssl: boolean): string {
  if (address.startsWith('unix://')) {
    throw new ConsulFlagsError(
      `--consul.address ${address}: unix sockets are not supported; use the agent's HTTP address (e.g. 127.0.0.1:8500)`
    )
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address)
    ? address
    : `${ssl ? 'https' : 'http'}://${address}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ConsulFlagsError(
      `--consul.address ${JSON.stringify(address)} is not an address; expected host:port or http(s)://host:port`
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConsulFlagsError(
      `--consul.address ${address}: scheme ${url.protocol.slice(0, -1)} is not supported; use http:// or https://`
    )
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new ConsulFlagsError(
      `--consul.address ${address}: give only scheme, host and port (alertmesh adds /v1 itself)`
    )
  }
  return `${url.protocol}//${url.host}`
}

/**
 * resolveConsulFlags decides between file mode (undefined) and Consul mode and checks the
 * combination. An address from the environment is overridden by an explicit --config.file, so a
 * shell with CONSUL_HTTP_ADDR set for other tools can still run a node on a file; flags given
 * explicitly must agree with each other.
 *
 * @param given - the --consul.* flags as parsed: undefined when not given.
 * @param env - the environment (CONSUL_HTTP_* variables).
 * @param configFileGiven - whether --config.file was given explicitly.
 * @returns the Consul settings, or undefined for file mode.
 * @throws ConsulFlagsError naming the flags and what to do instead.
 */
export function resolveConsulFlags(
  given: ConsulFlagValues,
  env: Readonly<Record<string, string | undefined>>,
  configFileGiven: boolean
): ConsulFlags | undefined {
  const flagAddress = nonEmpty(given['consul.address'])
  const envAddress = nonEmpty(env['CONSUL_HTTP_ADDR'])
  if (flagAddress !== undefined && configFileGiven) {
    throw new ConsulFlagsError(
      '--config.file and --consul.address exclude each other: in Consul mode the config is read from KV; push a file with `alertmesh config push FILE`'
    )
  }
  const address = flagAddress ?? (configFileGiven ? undefined : envAddress)
  if (address === undefined) {
    const stray = (Object.keys(CONSUL_FLAGS) as ConsulFlagName[]).filter(
      (name) => name !== 'consul.address' && given[name] !== undefined
    )
    if (stray.length > 0) {
      throw new ConsulFlagsError(
        `--${stray[0] as string} needs --consul.address (or CONSUL_HTTP_ADDR); without it the config comes from --config.file`
      )
    }
    return undefined
  }
  const value = (
    name: Exclude<ConsulFlagName, 'consul.tls-skip-verify'>,
    envName?: string
  ): string | undefined =>
    nonEmpty(given[name]) ?? (envName === undefined ? undefined : nonEmpty(env[envName]))
  const ssl = /^(1|t|true)$/i.test(env['CONSUL_HTTP_SSL'] ?? '')
  const baseUrl = normalizeConsulAddress(address, ssl)
  const https = baseUrl.startsWith('https:')

  // An explicit token flag beats the environment; two explicit sources are a mistake.
  const tokenFileGiven = given['consul.token-file'] !== undefined
  if (given['consul.token'] !== undefined && tokenFileGiven) {
    throw new ConsulFlagsError('--consul.token and --consul.token-file exclude each other')
  }
  const token = tokenFileGiven ? undefined : value('consul.token', 'CONSUL_HTTP_TOKEN')
  const tokenFile =
    token !== undefined && !tokenFileGiven
      ? undefined
      : value('consul.token-file', 'CONSUL_HTTP_TOKEN_FILE')

  const tlsSkipVerify =
    given['consul.tls-skip-verify'] ?? /^(0|f|false)$/i.test(env['CONSUL_HTTP_SSL_VERIFY'] ?? '')
  const caFile = value('consul.ca-file', 'CONSUL_CACERT')
  const certFile = value('consul.cert-file', 'CONSUL_CLIENT_CERT')
  const keyFile = value('consul.key-file', 'CONSUL_CLIENT_KEY')
  const tlsServerName = value('consul.tls-server-name', 'CONSUL_TLS_SERVER_NAME')
  if (!https) {
    // TLS settings on a plain-http address would silently send the token in clear text.
    const tlsGiven = (
      [
        'consul.ca-file',
        'consul.cert-file',
        'consul.key-file',
        'consul.tls-server-name',
        'consul.tls-skip-verify',
      ] as const
    ).find((name) => given[name] !== undefined)
    if (tlsGiven !== undefined) {
      throw new ConsulFlagsError(
        `--${tlsGiven} needs an https Consul address (e.g. --consul.address=https://127.0.0.1:8501), not ${baseUrl}`
      )
    }
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConsulFlagsError(
      '--consul.cert-file and --consul.key-file go together: give both or neither'
    )
  }
  const prefix = (given['consul.kv-prefix'] ?? DEFAULT_KV_PREFIX).replace(/^\/+|\/+$/g, '')
  if (prefix === '') {
    throw new ConsulFlagsError('--consul.kv-prefix must not be empty (default: alertmesh)')
  }
  return {
    baseUrl,
    token,
    tokenFile,
    datacenter: value('consul.datacenter'),
    kvPrefix: prefix,
    serviceName: nonEmpty(given['consul.service-name']) ?? 'alertmesh',
    checkTtlMs: checkTtl(given['consul.check-ttl']),
    caFile: https ? caFile : undefined,
    certFile: https ? certFile : undefined,
    keyFile: https ? keyFile : undefined,
    tlsServerName: https ? tlsServerName : undefined,
    tlsSkipVerify: https && tlsSkipVerify,
  }
}

function checkTtl(text: string | undefined): number {
  if (text === undefined) {
    return 15_000
  }
  let ms: number
  try {
    ms = parseGoDuration(text)
  } catch (err: unknown) {
    throw new ConsulFlagsError(
      `invalid value ${JSON.stringify(text)} for flag --consul.check-ttl: ${err instanceof Error ? err.message : String(err)}`
    )
  }
  if (ms < 1000) {
    throw new ConsulFlagsError('--consul.check-ttl must be at least 1s')
  }
  return ms
}

async function readFlagFile(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err: unknown) {
    throw new Error(
      `--${flag} ${path}: ${err instanceof Error ? err.message : String(err)}; check the path and its permissions`,
      { cause: err }
    )
  }
}

/**
 * consulSettings reads the token and TLS files named by the flags.
 *
 * @param flags - resolved Consul flags.
 * @returns what src/consul needs to connect.
 * @throws Error naming the flag whose file cannot be read or is empty.
 */
export async function consulSettings(flags: ConsulFlags): Promise<ConsulSettings> {
  let token = flags.token
  if (flags.tokenFile !== undefined) {
    token = (await readFlagFile('consul.token-file', flags.tokenFile)).toString('utf8').trim()
    if (token === '') {
      throw new Error(`--consul.token-file ${flags.tokenFile} is empty`)
    }
  }
  const ca =
    flags.caFile === undefined ? undefined : await readFlagFile('consul.ca-file', flags.caFile)
  const pair =
    flags.certFile === undefined || flags.keyFile === undefined
      ? undefined
      : {
          cert: await readFlagFile('consul.cert-file', flags.certFile),
          key: await readFlagFile('consul.key-file', flags.keyFile),
        }
  const tls = {
    ...(ca === undefined ? {} : { ca }),
    ...pair,
    ...(flags.tlsServerName === undefined ? {} : { serverName: flags.tlsServerName }),
    ...(flags.tlsSkipVerify ? { insecureSkipVerify: true } : {}),
  }
  return {
    baseUrl: flags.baseUrl,
    ...(token === undefined ? {} : { token }),
    ...(flags.datacenter === undefined ? {} : { datacenter: flags.datacenter }),
    ...(flags.baseUrl.startsWith('https:') ? { tls } : {}),
  }
}
