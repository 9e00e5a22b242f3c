import type Logger from 'bunyan'

import type { GossipPeer } from '../cluster/index.js'
import type { ConfigRegistry } from '../config/index.js'
import { ConsulClient, PeerCatalog, ServiceRegistrar } from '../consul/index.js'

import type { ConfigController } from './config-controller.js'
import type { ConfigSource, OnConfigReport } from './config-source.js'
import { ConsulConfigSync } from './consul-config.js'
import { consulSettings } from './consul-flags.js'
import type { ConsulFlags } from './consul-flags.js'
import { splitHostPort } from './listeners.js'

// What a node needs only with --consul.address. app.ts imports this module on demand, so a
// node on a config file never loads the Consul client and its dependencies.

type OnStop = (name: string, fn: () => Promise<void> | void) => void

/**
 * createConsulClient builds the node's Consul client from the --consul.* flags (reading the
 * token and TLS files they name).
 *
 * @param consul - the Consul flags.
 * @returns the client.
 * @throws when a token or TLS file cannot be read.
 */
export async function createConsulClient(consul: ConsulFlags): Promise<ConsulClient> {
  return new ConsulClient(await consulSettings(consul))
}

/**
 * consulConfigSource keeps the node on `<prefix>/config` in Consul KV (see ConsulConfigSync).
 *
 * @param consul - the Consul flags.
 * @param client - the Consul client.
 * @param options - node name, storage path, integration registry, controller, logger, the
 *   report hook and the teardown stack.
 * @returns the source.
 */
export function consulConfigSource(
  consul: ConsulFlags,
  client: ConsulClient,
  options: {
    nodeName: string
    storagePath: string
    registry: ConfigRegistry
    controller: ConfigController
    log: Logger
    onReport: OnConfigReport
    onStop: (name: string, fn: () => Promise<void> | void) => void
  }
): ConfigSource {
  const sync = new ConsulConfigSync({
    client,
    address: consul.baseUrl,
    prefix: consul.kvPrefix,
    nodeName: options.nodeName,
    storagePath: options.storagePath,
    registry: options.registry,
    controller: options.controller,
    log: options.log,
    now: Date.now,
    onReport: options.onReport,
  })
  options.onStop('consul config watch', () => sync.stop())
  options.log.info(
    { address: consul.baseUrl, key: `${consul.kvPrefix}/config`, node: options.nodeName },
    'Reading the configuration from Consul'
  )
  return { start: () => sync.start(), reload: () => sync.reload(), view: () => sync.view() }
}

/**
 * joinThroughConsul registers the node as an instance of the Consul service, with a TTL check
 * that passes while `isHealthy` holds, and feeds the passing instances to the peer as its
 * discovered members. Deregistration on stop makes peers drop the node at once.
 *
 * @param client - the Consul client.
 * @param consul - --consul.service-name and --consul.check-ttl.
 * @param peer - the cluster peer.
 * @param options - node name, health, logger and the teardown stack.
 */
export function joinThroughConsul(
  client: ConsulClient,
  consul: { readonly serviceName: string; readonly checkTtlMs: number },
  peer: GossipPeer,
  options: {
    readonly name: string
    readonly webUrl: string
    readonly isHealthy: () => boolean
    readonly healthOutput: () => string
    readonly log: Logger
    readonly onStop: OnStop
  }
): void {
  const log = options.log.child({ component: 'consul-membership' })
  const self = peer.self()
  const { host, port } = splitHostPort(self.address)
  const catalog = new PeerCatalog({
    client,
    serviceName: consul.serviceName,
    log,
    onPeers: (peers) => {
      const others = peers.filter((p) => p.nodeName !== options.name).map((p) => p.clusterAddress)
      log.debug({ peers: others }, 'Consul peers changed')
      peer.setDiscoveredPeers(others)
    },
  })
  const registrar = new ServiceRegistrar({
    client,
    serviceName: consul.serviceName,
    ttlMs: consul.checkTtlMs,
    nodeName: options.name,
    address: host,
    port,
    meta: { cluster_address: self.address, node_name: options.name, web_url: options.webUrl },
    isHealthy: options.isHealthy,
    healthOutput: options.healthOutput,
    log,
  })
  registrar.start()
  catalog.start()
  // The check passes once the node is ready; feed it then rather than at the next interval, so
  // peers (which list passing instances only) find this node at once instead of up to a TTL
  // feed later.
  const settled = new AbortController()
  peer.waitReady(settled.signal).then(
    () => {
      registrar.refresh()
    },
    () => undefined
  )
  options.onStop('consul readiness', () => {
    settled.abort()
  })
  // LIFO: the catalog stops after the registrar has deregistered.
  options.onStop('consul peer catalog', () => catalog.stop())
  options.onStop('consul registration', () => registrar.stop())
}
