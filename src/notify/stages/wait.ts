import { setTimeout as sleep } from 'node:timers/promises'

import type Logger from 'bunyan'

import type { Stage } from '../stage.js'

/**
 * waitStage delays an integration's notification by this node's cluster wait (position ×
 * peer_timeout), so a lower-position peer's nflog entry can arrive first (Alertmanager's
 * WaitStage). The wait is evaluated at each flush: positions change as peers come and go.
 *
 * @param waitMs - the current wait.
 * @param log - the integration's logger; the wait is logged at debug.
 * @returns the stage; it rejects when the flush is cancelled while waiting.
 */
export function waitStage(waitMs: () => number, log: Logger): Stage {
  return {
    async exec(ctx, alerts) {
      const ms = waitMs()
      if (ms > 0) {
        if (log.debug()) {
          log.debug({ aggrGroup: ctx.groupKey, waitMs: ms }, 'Waiting for peers at lower positions')
        }
        await sleep(ms, undefined, { signal: ctx.signal })
      }
      return { ctx, alerts }
    },
  }
}
