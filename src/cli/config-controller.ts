import type Logger from 'bunyan'
import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

import type { LoadedConfig } from '../config/index.js'
import { errorMessage } from '../util/index.js'

import type { Runtime } from './runtime.js'

/** ConfigMetrics are Alertmanager's config gauges. */
export interface ConfigMetrics {
  readonly hash: Gauge
  readonly lastReloadSuccessful: Gauge
  readonly lastReloadSuccessTime: Gauge
  readonly receivers: Gauge
  readonly integrations: Gauge
}

/**
 * createConfigMetrics registers Alertmanager's config gauges (cmd/alertmanager/main.go's
 * configHash, configSuccess, configSuccessTime and coordinator.go's receivers/integrations).
 *
 * @param registry - the node's registry.
 * @returns the gauges the controller updates.
 */
export function createConfigMetrics(registry: Registry): ConfigMetrics {
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

/** ConfigControllerOptions wire a ConfigController. */
export interface ConfigControllerOptions {
  /** Builds the config-scoped graph without touching live state; throws when it cannot. */
  readonly build: (loaded: LoadedConfig) => Runtime
  readonly metrics: ConfigMetrics
  readonly log: Logger
  readonly now: () => number
}

/** ApplyOutcome says whether an accepted config replaced the running graph. */
export type ApplyOutcome = 'applied' | 'unchanged'

/**
 * ConfigController owns the running config graph for every config source (file or Consul): it
 * builds the next graph completely, then swaps (Alertmanager's reloader), keeps the running graph
 * when the effective config did not change, and keeps Alertmanager's config metrics. Applies are
 * serialised, so a Consul change and a SIGHUP arriving together cannot interleave.
 */
export class ConfigController {
  readonly #options: ConfigControllerOptions
  #runtime: Runtime | undefined
  #effectiveKey: string | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #stopped = false

  /**
   * ConfigController's constructor takes its collaborators; nothing runs until apply.
   *
   * @param options - builder, metrics, logger and clock.
   */
  constructor(options: ConfigControllerOptions) {
    this.#options = options
  }

  /** runtime is the running graph; undefined until the first config was applied. */
  get runtime(): Runtime | undefined {
    return this.#runtime
  }

  /**
   * serialize runs `task` after every earlier task, so loading, building and swapping happen one
   * config at a time.
   *
   * @param task - the work.
   * @returns the task's result.
   */
  serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /**
   * apply builds the graph for `loaded` and swaps it in, or, when `effectiveKey` equals the
   * running one's, keeps the running graph (and its aggregation group timers) and only records
   * the new hash. Call it inside serialize.
   *
   * @param loaded - a validated config.
   * @param effectiveKey - equal for configs that mean the same; undefined always rebuilds, as
   *   Alertmanager's reload does (file mode keeps its timing: a reload restarts group timers).
   * @returns whether the graph was replaced.
   * @throws when the graph cannot be built; the running graph is untouched and the reload metric
   *   says 0.
   */
  async apply(loaded: LoadedConfig, effectiveKey: string | undefined): Promise<ApplyOutcome> {
    const { metrics } = this.#options
    if (this.#stopped) {
      throw new Error('node is shutting down')
    }
    if (
      this.#runtime !== undefined &&
      effectiveKey !== undefined &&
      effectiveKey === this.#effectiveKey
    ) {
      // The running graph is kept, but it must answer with the text that was just accepted.
      this.#runtime = { ...this.#runtime, config: loaded }
      this.#recordSuccess(loaded)
      return 'unchanged'
    }
    let next: Runtime
    try {
      next = this.#options.build(loaded)
    } catch (err: unknown) {
      this.recordFailure()
      throw err
    }
    const previous = this.#runtime
    await previous?.dispatcher.stop()
    previous?.inhibitor.stop()
    this.#runtime = next
    this.#effectiveKey = effectiveKey
    // The inhibitor fills its source cache from the store's replay before the dispatcher's
    // first flush can ask it anything.
    next.inhibitor.start()
    next.dispatcher.start()
    void previous?.close()
    this.#recordSuccess(loaded)
    metrics.receivers.set(next.receiverCount)
    metrics.integrations.set(next.integrationCount)
    return 'applied'
  }

  /** recordFailure marks the last reload attempt as failed (the running graph stays). */
  recordFailure(): void {
    this.#options.metrics.lastReloadSuccessful.set(0)
  }

  #recordSuccess(loaded: LoadedConfig): void {
    const { metrics } = this.#options
    metrics.hash.set(loaded.hash)
    metrics.lastReloadSuccessful.set(1)
    metrics.lastReloadSuccessTime.set(this.#options.now() / 1000)
  }

  /** stop stops the running graph; later applies are refused. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.serialize(async () => {
      const runtime = this.#runtime
      await runtime?.dispatcher.stop()
      runtime?.inhibitor.stop()
      await runtime?.close().catch((err: unknown) => {
        this.#options.log.warn({ err: errorMessage(err) }, 'Closing integrations failed')
      })
    })
  }
}

/**
 * hashHex renders `alertmanager_config_hash` as the fixed-width hex used in status reports.
 *
 * @param hash - the config hash.
 * @returns 12 hex digits.
 */
export function hashHex(hash: number): string {
  return hash.toString(16).padStart(12, '0')
}
