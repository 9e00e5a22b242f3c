// The 3-node cluster the alert-story tests (API and browser) run: nodes n0, n1, n2 with a short
// peer_timeout, one webhook receiver named `team-pager`, and the same DiskFull alert posted to
// every node, as Prometheus would.
import assert from 'node:assert/strict'

import { startReceiverCluster, waitForPeerCount } from './cluster.js'
import type { ClusterMember } from './cluster.js'
import { iso } from './fixtures.js'
import type { Teardown } from './teardown.js'
import type { WebhookReceiver } from './webhook-receiver.js'

/** STORY_PEER_TIMEOUT_MS is the cluster's peer_timeout: n1 waits it once, n2 twice. */
export const STORY_PEER_TIMEOUT_MS = 2_000

/** StoryCluster is the started cluster, its receiver and the first alert's fingerprint. */
export interface StoryCluster {
  readonly receiver: WebhookReceiver
  readonly members: ClusterMember[]
  readonly fingerprint: string
}

/**
 * diskFull is a firing DiskFull alert for one instance, grouped by alertname with the others.
 *
 * @param instance - the instance label.
 * @returns the alert to POST.
 */
export function diskFull(instance: string): object {
  return {
    labels: { alertname: 'DiskFull', instance, severity: 'page' },
    annotations: { summary: `disk full on ${instance}` },
    startsAt: iso(Date.now()),
    endsAt: iso(Date.now() + 3_600_000),
  }
}

function config(receiver: WebhookReceiver): string {
  return `route:
  receiver: team-pager
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
- name: team-pager
  webhook_configs:
  - url: ${receiver.url}/hook
`
}

/**
 * startStoryCluster starts the receiver and the cluster, waits for full membership, and posts
 * DiskFull on db1 to every node.
 *
 * @param teardown - releases the receiver and the nodes.
 * @returns the cluster.
 */
export async function startStoryCluster(teardown: Teardown): Promise<StoryCluster> {
  const { receiver, members } = await startReceiverCluster(teardown, 3, (r) => ({
    config: config(r),
    args: [`--cluster.peer-timeout=${STORY_PEER_TIMEOUT_MS / 1000}s`],
  }))
  await waitForPeerCount(members, 3)
  for (const m of members) {
    assert.equal((await m.node.postAlerts([diskFull('db1')])).status, 200)
  }
  const listed = await members[2]!.node.getJson<{ fingerprint: string }[]>('/api/v2/alerts')
  return { receiver, members, fingerprint: listed[0]!.fingerprint }
}
