import type { Muter } from '../dependencies.js'
import type { Stage } from '../stage.js'

/**
 * muteStage drops every alert the muter mutes (Alertmanager's MuteStage, used for both the
 * inhibitor and the silencer).
 *
 * @param muter - decides per alert.
 * @returns the stage.
 */
export function muteStage(muter: Muter): Stage {
  return {
    exec(ctx, alerts) {
      return Promise.resolve({ ctx, alerts: alerts.filter((alert) => !muter.mutes(alert.labels)) })
    },
  }
}
