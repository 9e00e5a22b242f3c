import { mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'

import type Logger from 'bunyan'
import { Registry, collectDefaultMetrics } from 'prom-client'

import { AlertStore, registerAlertsGauge } from '../alerts/index.js'
import {
  DEFAULT_GET_CONCURRENCY,
  MAX_BODY_BYTES,
  createApiMetrics,
  createHttpApp,
  normalizeRoutePrefix,
} from '../api/index.js'
import { NodeStatusState } from '../cluster/index.js'
import type { GossipTls } from '../cluster/index.js'
import { createDispatcherMetrics } from '../dispatch/index.js'
import { INHIBITOR_GC_INTERVAL_MS } from '../inhibit/index.js'
import { initHashing } from '../labels/index.js'
import { Nflog } from '../nflog/index.js'
import { createNotifyMetrics } from '../notify/index.js'
import { Silencer, Silences, encodeMeshSilences } from '../silences/index.js'
import type { MeshSilence } from '../silences/index.js'
import { errorMessage } from '../util/index.js'

import { alertStatusOf } from './alert-status.js'
import { clusterView, configReporter, memberConfigOf, startCluster } from './cluster-setup.js'
import { ConfigController, createConfigMetrics } from './config-controller.js'
import { fileConfigSource } from './config-source.js'
import type { Flags } from './flags.js'
import { GossipBridge, nflogBridge } from './gossip-bridge.js'
import { createNodeHistory, historySource, timelineHooks } from './history-setup.js'
import { nodeIntegrations } from './integrations.js'
import type { Listeners } from './listeners.js'
import { buildRuntime } from './runtime.js'
import type { Runtime, RuntimeDeps } from './runtime.js'
import { loadUiFiles } from './ui-files.js'
import { USER_AGENT, VERSION_INFO, registerBuildInfo } from './version.js'
import { warmUpOnFirstAlert } from './warm-up.js'

/** RunningNode is a started node: what signals and tests act on. */
export interface RunningNode {
  /** Re-reads the config file and swaps the graph; rejects when the config was refused. */
  reload(): Promise<void>
  /** Graceful shutdown; idempotent. */
  stop(): Promise<void>
  /** The bound HTTP addresses as host:port. */
  readonly addresses: readonly string[]
}

/**
 * externalUrl derives --web.external-url as Alertmanager's extURL: from the host name and the
 * first listen port when not given; path without trailing slash.
 *
 * @param flags - the node flags.
 * @returns the normalised URL.
 * @throws Error for a non-http(s) URL.
 */
export function externalUrl(flags: Flags): URL {
  let text = flags.webExternalUrl
  if (text === '') {
    text = `http://${hostname()}:${webPort(flags)}/`
  }
  const url = new URL(text)
  const scheme = url.protocol.replace(/:$/, '')
  if (scheme !== 'http' && scheme !== 'https') {
    throw new Error(`"${text}": invalid "${scheme}" scheme, only 'http' and 'https' are supported`)
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

/**
 * startNode wires and starts a node (the composition root, Alertmanager's app/): long-lived
 * singletons in a straight line, each teardown pushed on a LIFO stack right after construction.
 *
 * @param flags - the parsed command line.
 * @param log - the root logger.
 * @param listeners - the HTTP sockets, already bound; the node serves on them once wired.
 * @param gossipTls - mutual TLS for gossip (--cluster.tls-config), already read and checked.
 * @returns the running node.
 * @throws when the config is invalid (the process exits 1).
 */
export async function startNode(
  flags: Flags,
  log: Logger,
  listeners: Listeners,
  gossipTls?: GossipTls
): Promise<RunningNode> {
  const teardown: { name: string; fn: () => Promise<void> | void }[] = []
  const onStop = (name: string, fn: () => Promise<void> | void): void => {
    teardown.push({ name, fn })
  }
  const startedAt = Date.now()
  const url = externalUrl(flags)
  const routePrefix = normalizeRoutePrefix(
    flags.webRoutePrefix === '' ? url.pathname : flags.webRoutePrefix
  )

  await Promise.all([initHashing(), mkdir(flags.storagePath, { recursive: true })])

  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const configMetrics = createConfigMetrics(registry)
  registerBuildInfo(registry)
  const store = new AlertStore()
  warmUpOnFirstAlert(store)
  const gcTimer = setInterval(() => {
    store.gc()
  }, flags.alertsGcIntervalMs)
  gcTimer.unref()
  onStop('alert gc', () => {
    clearInterval(gcTimer)
  })

  const name = nodeName(flags)
  // Local changes of both states go to the cluster as they happen; the channels attach once
  // the peer exists.
  const nflogBridgeOf = await nflogBridge()
  const silencesBridge = new GossipBridge<MeshSilence>((changed) => encodeMeshSilences(changed))
  // Recent decisions and notifications, in memory, for the alert story (src/history).
  const history = createNodeHistory(name)
  const timeline = timelineHooks(history, () => nflogBridgeOf.isMerging)
  const nflog = await Nflog.open({
    retentionMs: flags.dataRetentionMs,
    snapshotDir: flags.storagePath,
    maintenanceIntervalMs: flags.dataMaintenanceIntervalMs,
    log,
    registry,
    onChange: (entries) => {
      nflogBridgeOf.onChange(entries)
      timeline.local(entries)
    },
  })
  onStop('nflog', () => nflog.close())

  const silences = await Silences.open({
    retentionMs: flags.dataRetentionMs,
    snapshotDir: flags.storagePath,
    log: log.child({ component: 'silences' }),
    registry,
    onChange: silencesBridge.onChange,
  })
  onStop('silences', () => silences.close())
  // What each member applied, gossiped so any node shows drift between replicas. Kept without
  // clustering too, where it only ever holds this node.
  const nodeStatus = new NodeStatusState({ self: name, now: Date.now })
  const cluster = await startCluster(flags, {
    name,
    nflog,
    nflogBridge: nflogBridgeOf,
    silences,
    silencesBridge,
    nodeStatus,
    onNflogMerged: timeline.merged,
    log,
    registry,
    onStop,
    ...(gossipTls === undefined ? {} : { tls: gossipTls }),
  })
  const silencer = new Silencer(silences)
  // The config graph is built after the stores; until then no alert is inhibited.
  let runtimeOf: () => Runtime | undefined = () => undefined
  const alertStatus = alertStatusOf(silencer, () => runtimeOf()?.inhibitor)
  registerAlertsGauge(registry, store, (alert) => alertStatus(alert).state === 'suppressed')
  const silenceMaintenance = setInterval(() => {
    silences.gc()
    silences.compact().catch((err: unknown) => {
      log.error({ component: 'silences', err: errorMessage(err) }, 'Running maintenance failed')
    })
  }, flags.dataMaintenanceIntervalMs)
  silenceMaintenance.unref()
  onStop('silence maintenance', () => {
    clearInterval(silenceMaintenance)
  })

  const integrations = nodeIntegrations()
  const runtimeDeps: RuntimeDeps = {
    store,
    nflog,
    silencer,
    peer: cluster,
    waitMs: () => cluster?.waitMs() ?? 0,
    position: () => cluster?.position() ?? 0,
    decisions: history.decisions,
    // A wait that shrinks when a lower position leaves is safe only when every peer does the
    // same: Alertmanager's nodes keep the wait they began with, so in memberlist mode (Go
    // peers) an alertmesh node that cut its wait short would race a Go node still waiting.
    ...(cluster === undefined || flags.clusterProtocol === 'memberlist'
      ? {}
      : { waitChanges: (listener: () => void) => cluster.onMembersChanged(listener) }),
    externalURL: url.toString().replace(/\/$/, ''),
    userAgent: USER_AGENT,
    integrations: integrations.list,
    notifyMetrics: createNotifyMetrics(registry, integrations.list),
    dispatcherMetrics: createDispatcherMetrics(registry),
    log,
  }

  const configLog = log.child({ component: 'configuration' })
  const controller = new ConfigController({
    build: (loaded) => buildRuntime(loaded, runtimeDeps),
    metrics: configMetrics,
    log: configLog,
    now: Date.now,
  })
  runtimeOf = () => controller.runtime
  onStop('dispatcher', async () => {
    clearInterval(inhibitorGc)
    await controller.stop()
  })
  const inhibitorGc = setInterval(() => {
    controller.runtime?.inhibitor.gc()
  }, INHIBITOR_GC_INTERVAL_MS)
  inhibitorGc.unref()

  const consulMode = flags.consul === undefined ? undefined : await import('./consul-mode.js')
  const consulClient =
    flags.consul === undefined || consulMode === undefined
      ? undefined
      : await consulMode.createConsulClient(flags.consul)
  if (consulClient !== undefined) {
    onStop('consul client', () => {
      consulClient.close()
    })
  }
  const source =
    flags.consul === undefined || consulClient === undefined || consulMode === undefined
      ? fileConfigSource(
          flags.configFile,
          integrations.registry,
          controller,
          configLog,
          configReporter(nodeStatus)
        )
      : consulMode.consulConfigSource(flags.consul, consulClient, {
          nodeName: name,
          storagePath: flags.storagePath,
          registry: integrations.registry,
          controller,
          log: configLog,
          onReport: configReporter(nodeStatus),
          onStop,
        })
  await source.start()

  const app = createHttpApp(
    {
      store,
      runtime: () => controller.runtime as Runtime,
      reload: () => source.reload(),
      silences,
      alertStatus,
      cluster: () => clusterView(cluster),
      history: historySource(history, cluster),
      node: () => ({ name, config: source.view() }),
      memberConfig: memberConfigOf(nodeStatus),
      version: VERSION_INFO,
      startedAt,
      metrics: createApiMetrics(registry),
      log: log.child({ component: 'api' }),
      now: Date.now,
    },
    {
      routePrefix,
      getConcurrency:
        flags.webGetConcurrency > 0 ? flags.webGetConcurrency : DEFAULT_GET_CONCURRENCY,
      timeoutMs: flags.webTimeoutMs > 0 ? flags.webTimeoutMs : 0,
      maxBodyBytes: MAX_BODY_BYTES,
      registry,
      ui: loadUiFiles(routePrefix),
    }
  )
  listeners.serve(app.callback())
  onStop('http', () => listeners.close())
  const addresses = listeners.addresses
  log.info({ addresses, externalURL: runtimeDeps.externalURL, routePrefix }, 'Listening')
  if (
    cluster !== undefined &&
    consulClient !== undefined &&
    consulMode !== undefined &&
    flags.consul !== undefined
  ) {
    consulMode.joinThroughConsul(consulClient, flags.consul, cluster, {
      name,
      webUrl: runtimeDeps.externalURL,
      isHealthy: () => controller.runtime !== undefined && cluster.ready,
      healthOutput: () =>
        controller.runtime === undefined
          ? 'no config applied yet'
          : cluster.ready
            ? 'ready'
            : 'gossip settling',
      log,
      onStop,
    })
  }

  let stopping: Promise<void> | undefined
  return {
    addresses,
    reload: () => source.reload(),
    stop() {
      stopping ??= (async () => {
        for (const { name, fn } of teardown.reverse()) {
          try {
            await fn()
          } catch (err: unknown) {
            log.warn({ component: name, err: errorMessage(err) }, 'Shutdown step failed')
          }
        }
      })()
      return stopping
    },
  }
}

/**
 * nodeName is --node.name, or the host name with the web port appended when it is not the
 * default 9093 (several nodes on one host need distinct names).
 *
 * @param flags - the node flags.
 * @returns the node name.
 */
export function nodeName(flags: Flags): string {
  if (flags.nodeName !== '') {
    return flags.nodeName
  }
  const port = webPort(flags)
  return port === DEFAULT_WEB_PORT ? hostname() : `${hostname()}-${port}`
}

/** DEFAULT_WEB_PORT is the port of --web.listen-address's default, `:9093`. */
const DEFAULT_WEB_PORT = '9093'

/** webPort is the port of the first --web.listen-address. */
function webPort(flags: Flags): string {
  const first = flags.webListenAddresses[0] ?? `:${DEFAULT_WEB_PORT}`
  return first.slice(first.lastIndexOf(':') + 1)
}
