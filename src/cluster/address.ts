import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'

import { InvalidArgumentError } from '../util/index.js'

/** HostPort is a parsed `host:port`. */
export interface HostPort {
  readonly host: string
  readonly port: number
}

/** Lookup resolves a host name to its addresses (dns.promises.lookup with `all: true`). */
export type Lookup = (host: string) => Promise<readonly { readonly address: string }[]>

const defaultLookup: Lookup = (host) => lookup(host, { all: true })

/**
 * parseHostPort splits `host:port` as Go's net.SplitHostPort does: IPv6 hosts in brackets, an
 * empty host allowed (`:9094`), the port a decimal number in [0, 65535].
 *
 * @param address - e.g. `127.0.0.1:9094`, `[::1]:9094`, `am-1.example:9094`.
 * @param what - names the option in the error, e.g. `listenAddress`.
 * @returns host (without brackets) and port.
 * @throws InvalidArgumentError naming `what` when the address has no valid port.
 */
export function parseHostPort(address: string, what = 'address'): HostPort {
  let host: string
  let portText: string
  if (address.startsWith('[')) {
    const close = address.indexOf(']')
    if (close < 0 || address[close + 1] !== ':') {
      throw new InvalidArgumentError(`${what}: ${JSON.stringify(address)} is not [host]:port`)
    }
    host = address.slice(1, close)
    portText = address.slice(close + 2)
  } else {
    const colon = address.lastIndexOf(':')
    if (colon < 0 || address.indexOf(':') !== colon) {
      throw new InvalidArgumentError(
        `${what}: ${JSON.stringify(address)} is not host:port (IPv6 hosts go in brackets)`
      )
    }
    host = address.slice(0, colon)
    portText = address.slice(colon + 1)
  }
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    throw new InvalidArgumentError(`${what}: ${JSON.stringify(address)} has no valid port`)
  }
  return { host, port }
}

/**
 * formatHostPort joins a host and port as Go's net.JoinHostPort does: IPv6 hosts in brackets.
 *
 * @param host - a name or an IP.
 * @param port - the port.
 * @returns `host:port` or `[host]:port`.
 */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/**
 * isWildcardHost tells whether a listen host means "every interface".
 *
 * @param host - the listen host.
 * @returns true for ``, `0.0.0.0` and `::`.
 */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::'
}

/**
 * defaultAdvertiseHost picks the address peers dial when the node listens on every interface:
 * the first non-internal IPv4 address, else 127.0.0.1 (Alertmanager picks a private IP the same
 * way through memberlist's sockaddr lookup).
 *
 * @returns an IPv4 address.
 */
export function defaultAdvertiseHost(list: InterfaceLister = networkInterfaces): string {
  let interfaces: ReturnType<InterfaceLister>
  try {
    interfaces = list()
  } catch (err: unknown) {
    // Seen under systemd with RestrictAddressFamilies= lacking AF_NETLINK (getifaddrs needs it).
    throw new InvalidArgumentError(
      `cannot list this host's network interfaces to choose the address to advertise for gossip (${err instanceof Error ? err.message : String(err)}): set --cluster.advertise-address, or give --cluster.listen-address this host's IP instead of a wildcard`
    )
  }
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) {
        return a.address
      }
    }
  }
  return '127.0.0.1'
}

/** InterfaceLister lists the host's interfaces, as os.networkInterfaces does. */
export type InterfaceLister = () => ReturnType<typeof networkInterfaces>

/**
 * selfAddresses lists the `host:port` strings that reach this node, so a --cluster.peer list
 * that names every node (this one included, as deployments often do) is not dialled back. With
 * a wildcard listener that is every local interface address on the bound port.
 *
 * @param listenHost - the bound host.
 * @param port - the bound port.
 * @param advertise - the advertised `host:port`.
 * @returns the set of addresses.
 */
export function selfAddresses(
  listenHost: string,
  port: number,
  advertise: string,
  list: InterfaceLister = networkInterfaces
): Set<string> {
  const result = new Set<string>([advertise])
  if (isWildcardHost(listenHost)) {
    for (const addresses of Object.values(list())) {
      for (const a of addresses ?? []) {
        result.add(formatHostPort(a.address, port))
      }
    }
    result.add(formatHostPort('127.0.0.1', port))
    result.add(formatHostPort('::1', port))
  } else {
    result.add(formatHostPort(listenHost, port))
  }
  return result
}

/**
 * resolveAddress turns a peer address into the `ip:port` strings to dial, as Alertmanager's
 * cluster.resolvePeers does: an IP stays as it is, a name becomes every address it resolves to,
 * and a name that does not resolve is kept verbatim (dialling it fails and is retried, so the
 * peer joins once DNS knows it).
 *
 * @param address - a `host:port` peer address.
 * @param resolve - the DNS lookup; injectable for tests.
 * @returns the addresses, deduplicated.
 * @throws InvalidArgumentError when the address is not `host:port`.
 */
export async function resolveAddress(
  address: string,
  resolve: Lookup = defaultLookup
): Promise<string[]> {
  const { host, port } = parseHostPort(address, 'peer address')
  if (isIP(host) !== 0) {
    return [formatHostPort(host, port)]
  }
  try {
    const found = await resolve(host)
    return [...new Set(found.map((a) => formatHostPort(a.address, port)))]
  } catch {
    return [address]
  }
}
