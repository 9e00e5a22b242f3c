import type Logger from 'bunyan'

import type { Stage } from '../stage.js'

/**
 * WaitChanges subscribes to changes of the cluster wait (a peer joined or left); the returned
 * function unsubscribes.
 */
export type WaitChanges = (listener: () => void) => () => void

/**
 * waitStage delays an integration's notification by this node's cluster wait (position ×
 * peer_timeout), so a lower-position peer's nflog entry can arrive first (Alertmanager's
 * WaitStage). The wait counts from the start of the stage and is re-read whenever the members
 * change while it runs: a node whose lower-position peer is found gone (its pings went
 * unanswered) stops waiting for it, where Alertmanager waits out the whole peer_timeout it
 * computed at the start. A peer that joins below this node lengthens the wait the same way.
 *
 * @param waitMs - the current wait.
 * @param log - the integration's logger; the wait is logged at debug.
 * @param changes - subscribes to membership changes; without it the wait is read once.
 * @returns the stage; it rejects when the flush is cancelled while waiting.
 */
export function waitStage(waitMs: () => number, log: Logger, changes?: WaitChanges): Stage {
  return {
    async exec(ctx, alerts) {
      const ms = waitMs()
      if (ms > 0) {
        if (log.debug()) {
          log.debug({ aggrGroup: ctx.groupKey, waitMs: ms }, 'Waiting for peers at lower positions')
        }
        await waitTurn(performance.now(), ms, waitMs, ctx.signal, changes)
      }
      return { ctx, alerts }
    },
  }
}

function waitTurn(
  start: number,
  firstMs: number,
  waitMs: () => number,
  signal: AbortSignal,
  changes: WaitChanges | undefined
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const finish = (err?: Error): void => {
      clearTimeout(timer)
      unsubscribe?.()
      signal.removeEventListener('abort', onAbort)
      if (err === undefined) {
        resolve()
      } else {
        reject(err)
      }
    }
    const onAbort = (): void => {
      // As timers/promises' sleep rejected before: the flush's own error says why it ended.
      finish(new DOMException('The operation was aborted', 'AbortError'))
    }
    const arm = (ms: number): void => {
      clearTimeout(timer)
      const remaining = start + ms - performance.now()
      if (remaining <= 0) {
        finish()
        return
      }
      timer = setTimeout(() => {
        finish()
      }, remaining)
    }
    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const unsubscribe = changes?.(() => {
      arm(waitMs())
    })
    arm(firstMs)
  })
}
