import type { Decisions } from '../decisions.js'
import type { Muter } from '../dependencies.js'
import type { Stage } from '../stage.js'

/**
 * muteStage drops every alert the muter mutes (Alertmanager's MuteStage, used for both the
 * inhibitor and the silencer).
 *
 * @param muter - decides per alert.
 * @param kind - which muter, for the decision history.
 * @param decisions - where a flush with muted alerts is reported.
 * @returns the stage.
 */
export function muteStage(
  muter: Muter,
  kind: 'silenced' | 'inhibited' = 'silenced',
  decisions?: Decisions
): Stage {
  return {
    exec(ctx, alerts) {
      const kept = alerts.filter((alert) => !muter.mutes(alert.labels, alert.fingerprint))
      decisions?.muted(ctx, kind, alerts.length - kept.length, alerts.length)
      return Promise.resolve({ ctx, alerts: kept })
    },
  }
}
