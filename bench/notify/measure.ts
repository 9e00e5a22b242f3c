/**
 * The measure of the notify benchmark: on a fresh target whose only receiver sends through one
 * path (email to a local SMTP server, Slack or webhook to a local HTTP server), post N alerts
 * that each open their own aggregation group and time until every group's notification
 * arrived. The caller starts the receiver and the target and stops both.
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

import type { Pool } from 'undici'

import { loadAlerts } from '../lib/http.js'
import type { LoadResult } from '../lib/http.js'
import type { MemorySample } from '../lib/proc.js'
import type { RunningTarget } from '../lib/target.js'

/** NotifyPath is how notifications leave the target. */
export type NotifyPath = 'email' | 'slack' | 'webhook'

/** NOTIFY_PATHS lists every path, in the order they run. */
export const NOTIFY_PATHS: readonly NotifyPath[] = ['email', 'slack', 'webhook']

/** DEFAULT_PATHS are the paths the issue asks for; webhook checks the harness itself. */
export const DEFAULT_PATHS: readonly NotifyPath[] = ['email', 'slack']

/** POLL_MS is how often the measure looks at the arrivals (timestamps come from the sinks). */
const POLL_MS = 50

/** PROGRESS_EVERY_MS is how often a waiting measure prints a progress line. */
const PROGRESS_EVERY_MS = 2_000

/** LINGER_MS is how long the measure keeps counting after the last group, to see duplicates. */
const LINGER_MS = 1_000

/** ReceiverAddress is where the target's receiver sends: an SMTP smarthost or an HTTP URL. */
export type ReceiverAddress =
  | { readonly path: 'email'; readonly smarthost: string }
  | { readonly path: 'slack' | 'webhook'; readonly url: string }

/**
 * notifyConfig renders the target's config: one receiver on the measured path, every alert its
 * own aggregation group (group_by the per-alert `id` label), and group_wait 0s so a group's
 * first notification goes out as soon as its alert is in. group_interval and repeat_interval
 * keep their defaults (5m, 4h), far beyond a run, so each group notifies exactly once.
 *
 * @param receiver - the path and its address.
 * @returns YAML text.
 */
export function notifyConfig(receiver: ReceiverAddress): string {
  const head = [
    'global:',
    '  resolve_timeout: 5m',
    'route:',
    '  receiver: bench',
    '  group_by: [id]',
    '  group_wait: 0s',
    'receivers:',
    '  - name: bench',
  ]
  switch (receiver.path) {
    case 'email':
      return [
        ...head,
        '    email_configs:',
        '      - to: oncall@bench.example',
        '        from: alertmanager@bench.example',
        `        smarthost: ${receiver.smarthost}`,
        // The sink speaks plain SMTP: without this, Alertmanager refuses a server that does not
        // offer STARTTLS.
        '        require_tls: false',
        '',
      ].join('\n')
    case 'slack':
      return [
        ...head,
        '    slack_configs:',
        `      - api_url: ${receiver.url}`,
        "        channel: '#bench'",
        '',
      ].join('\n')
    case 'webhook':
      return [...head, '    webhook_configs:', `      - url: ${receiver.url}`, ''].join('\n')
  }
}

/** NotifyParams is what the measure needs from the flags. */
export interface NotifyParams {
  /** Alerts posted, each its own aggregation group. */
  readonly groups: number
  /** Alerts per POST /api/v2/alerts. */
  readonly batch: number
  /** POSTs in flight at once. */
  readonly connections: number
  /** How long to wait for every group's notification. */
  readonly timeoutS: number
  /**
   * One alert at a time, the next posted once the previous one's notification arrived: the
   * latency of one notification on an otherwise idle node (batch and connections unused).
   */
  readonly serial: boolean
  /**
   * Alerts posted and notified one at a time before the measure, and not counted: the measure
   * then sees a process past its start (for a JIT-compiled target, past its warm-up).
   */
  readonly warmUp: number
}

/** NotifyRun is one measure on one fresh process. */
export interface NotifyRun {
  readonly path: NotifyPath
  readonly groups: number
  /** From the first POST's start to the last POST's answer. */
  readonly postS: number
  /** From the first POST's start to the first notification of the last group. */
  readonly durationS: number
  /** groups / durationS. */
  readonly perS: number
  /**
   * Per group, from the start of the POST that carried its alert to its first notification.
   */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number }
  /** Alerts notified before the measure and not counted in it. */
  readonly warmUp: number
  /** Notifications received by the end of the linger, duplicates and strangers included. */
  readonly received: number
  /** Notifications for a group that had already been notified. */
  readonly duplicates: number
  /** Notifications in which no alert id of this run was found. */
  readonly unidentified: number
  readonly receivedBytes: number
  /** The target's memory right after the last group's notification. */
  readonly memoryAfter: MemorySample
}

/** NotifyContext is what the measure gets: the run's setup and its fresh target. */
export interface NotifyContext {
  readonly params: NotifyParams
  readonly path: NotifyPath
  /** Prefix of this run's alert ids; no two runs share one. */
  readonly prefix: string
  readonly target: RunningTarget
  /** Keep-alive connections to the target, `params.connections` of them. */
  readonly pool: Pool
  /** Where the receiver's arrivals are recorded (wired to the sink by the caller). */
  readonly arrivals: Arrivals
  readonly say: (message: string) => void
}

/** IncompleteError reports a measure whose notifications did not all arrive in time. */
export class IncompleteError extends Error {
  /** Groups notified by the deadline. */
  readonly notified: number

  constructor(message: string, notified: number) {
    super(message)
    this.name = 'IncompleteError'
    this.notified = notified
  }
}

/**
 * Arrivals records the notifications one receiver got during one measure: which group each
 * belongs to (found by the alert id the templates put in every payload: the default Slack
 * title and email subject list the group labels, and the webhook body carries them) and when
 * it arrived.
 */
export class Arrivals {
  readonly #idPattern: RegExp
  /** First arrival per alert number, as `performance.now()`. */
  readonly #firstAt = new Map<number, number>()
  /** When the `groups`-th distinct group arrived. */
  #completeAt: number | undefined
  readonly #groups: number
  #received = 0
  #duplicates = 0
  #unidentified = 0
  #bytes = 0

  /**
   * @param prefix - the run's alert id prefix (ids are `<prefix>-0-<n>`, bench/lib/alerts.ts).
   * @param groups - how many distinct groups make the run complete.
   */
  constructor(prefix: string, groups: number) {
    this.#idPattern = new RegExp(`${prefix}-0-(\\d+)`)
    this.#groups = groups
  }

  /**
   * record takes one notification as the sink received it.
   *
   * @param payload - the HTTP body or the whole mail message.
   * @param receivedMs - `performance.now()` when its last byte arrived.
   */
  record(payload: Buffer, receivedMs: number): void {
    this.#received++
    this.#bytes += payload.length
    const text = payload.toString('latin1')
    // The Slack title, the mail's Subject and the webhook's groupLabels carry the id. Should a
    // Subject ever be encoded, the id is still in the mail's quoted-printable body, where a soft
    // line break may split it: the second try joins those lines.
    const match = this.#idPattern.exec(text) ?? this.#idPattern.exec(text.replace(/=\r?\n/g, ''))
    if (match?.[1] === undefined) {
      this.#unidentified++
      return
    }
    const n = Number(match[1])
    if (this.#firstAt.has(n)) {
      this.#duplicates++
      return
    }
    this.#firstAt.set(n, receivedMs)
    if (this.#firstAt.size === this.#groups) {
      this.#completeAt = receivedMs
    }
    this.#waiters.get(n)?.()
    this.#waiters.delete(n)
  }

  readonly #waiters = new Map<number, () => void>()

  /**
   * arrived resolves once group `n` has had its first notification.
   *
   * @param n - the alert number.
   * @param signal - gives up.
   * @returns resolves on arrival; rejects when the signal aborts first.
   */
  arrived(n: number, signal: AbortSignal): Promise<void> {
    if (this.#firstAt.has(n)) {
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.#waiters.delete(n)
        reject(signal.reason as Error)
      }
      signal.addEventListener('abort', abort, { once: true })
      this.#waiters.set(n, () => {
        signal.removeEventListener('abort', abort)
        resolve()
      })
    })
  }

  /** notified is how many distinct groups got a notification so far. */
  get notified(): number {
    return this.#firstAt.size
  }

  /** completeAt is when the last group's first notification arrived, once it did. */
  get completeAt(): number | undefined {
    return this.#completeAt
  }

  /** firstAt is each group's first arrival, by alert number. */
  get firstAt(): ReadonlyMap<number, number> {
    return this.#firstAt
  }

  /**
   * counts returns the totals so far.
   *
   * @returns all notifications, duplicates, those without a known id, and their bytes.
   */
  counts(): { received: number; duplicates: number; unidentified: number; bytes: number } {
    return {
      received: this.#received,
      duplicates: this.#duplicates,
      unidentified: this.#unidentified,
      bytes: this.#bytes,
    }
  }
}

/**
 * percentile picks the nearest-rank percentile of sorted samples.
 *
 * @param sorted - ascending samples.
 * @param p - 0..100.
 * @returns the sample, or NaN for none.
 */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN
}

/**
 * postInBatches posts every alert, `batch` per POST with `connections` in flight, noting when
 * each alert's POST started.
 */
function postInBatches(ctx: NotifyContext, sentAt: number[]): Promise<LoadResult> {
  const { params } = ctx
  ctx.say(
    `posting ${params.groups} alerts (${params.batch} per POST, ${params.connections} in flight)`
  )
  return loadAlerts(ctx.pool, {
    prefix: ctx.prefix,
    from: params.warmUp,
    to: params.warmUp + params.groups,
    batch: params.batch,
    concurrency: params.connections,
    onBatch: (first, size, sentMs) => {
      sentAt.fill(sentMs, first, first + size)
    },
  })
}

/**
 * postSerially posts alerts `from` to `to` - 1 one at a time, each once the previous one's
 * notification arrived, so each latency is that of one notification on an otherwise idle node.
 */
async function postSerially(
  ctx: NotifyContext,
  sentAt: number[],
  from: number,
  to: number
): Promise<LoadResult> {
  const started = performance.now()
  const signal = AbortSignal.timeout(ctx.params.timeoutS * 1000)
  for (let n = from; n < to; n++) {
    await loadAlerts(ctx.pool, {
      prefix: ctx.prefix,
      from: n,
      to: n + 1,
      batch: 1,
      concurrency: 1,
      onBatch: (first, _size, sentMs) => {
        sentAt[first] = sentMs
      },
    })
    await ctx.arrivals.arrived(n, signal)
  }
  return {
    alerts: to - from,
    requests: to - from,
    durationS: (performance.now() - started) / 1000,
  }
}

/**
 * warmUp posts the warm-up alerts (numbers 0 to warmUp - 1) one at a time and waits for each
 * notification; the measured alerts come after them.
 */
async function warmUp(ctx: NotifyContext): Promise<void> {
  const { warmUp: count } = ctx.params
  if (count === 0) {
    return
  }
  ctx.say(`warming up: ${count} alerts one at a time, not measured`)
  const warm = await postSerially(ctx, [], 0, count)
  ctx.say(`warmed up in ${(warm.durationS * 1000).toFixed(0)} ms`)
}

/**
 * measureNotify posts the alerts (distinct ids, one aggregation group each) and waits until
 * every group's notification arrived, or the timeout.
 *
 * @param ctx - the measure's context.
 * @returns the figures.
 * @throws IncompleteError when not every group was notified within the timeout; TargetError
 *   when the target died.
 */
export async function measureNotify(ctx: NotifyContext): Promise<NotifyRun> {
  const { params, target, arrivals, say } = ctx
  const total = params.warmUp + params.groups
  await warmUp(ctx)
  /** Groups of the measure notified so far (the warm-up's are all in). */
  const measured = (): number => arrivals.notified - params.warmUp
  const sentAt = new Array<number>(total)
  const started = performance.now()
  let load: LoadResult
  try {
    if (params.serial) {
      say(`posting ${params.groups} alerts one at a time, each after the previous notification`)
      load = await postSerially(ctx, sentAt, params.warmUp, total)
    } else {
      load = await postInBatches(ctx, sentAt)
    }
  } catch (err) {
    // Name the phase: a reset here is the target failing to take alerts while it notifies.
    throw new Error(
      `POST /api/v2/alerts failed after ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `(${measured()} groups notified by then): ${err instanceof Error ? err.message : String(err)}`,
      { cause: err }
    )
  }
  say(`posted in ${(load.durationS * 1000).toFixed(0)} ms; ${measured()} groups notified`)
  const deadline = started + params.timeoutS * 1000
  let lastReport = performance.now()
  while (arrivals.completeAt === undefined) {
    target.assertAlive()
    const now = performance.now()
    if (now >= deadline) {
      const c = arrivals.counts()
      throw new IncompleteError(
        `only ${measured()} of ${params.groups} groups were notified within ` +
          `${params.timeoutS} s (${c.received} notifications received, ${c.unidentified} ` +
          'without an alert id of this run)',
        measured()
      )
    }
    if (now - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = now
      say(
        `${measured()}/${params.groups} groups notified after ` +
          `${((now - started) / 1000).toFixed(1)} s`
      )
    }
    await sleep(POLL_MS)
  }
  const completeAt = arrivals.completeAt
  // Read right away: this is the node holding every group it just notified.
  const memoryAfter = await target.memory()
  await sleep(LINGER_MS)
  target.assertAlive()
  const latencies = [...arrivals.firstAt]
    .filter(([n]) => n >= params.warmUp)
    .map(([n, at]) => at - (sentAt[n] ?? started))
  latencies.sort((a, b) => a - b)
  const counts = arrivals.counts()
  const durationS = (completeAt - started) / 1000
  return {
    path: ctx.path,
    groups: params.groups,
    postS: load.durationS,
    durationS,
    perS: params.groups / durationS,
    warmUp: params.warmUp,
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    received: counts.received,
    duplicates: counts.duplicates,
    unidentified: counts.unidentified,
    receivedBytes: counts.bytes,
    memoryAfter,
  }
}
