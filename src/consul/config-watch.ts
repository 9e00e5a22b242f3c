import { ClosedError, ExponentialBackoff, compareGoStrings } from '../util/index.js'

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
  /** Hears every failed read (either loop, or the re-read after a change) with its retry delay. */
  readonly onError: (err: unknown, retryInMs: number) => void
  /** Called once every read (both loops, the re-read) succeeds again after a failure. */
  readonly onRecovered?: () => void
  /**
   * How long Consul may hold each blocking read.
   *
   * @default 60_000
   */
  readonly waitMs?: number
  /**
   * The first delay before a failed re-read is tried again, and the longest (before jitter).
   *
   * @default { initialMs: 200, maxMs: 30_000 }
   */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number }
}

type Part = 'config' | 'templates' | 'refresh'

/**
 * A failed re-read is retried after about 200 ms, doubling after each failure up to 30 s, each
 * delay randomised by ±50 % so the nodes of a cluster do not retry in step.
 */
const REFRESH_BACKOFF = { initialMs: 200, maxMs: 30_000 } as const

/**
 * ConsulConfigWatch follows the config document in Consul KV with two blocking queries: one on
 * the key `<prefix>/config` and one listing `<prefix>/templates/`. It deliberately does not
 * watch the whole prefix: every node writes `<prefix>/status/<node>`, and a prefix watch would
 * wake every node on every status write.
 *
 * The two loops only say that something changed (a new ModifyIndex); what is delivered comes
 * from a fresh read of both parts, the config and then the templates, issued after the change
 * was seen. Each loop alone can lag: `alertmesh config push` writes the templates, then the
 * config, and the config loop may answer before the templates loop has seen the earlier write.
 * Pairing the new config with the templates the loop last saw would apply a state that never was
 * in Consul (and refuse or accept the wrong thing); a read issued afterwards sees every write
 * that finished before the config write.
 *
 * The first document is delivered once both loops have answered. Changes that arrive together
 * are coalesced (one `setImmediate`, and one re-read at a time), and a document is delivered
 * only when its text or templates differ from the last one delivered, so a write of the same
 * bytes delivers nothing. A failed re-read goes to `onError` and is retried with backoff, or at
 * once when a loop answers meanwhile.
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
  /** The loops that have answered at least once: nothing is read before both have. */
  readonly #answered = new Set<'config' | 'templates'>()
  #delivered: KvConfigDocument | 'missing' | undefined
  /** The re-read waiting to start: the coalescing immediate, or the retry timer after a failure. */
  #pending: { readonly cancel: () => void; readonly isRetry: boolean } | undefined
  #refreshing: Promise<void> | undefined
  #refreshAgain = false
  readonly #refreshBackoff: ExponentialBackoff
  readonly #abort = new AbortController()
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
    this.#refreshBackoff = new ExponentialBackoff({
      initialIntervalMs: options.retry?.initialMs ?? REFRESH_BACKOFF.initialMs,
      maxIntervalMs: options.retry?.maxMs ?? REFRESH_BACKOFF.maxMs,
      multiplier: 2,
    })
    const { client } = options
    const { configKey, templatesPrefix } = this.#layout
    const common = (part: Part) =>
      ({
        onError: (err: unknown, _attempt: number, retryInMs: number) => {
          this.#failed(part, err, retryInMs)
        },
        onRecovered: () => {
          this.#recovered(part)
        },
        ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
      }) as const
    this.#config = new BlockingQuery<KvEntry | undefined>({
      name: `kv ${configKey}`,
      fetch: (index, waitMs, signal) => client.kvGet(configKey, { index, waitMs, signal }),
      // By ModifyIndex, not by content: what was delivered may be newer than what this loop saw
      // last (the re-read), so a write back to the loop's old bytes is still news.
      equals: (a, b) =>
        a === undefined || b === undefined ? a === b : a.modifyIndex === b.modifyIndex,
      onChange: () => {
        this.#loopAnswered('config')
      },
      ...common('config'),
    })
    this.#templates = new BlockingQuery<readonly KvEntry[]>({
      name: `kv ${templatesPrefix}`,
      fetch: (index, waitMs, signal) => client.kvList(templatesPrefix, { index, waitMs, signal }),
      equals: sameEntryVersions,
      onChange: () => {
        this.#loopAnswered('templates')
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
   * stop aborts both loops and the re-read, and resolves when they have ended; no callback runs
   * afterwards. Idempotent.
   *
   * @returns a promise that resolves when the loops and the re-read are done.
   */
  stop(): Promise<void> {
    if (this.#stopping === undefined) {
      this.#stopped = true
      this.#pending?.cancel()
      this.#pending = undefined
      this.#abort.abort()
      const refreshing = this.#refreshing ?? Promise.resolve()
      this.#stopping = Promise.all([this.#config.stop(), this.#templates.stop(), refreshing]).then(
        () => {
          // Both loops and the re-read are done; nothing else can schedule a flush.
        }
      )
    }
    return this.#stopping
  }

  #loopAnswered(part: 'config' | 'templates'): void {
    this.#answered.add(part)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#stopped || this.#answered.size < 2) {
      return
    }
    if (this.#refreshing !== undefined) {
      // The re-read in flight may have been issued before this change; read once more after it.
      this.#refreshAgain = true
      return
    }
    if (this.#pending?.isRetry === true) {
      // A loop just had an answer, so Consul answers again: no need to sit out the backoff.
      this.#pending.cancel()
      this.#pending = undefined
    }
    if (this.#pending === undefined) {
      // setImmediate rather than a microtask: answers of the two loops that arrive in the same
      // turn of the event loop (one write touching both, or start-up) become one re-read.
      const immediate = setImmediate(() => {
        this.#startRefresh()
      })
      this.#pending = {
        cancel: () => {
          clearImmediate(immediate)
        },
        isRetry: false,
      }
    }
  }

  #startRefresh(): void {
    this.#pending = undefined
    if (this.#stopped) {
      return
    }
    // A callback that breaks its no-throw promise must not leave #refreshing set (every later
    // change would wait behind it) nor reject unhandled: carry on as after a failed read.
    this.#refreshing = this.#refresh()
      .catch(() => this.#refreshBackoff.next())
      .then((retryInMs) => {
        this.#afterRefresh(retryInMs)
      })
  }

  #afterRefresh(retryInMs: number | undefined): void {
    this.#refreshing = undefined
    if (this.#stopped) {
      return
    }
    if (retryInMs !== undefined) {
      // A retry re-reads anyway, so a change seen meanwhile needs no read of its own.
      this.#refreshAgain = false
      const timer = setTimeout(() => {
        this.#startRefresh()
      }, retryInMs)
      // Like the loops' own backoff: a retry alone does not keep the process up.
      timer.unref()
      this.#pending = {
        cancel: () => {
          clearTimeout(timer)
        },
        isRetry: true,
      }
    } else if (this.#refreshAgain) {
      this.#refreshAgain = false
      this.#schedule()
    }
  }

  /** refresh reads and delivers the document; it resolves with the retry delay after a failure. */
  async #refresh(): Promise<number | undefined> {
    let doc: KvConfigDocument | undefined
    try {
      doc = await readDocument(this.#options.client, this.#layout, this.#abort.signal)
    } catch (err: unknown) {
      if (this.#stopped) {
        return undefined
      }
      const retryInMs = this.#refreshBackoff.next()
      this.#failed('refresh', err, retryInMs)
      return retryInMs
    }
    this.#refreshBackoff.reset()
    if (this.#stopped) {
      return undefined
    }
    this.#recovered('refresh')
    this.#deliver(doc)
    return undefined
  }

  #failed(part: Part, err: unknown, retryInMs: number): void {
    this.#failing.add(part)
    this.#options.onError(err, retryInMs)
  }

  /** recovered reports a recovery once no read (loop or re-read) is failing any more. */
  #recovered(part: Part): void {
    if (this.#failing.delete(part) && this.#failing.size === 0) {
      this.#options.onRecovered?.()
    }
  }

  #deliver(doc: KvConfigDocument | undefined): void {
    try {
      if (doc === undefined) {
        if (this.#delivered !== 'missing') {
          this.#delivered = 'missing'
          this.#options.onMissing()
        }
        return
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
export function fetchConfigDocument(
  client: ConsulClient,
  prefix: string,
  signal?: AbortSignal
): Promise<KvConfigDocument | undefined> {
  return readDocument(client, kvLayout(prefix), signal)
}

/**
 * readDocument reads the config key, then the templates folder. The templates are read only
 * after the config has been answered, so they are at least as new as the config: read side by
 * side, a push landing between the two reads could pair its new config with the templates from
 * before it (`alertmesh config push` writes the templates first).
 */
async function readDocument(
  client: ConsulClient,
  layout: KvLayout,
  signal?: AbortSignal
): Promise<KvConfigDocument | undefined> {
  const options = signal === undefined ? {} : { signal }
  const config = await client.kvGet(layout.configKey, options)
  if (config.value === undefined) {
    return undefined
  }
  const templates = await client.kvList(layout.templatesPrefix, options)
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

/** sameEntryVersions tells whether two listings hold the same keys at the same ModifyIndex. */
function sameEntryVersions(a: readonly KvEntry[], b: readonly KvEntry[]): boolean {
  return (
    a.length === b.length &&
    a.every((entry, i) => {
      const other = b[i]
      return entry.key === other?.key && entry.modifyIndex === other.modifyIndex
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
