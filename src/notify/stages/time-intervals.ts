import type Logger from 'bunyan'

import type { Decisions } from '../decisions.js'
import type { TimeIntervalChecker } from '../dependencies.js'
import type { Stage } from '../stage.js'

/**
 * timeActiveStage drops all alerts when the route has active_time_intervals and the flush
 * instant lies in none of them (Alertmanager's TimeActiveStage).
 *
 * @param within - checks an instant against a named interval.
 * @param log - for the debug line Alertmanager writes.
 * @param decisions - where a dropped flush is reported.
 * @returns the stage.
 */
export function timeActiveStage(
  within: TimeIntervalChecker,
  log: Logger,
  decisions?: Decisions
): Stage {
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
      decisions?.timeMuted(ctx, 'outside-active-time', names)
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
 * @param decisions - where a dropped flush is reported.
 * @returns the stage.
 */
export function timeMuteStage(
  within: TimeIntervalChecker,
  log: Logger,
  decisions?: Decisions
): Stage {
  return {
    exec(ctx, alerts) {
      const muting = ctx.muteTimeIntervals.filter((name) => within(name, ctx.now))
      if (muting.length === 0) {
        return Promise.resolve({ ctx, alerts })
      }
      log.debug({ aggrGroup: ctx.groupKey }, 'Notifications not sent, route is within mute time')
      decisions?.timeMuted(ctx, 'muted-by-time', muting)
      return Promise.resolve({ ctx, alerts: [] })
    },
  }
}
