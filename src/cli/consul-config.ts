import { join } from 'node:path'

import type Logger from 'bunyan'

import type { ConfigSourceView } from '../api/index.js'
import {
  loadConfigDocument,
  readDocumentCache,
  writeDocumentCache,
  writeTemplates,
} from '../config/index.js'
import type {
  CachedDocument,
  ConfigDocument,
  ConfigRegistry,
  LoadedDocument,
} from '../config/index.js'
import { ConsulConfigWatch, fetchConfigDocument, writeNodeStatus } from '../consul/index.js'
import type { ConsulClient, NodeStatus } from '../consul/index.js'
import { errorMessage } from '../util/index.js'

import type { ConfigController } from './config-controller.js'
import { hashHex } from './config-controller.js'

/** ConsulConfigSyncOptions wire a ConsulConfigSync. */
export interface ConsulConfigSyncOptions {
  readonly client: ConsulClient
  readonly address: string
  readonly prefix: string
  readonly nodeName: string
  readonly storagePath: string
  /** The integrations a config may use. */
  readonly registry: ConfigRegistry
  readonly controller: ConfigController
  readonly log: Logger
  readonly now: () => number
  /**
   * Called with {@link ConsulConfigSync.view} after each apply, refusal or missing config,
   * so the node can gossip what it runs (peers show drift without reading Consul).
   */
  readonly onReport?: (view: ConfigSourceView) => void
  /**
   * How long the first read may take before the node starts on its cached config.
   *
   * @default 5000
   */
  readonly startTimeoutMs?: number
  /** Blocking query wait. @default 60000 */
  readonly waitMs?: number
}

interface Applied {
  readonly doc: ConfigDocument
  readonly hash: string
  readonly version: string
  readonly source: 'consul' | 'cache'
  readonly appliedAt: string
}

const STATUS_RETRY_MS = 2000

/**
 * ConsulConfigSync keeps a node on the config in Consul KV: it applies `<prefix>/config` and
 * `<prefix>/templates/` through the ConfigController whenever they change, refuses invalid ones
 * (the last good config keeps running), caches every applied config under --storage.path for
 * starts while Consul is unreachable, and reports what it applied under `<prefix>/status/<node>`.
 */
export class ConsulConfigSync {
  readonly #o: ConsulConfigSyncOptions
  readonly #cachePath: string
  readonly #templatesDir: string
  #watch: ConsulConfigWatch | undefined
  #applied: Applied | undefined
  #error: { message: string; at: string; index: string } | undefined
  #reachable = false
  #firstSettled: (() => void) | undefined
  // Set while start() waits for a first valid config from Consul: settled by the first apply,
  // or refused by stop().
  #firstApplied: { resolve: () => void; reject: (err: Error) => void } | undefined
  #status: NodeStatus | undefined
  #statusWriting = false
  #statusTimer: NodeJS.Timeout | undefined
  #stopped = false
  #lastLoggedErrorAt = -Infinity
  #lastStatusWarnAt = -Infinity

  /**
   * ConsulConfigSync's constructor only records its options; start() does the work.
   *
   * @param options - client, prefix, node name, storage path and the controller to apply through.
   */
  constructor(options: ConsulConfigSyncOptions) {
    this.#o = options
    this.#cachePath = join(options.storagePath, 'consul-config.json')
    this.#templatesDir = join(options.storagePath, 'templates')
  }

  get #configKey(): string {
    return `${this.#o.prefix}/config`
  }

  /**
   * start resolves once the node runs on a config: Consul's, or the cached one when Consul does
   * not answer within the start timeout or holds no valid config. Without either it keeps
   * waiting (and says so in the log) until a valid config appears in Consul.
   */
  async start(): Promise<void> {
    const { log } = this.#o
    let cached: CachedDocument | undefined
    try {
      cached = await readDocumentCache(this.#cachePath)
    } catch (err: unknown) {
      log.warn({ err: errorMessage(err) }, 'Ignoring unreadable config cache')
    }
    const firstEvent = new Promise<void>((resolve) => {
      this.#firstSettled = resolve
    })
    this.#watch = new ConsulConfigWatch({
      client: this.#o.client,
      prefix: this.#o.prefix,
      ...(this.#o.waitMs === undefined ? {} : { waitMs: this.#o.waitMs }),
      onDocument: (doc) => {
        this.#reachable = true
        void this.#applyFromConsul(doc).finally(() => this.#firstSettled?.())
      },
      onMissing: () => {
        this.#reachable = true
        this.#onMissing()
        this.#firstSettled?.()
      },
      onError: (err, retryInMs) => {
        this.#onConsulError(err, retryInMs)
        this.#firstSettled?.()
      },
      onRecovered: () => {
        this.#reachable = true
        log.info({ address: this.#o.address }, 'Consul is reachable again')
        this.#flushStatus()
      },
    })
    this.#watch.start()
    const timeout = new Promise<void>((resolve) => {
      setTimeout(resolve, this.#o.startTimeoutMs ?? 5000).unref()
    })
    await Promise.race([firstEvent, timeout])
    if (this.#o.controller.runtime === undefined && cached !== undefined) {
      await this.#applyCached(cached)
    }
    if (this.#o.controller.runtime === undefined) {
      log.warn(
        { key: this.#configKey, address: this.#o.address },
        `Waiting for a valid config in Consul at ${this.#configKey}; push one with \`alertmesh config push FILE\``
      )
      if (this.#stopped) {
        throw new Error('stopped before a config was applied')
      }
      await new Promise<void>((resolve, reject) => {
        this.#firstApplied = { resolve, reject }
      })
      this.#firstApplied = undefined
    }
  }

  /**
   * reload re-reads the config from Consul now (SIGHUP, POST /-/reload) and applies it.
   *
   * @throws when Consul cannot be read, holds no config, or the config is refused.
   */
  async reload(): Promise<void> {
    const doc = await fetchConfigDocument(this.#o.client, this.#o.prefix)
    if (doc === undefined) {
      throw new Error(
        `no config at Consul key ${this.#configKey}; push one with \`alertmesh config push FILE\``
      )
    }
    await this.#applyFromConsul(doc, true)
  }

  /** view is the config part of /api/v2/status. */
  view(): ConfigSourceView {
    const applied = this.#applied
    return {
      mode: 'consul',
      source: applied?.source ?? 'consul',
      location: `consul key ${this.#configKey}`,
      hash: applied?.hash ?? '',
      ...(applied === undefined ? {} : { version: applied.version }),
      appliedAt: applied?.appliedAt ?? '',
      ...(this.#error === undefined
        ? {}
        : { error: { message: this.#error.message, at: this.#error.at } }),
      consul: { address: this.#o.address, reachable: this.#reachable },
    }
  }

  /** stop ends the watch and pending status writes. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#firstApplied?.reject(new Error('stopped before a config was applied'))
    clearTimeout(this.#statusTimer)
    await this.#watch?.stop()
  }

  #loadDocument(doc: ConfigDocument): LoadedDocument {
    return loadConfigDocument(doc, {
      name: `consul key ${this.#configKey}`,
      templatePrefix: `${this.#o.prefix}/templates/`,
      templatesDir: this.#templatesDir,
      registry: this.#o.registry,
    })
  }

  async #applyFromConsul(
    doc: ConfigDocument & { readonly index: bigint },
    rethrow = false
  ): Promise<void> {
    const { controller, log } = this.#o
    const version = doc.index.toString()
    await controller.serialize(async () => {
      try {
        const { loaded, effectiveKey } = this.#loadDocument(doc)
        // The templates the config's globs name must be on disk before the build parses them,
        // so a config and its templates arriving together are validated together.
        await this.#stageTemplates(doc)
        const outcome = await controller.apply(loaded, effectiveKey)
        const appliedAt = new Date(this.#o.now()).toISOString()
        this.#applied = {
          doc,
          hash: hashHex(loaded.hash),
          version,
          source: 'consul',
          appliedAt,
        }
        this.#firstApplied?.resolve()
        this.#error = undefined
        log.info(
          { key: this.#configKey, index: version, hash: hashHex(loaded.hash), outcome },
          outcome === 'applied'
            ? 'Completed loading of configuration from Consul'
            : 'Configuration in Consul changed nothing effective; running graph kept'
        )
        await this.#persist(doc, version, appliedAt)
      } catch (err: unknown) {
        await this.#restoreTemplates()
        controller.recordFailure()
        this.#error = {
          message: errorMessage(err),
          at: new Date(this.#o.now()).toISOString(),
          index: version,
        }
        log.error(
          { key: this.#configKey, index: version, err: errorMessage(err) },
          this.#applied === undefined
            ? 'Loading configuration from Consul failed'
            : `Loading configuration from Consul failed; keeping the last good one (hash ${this.#applied.hash})`
        )
        if (rethrow) {
          throw err
        }
      } finally {
        this.#publishStatus()
      }
    })
  }

  /**
   * stageTemplates writes the document's templates under <storage.path>/templates/ for the
   * build to parse (before the apply, not after it: the build reads them).
   */
  async #stageTemplates(doc: ConfigDocument): Promise<void> {
    await writeTemplates(this.#templatesDir, doc.templates)
  }

  /**
   * restoreTemplates puts the running config's templates back after a refused document, so
   * <storage.path>/templates/ keeps holding what runs (a failure here is only logged: the
   * running graph holds its templates parsed, and the next build writes its own first).
   */
  async #restoreTemplates(): Promise<void> {
    const applied = this.#applied
    if (applied === undefined) {
      return
    }
    try {
      await writeTemplates(this.#templatesDir, applied.doc.templates)
    } catch (err: unknown) {
      this.#o.log.warn(
        { dir: this.#templatesDir, err: errorMessage(err) },
        "Restoring the running config's templates failed"
      )
    }
  }

  async #persist(doc: ConfigDocument, version: string, appliedAt: string): Promise<void> {
    try {
      await writeDocumentCache(this.#cachePath, {
        ...doc,
        origin: `consul key ${this.#configKey}`,
        version,
        appliedAt,
      })
    } catch (err: unknown) {
      // The config runs; only a later start without Consul would miss it.
      this.#o.log.warn(
        { path: this.#cachePath, err: errorMessage(err) },
        'Caching the applied config failed'
      )
    }
  }

  async #applyCached(cached: CachedDocument): Promise<void> {
    const { controller, log } = this.#o
    await controller.serialize(async () => {
      if (controller.runtime !== undefined) {
        return
      }
      try {
        const { loaded, effectiveKey } = this.#loadDocument(cached)
        await this.#stageTemplates(cached)
        await controller.apply(loaded, effectiveKey)
        this.#applied = {
          doc: cached,
          hash: hashHex(loaded.hash),
          version: cached.version,
          source: 'cache',
          appliedAt: new Date(this.#o.now()).toISOString(),
        }
        log.warn(
          {
            path: this.#cachePath,
            index: cached.version,
            cachedAt: cached.appliedAt,
            hash: hashHex(loaded.hash),
          },
          'Running on the cached config: Consul gave no valid config at start; will switch when it does'
        )
        // Not written to Consul (it gave no config), but peers should see what runs here.
        this.#o.onReport?.(this.view())
      } catch (err: unknown) {
        controller.recordFailure()
        log.error(
          { path: this.#cachePath, err: errorMessage(err) },
          'The cached config was refused; delete the cache file if it is stale'
        )
      }
    })
  }

  #onMissing(): void {
    const message = `no config at Consul key ${this.#configKey}`
    this.#error = { message, at: new Date(this.#o.now()).toISOString(), index: '0' }
    if (this.#applied === undefined) {
      this.#o.log.warn(
        { key: this.#configKey },
        `${message}; push one with \`alertmesh config push FILE\``
      )
    } else {
      this.#o.log.warn(
        { key: this.#configKey, hash: this.#applied.hash },
        `${message} (deleted?); keeping the last good config`
      )
    }
    this.#publishStatus()
  }

  #onConsulError(err: unknown, retryInMs: number): void {
    this.#reachable = false
    const now = this.#o.now()
    // A long outage retries for hours; one line per 30 s is enough to follow it.
    if (now - this.#lastLoggedErrorAt >= 30_000) {
      this.#lastLoggedErrorAt = now
      this.#o.log.warn(
        { address: this.#o.address, err: errorMessage(err), retryInMs: Math.round(retryInMs) },
        this.#applied === undefined
          ? 'Reading the config from Consul failed'
          : 'Reading the config from Consul failed; the running config stays'
      )
    }
  }

  #publishStatus(): void {
    this.#o.onReport?.(this.view())
    const applied = this.#applied
    this.#status = {
      node: this.#o.nodeName,
      configHash: applied?.hash ?? '',
      appliedIndex: applied?.version ?? '0',
      appliedAt: applied?.appliedAt ?? '',
      source: applied?.source ?? 'consul',
      ...(this.#error === undefined ? {} : { error: this.#error }),
    }
    this.#flushStatus()
  }

  #flushStatus(): void {
    if (this.#statusWriting || this.#stopped || this.#status === undefined) {
      return
    }
    const status = this.#status
    this.#statusWriting = true
    clearTimeout(this.#statusTimer)
    writeNodeStatus(this.#o.client, this.#o.prefix, status).then(
      () => {
        this.#statusWriting = false
        if (this.#status !== status) {
          this.#flushStatus()
        } else {
          this.#status = undefined
        }
      },
      (err: unknown) => {
        this.#statusWriting = false
        // A refused token (403) fails every retry; one warning a minute says so without flooding.
        const now = this.#o.now()
        if (now - this.#lastStatusWarnAt >= 60_000) {
          this.#lastStatusWarnAt = now
          this.#o.log.warn(
            { key: `${this.#o.prefix}/status/${this.#o.nodeName}`, err: errorMessage(err) },
            'Writing the node status to Consul failed; retrying'
          )
        }
        this.#statusTimer = setTimeout(() => {
          this.#flushStatus()
        }, STATUS_RETRY_MS)
        this.#statusTimer.unref()
      }
    )
  }
}
