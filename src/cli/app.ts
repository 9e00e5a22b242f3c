import { mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'

import type Logger from 'bunyan'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'

import { AlertStore, isResolved } from '../alerts/index.js'
import type { Alert } from '../alerts/index.js'
import {
  ACTIVE_STATUS,
  createApiMetrics,
  createHttpApp,
  normalizeRoutePrefix,
} from '../api/index.js'
import type { AlertStatus } from '../api/index.js'
import { NodeStatusState } from '../cluster/index.js'
import { createDispatcherMetrics } from '../dispatch/index.js'
import { initHashing } from '../labels/index.js'
import { Nflog } from '../nflog/index.js'
import { createNotifyMetrics } from '../notify/index.js'
import { Silencer, Silences, encodeMeshSilences } from '../silences/index.js'
import type { MeshSilence } from '../silences/index.js'
import { errorMessage } from '../util/index.js'

import { clusterView, configReporter, memberConfigOf, startCluster } from './cluster-setup.js'
import { ConfigController } from './config-controller.js'
import { fileConfigSource } from './config-source.js'
import type { Flags } from './flags.js'
import { GossipBridge, nflogBridge } from './gossip-bridge.js'
import { nodeIntegrations } from './integrations.js'
import type { Listeners } from './listeners.js'
import { buildRuntime } from './runtime.js'
import type { Runtime, RuntimeDeps } from './runtime.js'
import { loadUiFiles } from './ui-files.js'
import { USER_AGENT, VERSION_INFO } from './version.js'

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
    const first = flags.webListenAddresses[0] ?? ':9093'
    text = `http://${hostname()}:${first.slice(first.lastIndexOf(':') + 1)}/`
  }
  const url = new URL(text)
  const scheme = url.protocol.replace(/:$/, '')
  if (scheme !== 'http' && scheme !== 'https') {
    throw new Error(`"${text}": invalid "${scheme}" scheme, only 'http' and 'https' are supported`)
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

function createConfigMetrics(registry: Registry) {
  const registers = [registry]
  return {
    hash: new Gauge({
      name: 'alertmanager_config_hash',
      help: 'Hash of the currently loaded alertmanager configuration.',
      registers,
    }),
    lastReloadSuccessful: new Gauge({
      name: 'alertmanager_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers,
    }),
    lastReloadSuccessTime: new Gauge({
      name: 'alertmanager_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    }),
    receivers: new Gauge({
      name: 'alertmanager_receivers',
      help: 'Number of configured receivers.',
      registers,
    }),
    integrations: new Gauge({
      name: 'alertmanager_integrations',
      help: 'Number of configured integrations.',
      registers,
    }),
  }
}

/**
 * startNode wires and starts a node (the composition root, Alertmanager's app/): long-lived
 * singletons in a straight line, each teardown pushed on a LIFO stack right after construction.
 *
 * @param flags - the parsed command line.
 * @param log - the root logger.
 * @param listeners - the HTTP sockets, already bound; the node serves on them once wired.
 * @returns the running node.
 * @throws when the config is invalid (the process exits 1).
 */
export async function startNode(
  flags: Flags,
  log: Logger,
  listeners: Listeners
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
  new Gauge({
    name: 'alertmanager_build_info',
    help: 'A metric with a constant 1 value labeled by version, revision, branch, and goversion from which alertmanager was built.',
    labelNames: ['version', 'revision', 'branch', 'goversion'],
    registers: [registry],
  }).set(
    {
      version: VERSION_INFO.version,
      revision: VERSION_INFO.revision,
      branch: VERSION_INFO.branch,
      goversion: VERSION_INFO.goVersion,
    },
    1
  )
  const store = new AlertStore()
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
  const nflog = await Nflog.open({
    retentionMs: flags.dataRetentionMs,
    snapshotDir: flags.storagePath,
    maintenanceIntervalMs: flags.dataMaintenanceIntervalMs,
    log,
    registry,
    onChange: nflogBridgeOf.onChange,
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
    log,
    registry,
    onStop,
  })
  const silencer = new Silencer(silences)
  // The config graph is built after the stores; until then no alert is inhibited.
  let runtimeOf: () => Runtime | undefined = () => undefined
  // An alert's status is recomputed on every read, as Alertmanager's API does, so a new or
  // deleted silence shows at once; the silencer's per-alert cache keeps that cheap.
  const alertStatus = (alert: Alert): AlertStatus => {
    const { silencedBy } = silencer.status(alert.labels, alert.fingerprint)
    const source = runtimeOf()?.inhibitor.inhibitedBy(alert.labels)
    const inhibitedBy = source === undefined ? [] : [source]
    if (silencedBy.length === 0 && inhibitedBy.length === 0) {
      return ACTIVE_STATUS
    }
    return { state: 'suppressed', silencedBy, inhibitedBy }
  }
  new Gauge({
    name: 'alertmanager_alerts',
    help: 'How many alerts by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = Date.now()
      let active = 0
      let suppressed = 0
      for (const alert of store.values()) {
        if (!isResolved(alert, now)) {
          if (alertStatus(alert).state === 'suppressed') {
            suppressed++
          } else {
            active++
          }
        }
      }
      this.set({ state: 'active' }, active)
      this.set({ state: 'suppressed' }, suppressed)
      this.set({ state: 'unprocessed' }, 0)
    },
  })
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
  }, 15 * 60_000)
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
      getConcurrency: flags.webGetConcurrency > 0 ? flags.webGetConcurrency : 8,
      timeoutMs: flags.webTimeoutMs > 0 ? flags.webTimeoutMs : 0,
      maxBodyBytes: 32 * 1024 * 1024,
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
  const first = flags.webListenAddresses[0] ?? ':9093'
  const port = first.slice(first.lastIndexOf(':') + 1)
  return port === '9093' ? hostname() : `${hostname()}-${port}`
}
