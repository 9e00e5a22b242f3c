import type Logger from 'bunyan'

import type { AlertStore } from '../alerts/index.js'
import type { ApiRuntime } from '../api/index.js'
import { timeIntervalContains } from '../config/index.js'
import type { Config, LoadedConfig, TimeInterval } from '../config/index.js'
import { Dispatcher, buildRouteTree } from '../dispatch/index.js'
import type { DispatcherMetrics } from '../dispatch/index.js'
import { Inhibitor } from '../inhibit/index.js'
import { buildIntegrations, buildPipeline } from '../notify/index.js'
import type {
  AlertTemplate,
  Integration,
  IntegrationDefinition,
  NotifyMetrics,
  PipelineOptions,
} from '../notify/index.js'

import { configTemplate } from './templates.js'

/** Runtime is the config-scoped object graph: rebuilt whole on every reload. */
export interface Runtime extends ApiRuntime {
  /** The inhibitor of this config's rules; started with the dispatcher. */
  readonly inhibitor: Inhibitor
  /** Number of receivers referenced by routes (`alertmanager_receivers`). */
  readonly receiverCount: number
  /** Number of built integrations (`alertmanager_integrations`). */
  readonly integrationCount: number
  /**
   * The config's notification templates (0.25's `tmpl`): built with the runtime when the config
   * has `templates:`, otherwise on first use (see configTemplate).
   */
  readonly template: () => AlertTemplate
  /** Releases what the graph holds (HTTP connection pools). */
  close(): Promise<void>
}

/**
 * RuntimeDeps are the long-lived collaborators a runtime is built on; the pipeline's own ones
 * (nflog, silencer, peer, cluster wait and position, decision history) pass through as they are.
 */
export interface RuntimeDeps extends Pick<
  PipelineOptions,
  'nflog' | 'silencer' | 'peer' | 'waitMs' | 'waitChanges' | 'position' | 'decisions'
> {
  readonly store: AlertStore
  readonly externalURL: string
  readonly userAgent: string
  /** The integration list the config registry was built from. */
  readonly integrations: readonly IntegrationDefinition[]
  readonly notifyMetrics: NotifyMetrics
  readonly dispatcherMetrics: DispatcherMetrics
  readonly log: Logger
}

function withinTimeInterval(config: Config): (name: string, instantMs: number) => boolean {
  const byName = new Map<string, readonly TimeInterval[]>()
  for (const named of [...config.time_intervals, ...config.mute_time_intervals]) {
    byName.set(named.name, named.time_intervals)
  }
  return (name, instantMs) =>
    (byName.get(name) ?? []).some((interval) => timeIntervalContains(interval, instantMs))
}

/**
 * buildRuntime builds everything a config implies (route tree, integrations, pipeline,
 * dispatcher) without touching live state, so a failure leaves the running graph untouched
 * (Alertmanager's reloader: all fallible work before the swap).
 *
 * @param loaded - the validated config.
 * @param deps - long-lived collaborators.
 * @returns the graph; its dispatcher is not started.
 * @throws TemplateBuildError when a `templates:` file does not parse; or when an integration
 *   cannot be built (e.g. an unsupported type).
 */
export function buildRuntime(loaded: LoadedConfig, deps: RuntimeDeps): Runtime {
  // First, as 0.25's reload does (cmd/alertmanager/main.go builds tmpl before the routes).
  const template = configTemplate(loaded.config, deps.externalURL)
  const route = buildRouteTree(loaded.config.route)
  const referenced = new Set<string>()
  route.walk((r) => referenced.add(r.opts.receiver))
  const receivers = new Map<string, readonly Integration[]>()
  const all: Integration[] = []
  for (const receiver of loaded.config.receivers) {
    // Every receiver is built, referenced or not, so an unsupported one is refused now rather
    // than when a later routing change starts to use it.
    const integrations = buildIntegrations(receiver, deps.integrations, {
      externalURL: deps.externalURL,
      userAgent: deps.userAgent,
      template,
      log: deps.log.child({ component: 'notify' }),
    })
    all.push(...integrations)
    if (referenced.has(receiver.name)) {
      receivers.set(receiver.name, integrations)
    }
  }
  const inhibitor = new Inhibitor({
    rules: loaded.config.inhibit_rules,
    store: deps.store,
    log: deps.log.child({ component: 'inhibitor' }),
  })
  const { nflog, silencer, peer, waitMs, waitChanges, position, decisions } = deps
  const pipeline = buildPipeline({
    receivers,
    inhibitor,
    silencer,
    withinTimeInterval: withinTimeInterval(loaded.config),
    nflog,
    peer,
    waitMs,
    ...(waitChanges === undefined ? {} : { waitChanges }),
    ...(position === undefined ? {} : { position }),
    ...(decisions === undefined ? {} : { decisions }),
    metrics: deps.notifyMetrics,
    log: deps.log.child({ component: 'notify' }),
  })
  const dispatcher = new Dispatcher({
    store: deps.store,
    route,
    pipeline,
    log: deps.log.child({ component: 'dispatcher' }),
    metrics: deps.dispatcherMetrics,
    clusterWaitMs: deps.waitMs,
  })
  let integrationCount = 0
  for (const list of receivers.values()) {
    integrationCount += list.length
  }
  return {
    config: loaded,
    route,
    dispatcher,
    inhibitor,
    receiverCount: receivers.size,
    integrationCount,
    template,
    async close() {
      await Promise.all(
        all.map(async (integration) => {
          await integration.notifier.close?.()
        })
      )
    },
  }
}
