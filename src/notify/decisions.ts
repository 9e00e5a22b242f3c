import { formatDuration } from '../util/index.js'

import type { DecisionRecorder, PipelineDecision } from './dependencies.js'
import type { NotifyContext } from './notifier.js'

/**
 * Decisions turns what the stages see into {@link PipelineDecision}s for the node's history.
 * Without a recorder every method does nothing, so the stages call it unconditionally.
 */
export class Decisions {
  readonly #recorder: DecisionRecorder | undefined
  readonly #now: () => number

  /**
   * Decisions's constructor takes the recorder and the clock.
   *
   * @param recorder - where decisions go; undefined records nothing.
   * @param now - the wall clock.
   */
  constructor(recorder: DecisionRecorder | undefined, now: () => number) {
    this.#recorder = recorder
    this.#now = now
  }

  /**
   * muted reports alerts a mute stage dropped.
   *
   * @param ctx - the flush.
   * @param kind - which stage.
   * @param muted - how many it dropped.
   * @param total - how many it was given.
   */
  muted(ctx: NotifyContext, kind: 'silenced' | 'inhibited', muted: number, total: number): void {
    if (muted === 0) {
      return
    }
    const what = kind === 'silenced' ? 'silenced' : 'inhibited'
    const detail =
      muted === total
        ? `all ${plural(total, 'alert')} ${what}: nothing to send`
        : `${muted} of ${plural(total, 'alert')} ${what}, ${total - muted} left to send`
    this.#add(ctx, '', kind, detail)
  }

  /**
   * timeMuted reports a flush dropped by the route's time intervals.
   *
   * @param ctx - the flush.
   * @param kind - a mute interval applies, or no active interval does.
   * @param names - the route's intervals of that kind.
   */
  timeMuted(
    ctx: NotifyContext,
    kind: 'muted-by-time' | 'outside-active-time',
    names: readonly string[]
  ): void {
    const list = names.join(', ')
    this.#add(
      ctx,
      '',
      kind,
      kind === 'muted-by-time'
        ? `within mute time interval ${list}: nothing sent`
        : `outside every active time interval (${list}): nothing sent`
    )
  }

  /**
   * waited reports the cluster wait before an integration's dedup check.
   *
   * @param ctx - the flush.
   * @param integration - `webhook[0]`.
   * @param ms - the wait.
   * @param position - this node's position, when known.
   */
  waited(ctx: NotifyContext, integration: string, ms: number, position?: number): void {
    const as = position === undefined ? '' : ` as position ${position}`
    // A tenth of a second is what a reader compares with peer_timeout; timer jitter is noise.
    const rounded = formatDuration(Math.round(ms / 100) * 100)
    this.#add(ctx, integration, 'waited', `waited ${rounded}${as} for lower positions`)
  }

  /**
   * deduplicated reports a flush the nflog made unnecessary.
   *
   * @param ctx - the flush.
   * @param integration - `webhook[0]`.
   * @param why - the dedup stage's reason.
   * @param notifiedAt - the nflog entry's time, if there is one.
   */
  deduplicated(ctx: NotifyContext, integration: string, why: string, notifiedAt?: number): void {
    this.#add(ctx, integration, 'deduplicated', why, notifiedAt)
  }

  /**
   * outcome reports how an integration's send ended.
   *
   * @param ctx - the flush.
   * @param integration - `webhook[0]`.
   * @param kind - sent, abandoned for a peer's notification, or failed.
   * @param detail - what happened.
   * @param notifiedAt - the nflog entry's time (written, or the peer's).
   */
  outcome(
    ctx: NotifyContext,
    integration: string,
    kind: 'sent' | 'abandoned' | 'failed',
    detail: string,
    notifiedAt?: number
  ): void {
    this.#add(ctx, integration, kind, detail, notifiedAt)
  }

  #add(
    ctx: NotifyContext,
    integration: string,
    kind: PipelineDecision['kind'],
    detail: string,
    notifiedAt?: number
  ): void {
    if (this.#recorder === undefined) {
      return
    }
    this.#recorder.record({
      at: this.#now(),
      groupKey: ctx.groupKey,
      receiver: ctx.receiver,
      integration,
      kind,
      detail,
      ...(notifiedAt === undefined ? {} : { notifiedAt }),
    })
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
