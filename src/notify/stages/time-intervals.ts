import type Logger from 'bunyan'

import type { TimeIntervalChecker } from '../dependencies.js'
import type { Stage } from '../stage.js'

/**
 * timeActiveStage drops all alerts when the route has active_time_intervals and the flush
 * instant lies in none of them (Alertmanager's TimeActiveStage).
 *
 * @param within - checks an instant against a named interval.
 * @param log - for the debug line Alertmanager writes.
 * @returns the stage.
 */
export function timeActiveStage(within: TimeIntervalChecker, log: Logger): Stage {
  return {
    exec(ctx, alerts) {
      const names = ctx.activeTimeIntervals
      if (names.length === 0 || names.some((name) => within(name, ctx.now))) {
        return Promise.resolve({ ctx, alerts })
      }
      log.debug(
        { aggrGroup: ctx.groupKey },
        'Notifications not sent, route is not within active time'
      )
      return Promise.resolve({ ctx, alerts: [] })
    },
  }
}

/**
 * timeMuteStage drops all alerts when the flush instant lies in one of the route's
 * mute_time_intervals (Alertmanager's TimeMuteStage).
 *
 * @param within - checks an instant against a named interval.
 * @param log - for the debug line Alertmanager writes.
 * @returns the stage.
 */
export function timeMuteStage(within: TimeIntervalChecker, log: Logger): Stage {
  return {
    exec(ctx, alerts) {
      if (!ctx.muteTimeIntervals.some((name) => within(name, ctx.now))) {
        return Promise.resolve({ ctx, alerts })
      }
      log.debug({ aggrGroup: ctx.groupKey }, 'Notifications not sent, route is within mute time')
      return Promise.resolve({ ctx, alerts: [] })
    },
  }
}
