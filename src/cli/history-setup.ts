import type { HistorySource } from '../api/index.js'
import { ClusterPeer } from '../cluster/index.js'
import type { GossipPeer, MergeOrigin } from '../cluster/index.js'
import {
  DecisionLog,
  HISTORY_QUERY,
  NotificationTimeline,
  decodeHistoryAnswer,
  decodeHistoryQuestion,
  encodeHistoryAnswer,
  encodeHistoryQuestion,
} from '../history/index.js'
import type { Decision, LearnedFrom } from '../history/index.js'
import type { MeshEntry } from '../nflog/index.js'

/**
 * How long the alert story waits for peers' decisions: a peer that is alive answers within a
 * round trip; one behind a partition must not hold the page.
 */
const PEER_ANSWER_TIMEOUT_MS = 1_000

/** NodeHistory is what the node remembers of recent notification work (src/history). */
export interface NodeHistory {
  readonly decisions: DecisionLog
  readonly timeline: NotificationTimeline
}

/**
 * createNodeHistory makes the node's decision log and notification timeline.
 *
 * @param name - this node's name.
 * @returns both, empty.
 */
export function createNodeHistory(name: string): NodeHistory {
  return { decisions: new DecisionLog({ node: name }), timeline: new NotificationTimeline(name) }
}

/**
 * learnedFrom turns a merge's origin into how the timeline says an entry arrived.
 *
 * @param origin - the cluster's origin of the merged bytes.
 * @returns the timeline's view; a full state when unknown.
 */
function learnedFrom(origin: MergeOrigin | undefined): LearnedFrom {
  return origin ?? { via: 'full_state', peer: '' }
}

/**
 * timelineHooks are the two places nflog changes enter the timeline: this node's own writes
 * (the nflog's change hook, outside merges) and a peer's merged entries.
 *
 * @param history - the node's history.
 * @param isMerging - whether the change hook is running inside a merge.
 * @returns the hooks.
 */
export function timelineHooks(
  history: NodeHistory,
  isMerging: () => boolean
): {
  readonly local: (entries: readonly MeshEntry[]) => void
  readonly merged: (entries: readonly MeshEntry[], origin: MergeOrigin | undefined) => void
} {
  return {
    local: (entries) => {
      if (!isMerging()) {
        history.timeline.add(
          entries.map((e) => e.entry),
          { via: 'self' }
        )
      }
    },
    merged: (entries, origin) => {
      history.timeline.add(
        entries.map((e) => e.entry),
        learnedFrom(origin)
      )
    },
  }
}

/**
 * historySource gives the API the node's history and, in a cluster, asks the peers for theirs
 * (a cluster query each node answers from its decision log). Alertmanager's gossip
 * (memberlist mode) has no such query: its peers are named as not asked.
 *
 * @param history - the node's history.
 * @param peer - the cluster peer, when clustered.
 * @returns the API's view.
 */
export function historySource(history: NodeHistory, peer: GossipPeer | undefined): HistorySource {
  const asking = peer instanceof ClusterPeer ? peer : undefined
  asking?.addQuery(HISTORY_QUERY, (data) =>
    encodeHistoryAnswer(history.decisions.forGroups(decodeHistoryQuestion(data)))
  )
  return {
    decisions: (groupKeys) => history.decisions.forGroups(groupKeys),
    notifications: (groupKeys) => history.timeline.forGroups(groupKeys),
    async peerDecisions(groupKeys) {
      if (peer === undefined || groupKeys.size === 0) {
        return { decisions: [], unanswered: [] }
      }
      if (asking === undefined) {
        const self = peer.self().name
        const error = "not asked: Alertmanager's gossip (memberlist mode) has no decision queries"
        const others = peer.members().filter((m) => m.name !== self)
        return { decisions: [], unanswered: others.map((m) => ({ peer: m.name, error })) }
      }
      const answers = await asking.ask(
        HISTORY_QUERY,
        encodeHistoryQuestion([...groupKeys]),
        PEER_ANSWER_TIMEOUT_MS
      )
      const decisions: Decision[] = []
      const unanswered: { peer: string; error: string }[] = []
      for (const answer of answers) {
        if ('error' in answer) {
          unanswered.push({ peer: answer.peer, error: answer.error })
          continue
        }
        try {
          decisions.push(...decodeHistoryAnswer(answer.data, answer.peer))
        } catch (err: unknown) {
          unanswered.push({
            peer: answer.peer,
            error: `unreadable answer: ${err instanceof Error ? err.message : String(err)}`,
          })
        }
      }
      return { decisions, unanswered }
    },
  }
}
