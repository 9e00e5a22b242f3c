import type { Decision, Notification } from '../../history/index.js'
import type { LabelSet } from '../../labels/index.js'
import { HandlerError } from '../errors.js'
import { gettableAlertJson, receiversJson, statusJson } from '../v2/alert-json.js'
import type { ApiDeps } from '../v2/deps.js'
import { gettableSilenceJson } from '../v2/silences.js'

import { routeTestJson } from './routes.js'
import type {
  AlertStoryJson,
  DecisionJson,
  GroupNotifiedJson,
  GroupStoryJson,
  SilenceRefJson,
} from './story-wire.js'

/** FINGERPRINT is how Alertmanager prints a fingerprint: 16 lower-case hex digits. */
const FINGERPRINT = /^[0-9a-f]{16}$/

/**
 * alertStory gathers everything about one alert: itself, its routes, what mutes it, its groups'
 * notifications and the decisions of every node that answered.
 *
 * @param deps - the node.
 * @param fingerprint - the alert's fingerprint.
 * @returns the story.
 * @throws HandlerError 400 for a malformed fingerprint, 404 for an alert the node does not hold.
 */
export async function alertStory(deps: ApiDeps, fingerprint: string): Promise<AlertStoryJson> {
  if (!FINGERPRINT.test(fingerprint)) {
    throw new HandlerError(
      400,
      `bad fingerprint ${JSON.stringify(fingerprint)}: want 16 hex digits`
    )
  }
  const alert = deps.store.get(fingerprint)
  if (alert === undefined) {
    throw new HandlerError(404, `alert ${fingerprint} was not found on this node`)
  }
  const runtime = deps.runtime()
  const status = deps.alertStatus(alert)
  const { groups, receivers } = runtime.dispatcher.groups(
    () => true,
    (a) => a.fingerprint === fingerprint
  )
  const groupKeys = new Set(groups.map((g) => g.groupKey))
  const history = deps.history
  const local = history?.decisions(groupKeys) ?? []
  const remote = (await history?.peerDecisions(groupKeys)) ?? { decisions: [], unanswered: [] }
  const notifications = history?.notifications(groupKeys) ?? []
  const decisions = [...local, ...remote.decisions].sort((a, b) => a.at - b.at)
  const cluster = deps.cluster()
  const routed = routeTestJson(runtime.route, alert.labels)
  return {
    node: deps.node().name,
    alert: JSON.parse(
      gettableAlertJson(alert, receiversJson(receivers.get(fingerprint) ?? []), statusJson(status))
    ) as AlertStoryJson['alert'],
    routes: routed.routes,
    receivers: routed.receivers,
    silences: status.silencedBy.flatMap((id): SilenceRefJson[] => {
      const silence = deps.silences.get(id)
      return silence === undefined
        ? []
        : [JSON.parse(gettableSilenceJson(silence, deps.now())) as SilenceRefJson]
    }),
    inhibitedBy: status.inhibitedBy.map((fp) => ({
      fingerprint: fp,
      labels: deps.store.get(fp)?.labels ?? null,
    })),
    groups: groups.map((g) => storyOf(g, notifications, decisions)),
    cluster: {
      status: cluster.status,
      members: cluster.peers.map((p) => p.name),
      unanswered: remote.unanswered,
    },
  }
}

/**
 * senders names the node behind each nflog entry that some node's `sent` decision carries:
 * that names the sender even when this node learned of the entry from another peer's full
 * state. Keyed by {@link entryKey}.
 */
function senders(decisions: readonly Decision[]): Map<string, string> {
  const sender = new Map<string, string>()
  for (const d of decisions) {
    if (d.kind === 'sent' && d.notifiedAt !== undefined) {
      sender.set(entryKey(d.groupKey, d.integration, d.notifiedAt), d.node)
    }
  }
  return sender
}

/** entryKey identifies one nflog entry: group, integration and time. */
function entryKey(groupKey: string, integration: string, at: number): string {
  return `${groupKey}\u0000${integration}\u0000${at}`
}

/** withSender fills in a notification's node from the senders when the timeline lacks it. */
function withSender(n: Notification, sender: ReadonlyMap<string, string>): Notification {
  const node = n.node ?? sender.get(entryKey(n.groupKey, n.integration, n.at))
  return node === undefined ? n : { ...n, node }
}

function storyOf(
  group: { readonly groupKey: string; readonly receiver: string; readonly labels: LabelSet },
  notifications: readonly Notification[],
  decisions: readonly Decision[]
): GroupStoryJson {
  const mine = decisions.filter((d) => d.groupKey === group.groupKey)
  const sender = senders(mine)
  const groupNotifications = notifications
    .filter((n) => n.groupKey === group.groupKey)
    .map((n) => withSender(n, sender))
  const byTime = new Map(
    groupNotifications.map((n) => [entryKey(n.groupKey, n.integration, n.at), n.node])
  )
  return {
    groupKey: group.groupKey,
    receiver: group.receiver,
    labels: group.labels,
    notifications: groupNotifications,
    decisions: mine.map((d): DecisionJson => {
      if ((d.kind !== 'deduplicated' && d.kind !== 'abandoned') || d.notifiedAt === undefined) {
        return d
      }
      const key = entryKey(d.groupKey, d.integration, d.notifiedAt)
      const by = sender.get(key) ?? byTime.get(key)
      return by === undefined ? d : { ...d, notifiedBy: by }
    }),
  }
}

/**
 * groupsNotified lists the aggregation groups this node knows a notification of, each with the
 * newest one, for the alert list. Groups without one are left out, so the answer stays within
 * the timeline's size however many groups there are; the list reads them as not notified.
 *
 * @param deps - the node.
 * @returns the groups, in /api/v2/alerts/groups order.
 */
export function groupsNotified(deps: ApiDeps): GroupNotifiedJson[] {
  const history = deps.history
  if (history === undefined) {
    return []
  }
  const { groups } = deps.runtime().dispatcher.groups(
    () => true,
    () => true
  )
  const last = new Map<string, Notification>()
  for (const n of history.notifications(new Set(groups.map((g) => g.groupKey)))) {
    const held = last.get(n.groupKey)
    if (held === undefined || n.at >= held.at) {
      last.set(n.groupKey, n)
    }
  }
  if (last.size === 0) {
    return []
  }
  const sender = senders(history.decisions(new Set(last.keys())))
  return groups.flatMap((g) => {
    const n = last.get(g.groupKey)
    return n === undefined
      ? []
      : [
          {
            groupKey: g.groupKey,
            receiver: g.receiver,
            labels: g.labels,
            lastNotified: withSender(n, sender),
          },
        ]
  })
}
