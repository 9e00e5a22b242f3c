import { ClosedError, compareGoStrings } from '../util/index.js'

import { BlockingQuery } from './blocking-query.js'
import type { KvEntry } from './client-types.js'
import type { ConsulClient } from './client.js'
import { kvLayout } from './kv-layout.js'
import type { KvLayout } from './kv-layout.js'

/**
 * KvConfigDocument is one effective configuration as stored in Consul, not yet parsed: what
 * src/config calls a ConfigDocument, plus the ModifyIndex it was read at.
 */
export interface KvConfigDocument {
  /** The YAML at `<prefix>/config`, decoded as UTF-8. */
  readonly text: string
  /** `<prefix>/templates/<name>` → text, keyed by the name under that folder, sorted by name. */
  readonly templates: ReadonlyMap<string, string>
  /** The ModifyIndex of `<prefix>/config`. */
  readonly index: bigint
}

/** ConsulConfigWatchOptions configure a {@link ConsulConfigWatch}. */
export interface ConsulConfigWatchOptions {
  readonly client: ConsulClient
  /** The KV prefix, e.g. `alertmesh`; no trailing slash. */
  readonly prefix: string
  /**
   * Receives each new effective document: the first one, then whenever the config text or any
   * template changes. An exception it throws goes to `onError` (with retryInMs 0: nothing is
   * retried) and the document still counts as delivered.
   */
  readonly onDocument: (doc: KvConfigDocument) => void
  /** Called when `<prefix>/config` does not exist, at start or after a delete; once per absence. */
  readonly onMissing: () => void
  /** Hears every failed read (either loop) with the delay before its retry. */
  readonly onError: (err: unknown, retryInMs: number) => void
  /** Called once both loops read successfully again after a failure. */
  readonly onRecovered?: () => void
  /**
   * How long Consul may hold each blocking read.
   *
   * @default 60_000
   */
  readonly waitMs?: number
}

type Part = 'config' | 'templates'

/**
 * ConsulConfigWatch follows the config document in Consul KV with two blocking queries: one on
 * the key `<prefix>/config` and one listing `<prefix>/templates/`. It deliberately does not
 * watch the whole prefix: every node writes `<prefix>/status/<node>`, and a prefix watch would
 * wake every node on every status write.
 *
 * The first document is delivered once both reads have answered. After that, changes from both
 * loops that arrive together are coalesced (one `setImmediate`), and a document is delivered
 * only when its text or templates differ from the last one delivered, so an identical re-put
 * delivers nothing.
 *
 * @example
 * ```ts
 * const watch = new ConsulConfigWatch({
 *   client, prefix: 'alertmesh',
 *   onDocument: (doc) => reload(doc.text, doc.templates),
 *   onMissing: () => log.warn('no config in Consul'),
 *   onError: (err, retryInMs) => log.warn({ err, retryInMs }, 'consul config watch failed'),
 * })
 * watch.start()
 * ```
 */
export class ConsulConfigWatch {
  readonly #options: ConsulConfigWatchOptions
  readonly #layout: KvLayout
  readonly #config: BlockingQuery<KvEntry | undefined>
  readonly #templates: BlockingQuery<readonly KvEntry[]>
  readonly #failing = new Set<Part>()
  #configEntry: { readonly entry: KvEntry | undefined } | undefined
  #templateEntries: readonly KvEntry[] | undefined
  #delivered: KvConfigDocument | 'missing' | undefined
  #flush: NodeJS.Immediate | undefined
  #stopped = false
  #stopping: Promise<void> | undefined

  /**
   * ConsulConfigWatch's constructor prepares both loops; nothing is read until start().
   *
   * @param options - client, prefix and callbacks.
   * @throws InvalidArgumentError for a bad prefix or waitMs.
   */
  constructor(options: ConsulConfigWatchOptions) {
    this.#options = options
    this.#layout = kvLayout(options.prefix)
    const { client } = options
    const { configKey, templatesPrefix } = this.#layout
    const common = (part: Part) =>
      ({
        onError: (err: unknown, _attempt: number, retryInMs: number) => {
          this.#failing.add(part)
          options.onError(err, retryInMs)
        },
        onRecovered: () => {
          this.#failing.delete(part)
          if (this.#failing.size === 0) {
            options.onRecovered?.()
          }
        },
        ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
      }) as const
    this.#config = new BlockingQuery<KvEntry | undefined>({
      name: `kv ${configKey}`,
      fetch: (index, waitMs, signal) => client.kvGet(configKey, { index, waitMs, signal }),
      equals: (a, b) => (a === undefined || b === undefined ? a === b : a.value.equals(b.value)),
      onChange: (entry) => {
        this.#configEntry = { entry }
        this.#schedule()
      },
      ...common('config'),
    })
    this.#templates = new BlockingQuery<readonly KvEntry[]>({
      name: `kv ${templatesPrefix}`,
      fetch: (index, waitMs, signal) => client.kvList(templatesPrefix, { index, waitMs, signal }),
      equals: sameEntries,
      onChange: (entries) => {
        this.#templateEntries = entries
        this.#schedule()
      },
      ...common('templates'),
    })
  }

  /**
   * start begins both blocking queries.
   *
   * @throws ClosedError after stop().
   */
  start(): void {
    if (this.#stopped) {
      throw new ClosedError('ConsulConfigWatch')
    }
    this.#config.start()
    this.#templates.start()
  }

  /**
   * stop aborts both loops and resolves when they have ended; no callback runs afterwards.
   * Idempotent.
   *
   * @returns a promise that resolves when both loops are done.
   */
  stop(): Promise<void> {
    if (this.#stopping === undefined) {
      this.#stopped = true
      if (this.#flush !== undefined) {
        clearImmediate(this.#flush)
        this.#flush = undefined
      }
      this.#stopping = Promise.all([this.#config.stop(), this.#templates.stop()]).then(() => {
        // Both loops are done; nothing else can schedule a flush.
      })
    }
    return this.#stopping
  }

  #schedule(): void {
    // setImmediate rather than a microtask: answers of the two loops that arrive in the same
    // turn of the event loop (one write touching both, or start-up) become one delivery.
    this.#flush ??= setImmediate(() => {
      this.#flush = undefined
      this.#deliver()
    })
  }

  #deliver(): void {
    if (this.#stopped || this.#configEntry === undefined || this.#templateEntries === undefined) {
      return
    }
    const { entry } = this.#configEntry
    try {
      if (entry === undefined) {
        if (this.#delivered !== 'missing') {
          this.#delivered = 'missing'
          this.#options.onMissing()
        }
        return
      }
      const doc: KvConfigDocument = {
        text: entry.value.toString('utf8'),
        templates: templateMap(this.#layout.templatesPrefix, this.#templateEntries),
        index: entry.modifyIndex,
      }
      const last = this.#delivered
      if (
        last !== undefined &&
        last !== 'missing' &&
        last.text === doc.text &&
        sameTemplates(last.templates, doc.templates)
      ) {
        return
      }
      this.#delivered = doc
      this.#options.onDocument(doc)
    } catch (err: unknown) {
      this.#options.onError(err, 0)
    }
  }
}

/**
 * fetchConfigDocument reads the config document once, without blocking: for start-up and for
 * `alertmesh config pull`.
 *
 * @param client - the Consul client.
 * @param prefix - the KV prefix, e.g. `alertmesh`.
 * @param signal - cancels both reads.
 * @returns the document, or undefined when `<prefix>/config` does not exist.
 * @throws ConsulError when Consul cannot be read.
 */
export async function fetchConfigDocument(
  client: ConsulClient,
  prefix: string,
  signal?: AbortSignal
): Promise<KvConfigDocument | undefined> {
  const layout = kvLayout(prefix)
  const options = signal === undefined ? {} : { signal }
  const [config, templates] = await Promise.all([
    client.kvGet(layout.configKey, options),
    client.kvList(layout.templatesPrefix, options),
  ])
  if (config.value === undefined) {
    return undefined
  }
  return {
    text: config.value.value.toString('utf8'),
    templates: templateMap(layout.templatesPrefix, templates.value),
    index: config.value.modifyIndex,
  }
}

/**
 * templateMap names templates relative to their folder, sorted in Go's byte order. Keys ending
 * in `/` are folder markers (the Consul UI creates them) and hold no template.
 */
function templateMap(prefix: string, entries: readonly KvEntry[]): ReadonlyMap<string, string> {
  const named = entries
    .filter((e) => e.key.startsWith(prefix) && e.key.length > prefix.length && !e.key.endsWith('/'))
    .map((e) => [e.key.slice(prefix.length), e.value.toString('utf8')] as const)
  named.sort((a, b) => compareGoStrings(a[0], b[0]))
  return new Map(named)
}

function sameEntries(a: readonly KvEntry[], b: readonly KvEntry[]): boolean {
  return (
    a.length === b.length &&
    a.every((entry, i) => {
      const other = b[i]
      return entry.key === other?.key && entry.value.equals(other.value)
    })
  )
}

function sameTemplates(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) {
    return false
  }
  for (const [name, text] of a) {
    if (b.get(name) !== text) {
      return false
    }
  }
  return true
}
