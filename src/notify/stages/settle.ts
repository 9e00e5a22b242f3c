import type { Peer } from '../dependencies.js'
import type { Stage } from '../stage.js'

/**
 * settleStage blocks a flush until the cluster peer has settled (Alertmanager's
 * GossipSettleStage); without clustering `peer` is undefined and alerts pass at once.
 *
 * @param peer - the cluster peer, if any.
 * @returns the stage.
 */
export function settleStage(peer: Peer | undefined): Stage {
  return {
    async exec(ctx, alerts) {
      if (peer !== undefined) {
        await peer.waitReady(ctx.signal)
      }
      return { ctx, alerts }
    },
  }
}
