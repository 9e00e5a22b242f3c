#!/usr/bin/env node
// The HA deduplication experiment: does a cluster notify exactly once for an alert that every
// node receives?
//
//   node scripts/dedup-experiment.mjs [--nodes 3] [--alerts 1] [--consul ADDR]
//        [--peer-timeout 3s] [--no-resolve] [--dir .tmp/dedup-experiment] [--timeout 3m]
//
// Starts a cluster (scripts/lib/cluster.mjs, the stand-in unless --consul is given) whose only
// receiver is a webhook served by this script on 127.0.0.1, one group per alert, with a short
// group_wait and group_interval and send_resolved. Sends every alert to every node at once, as
// Prometheus does, waits until the notifications settle (nothing new for N × peer_timeout, the
// longest a node at the last position waits before its dedup check), then resolves the alerts
// the same way and waits again. Prints what the receiver got per alert, stops everything, and
// exits 0 when every group got exactly one firing (and one resolved) notification, else 1.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'

import { ensureBuilt, ROOT } from './lib/alertmesh.mjs'
import {
  detail,
  durationOption,
  intOption,
  parseCommandLine,
  runMain,
  ScriptError,
  seconds,
  step,
  table,
} from './lib/cli.mjs'
import { assertNotRunning, resolvePath, shown, startCluster, stopCluster } from './lib/cluster.mjs'

const USAGE = `usage: node scripts/dedup-experiment.mjs [--nodes N] [--alerts K] [--consul ADDR]
                                          [--peer-timeout D] [--no-resolve] [--dir DIR]
                                          [--timeout D]

Sends K alerts to every node of an N-node cluster and counts the notifications a webhook
receiver gets: exit 0 when every alert's group was notified exactly once.

  --nodes N         cluster size (default: 3)
  --alerts K        how many alerts, each its own group (default: 1)
  --consul ADDR     run the cluster against this Consul, under the KV prefix and service name
                    alertmesh-dedup (default: start the Consul stand-in)
  --peer-timeout D  the nodes' --cluster.peer-timeout (default: 3s)
  --no-resolve      only count firing notifications, do not resolve the alerts
  --dir DIR         logs and node storage, wiped at start (default: .tmp/dedup-experiment)
  --timeout D       how long to wait for the first notification of each phase (default: 60s)
`

/** GROUP_WAIT_MS and GROUP_INTERVAL_MS keep the experiment short; repeats never happen. */
const GROUP_WAIT_MS = 1000
const GROUP_INTERVAL_MS = 2000

/**
 * startReceiver serves the webhook the cluster notifies, recording each notification.
 *
 * @param {(n: {at: number, status: string, alerts: string[], from: string}) => void} onNotify -
 *   called for every notification: its status, the `alert` label of each alert, and the
 *   externalURL of the node that sent it.
 * @returns {Promise<{url: string, close: () => Promise<void>}>} the receiver.
 */
async function startReceiver(onNotify) {
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      res.end()
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        onNotify({
          at: Date.now(),
          status: String(payload.status),
          alerts: (payload.alerts ?? []).map((/** @type {any} */ a) => String(a.labels?.alert)),
          from: String(payload.externalURL ?? ''),
        })
      } catch (err) {
        process.stderr.write(`receiver: a notification that is not JSON: ${String(err)}\n`)
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      }),
  }
}

/**
 * experimentConfig is the cluster's config: one group per `alert` label, every notification to
 * the receiver, resolved ones included.
 *
 * @param {string} url - the receiver.
 * @returns {string} the YAML.
 */
function experimentConfig(url) {
  return `# Written by scripts/dedup-experiment.mjs.
route:
  receiver: experiment
  group_by: [alertname, alert]
  group_wait: ${GROUP_WAIT_MS}ms
  group_interval: ${GROUP_INTERVAL_MS}ms
  repeat_interval: 24h
receivers:
  - name: experiment
    webhook_configs:
      - url: ${url}
        send_resolved: true
`
}

/**
 * postEverywhere sends the alerts to every node at once, as Prometheus sends to every
 * Alertmanager it lists.
 *
 * @param {{name: string, url: string}[]} nodes - the nodes.
 * @param {object[]} alerts - the body of POST /api/v2/alerts.
 */
async function postEverywhere(nodes, alerts) {
  await Promise.all(
    nodes.map(async (node) => {
      const res = await fetch(`${node.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      })
      const text = await res.text()
      if (!res.ok) {
        throw new ScriptError(`${node.name} refused the alerts: ${res.status} ${text}`)
      }
    })
  )
}

runMain(async () => {
  const { values, positionals, rest } = parseCommandLine(
    process.argv.slice(2),
    {
      nodes: { type: 'string' },
      alerts: { type: 'string' },
      consul: { type: 'string' },
      'peer-timeout': { type: 'string' },
      resolve: { type: 'boolean' },
      dir: { type: 'string' },
      timeout: { type: 'string' },
    },
    USAGE
  )
  if (positionals.length > 0 || rest.length > 0) {
    throw new ScriptError(`unexpected argument ${[...positionals, ...rest][0] ?? ''}\n\n${USAGE}`)
  }
  const size = intOption(values['nodes'], 'nodes', 3) ?? 3
  const count = intOption(values['alerts'], 'alerts', 1) ?? 1
  const consul = /** @type {string | undefined} */ (values['consul'])
  const peerTimeoutMs = durationOption(values['peer-timeout'], 'peer-timeout', 3000)
  const firstTimeoutMs = durationOption(values['timeout'], 'timeout', 60_000)
  const resolveToo = values['resolve'] !== false
  const dir =
    values['dir'] === undefined
      ? join(ROOT, '.tmp', 'dedup-experiment')
      : resolvePath(String(values['dir']))
  // The last position waits (N-1) × peer_timeout before its dedup check: nothing new for
  // N × peer_timeout (and a second for gossip and HTTP) after the latest notification means no
  // node is still about to send.
  const quietMs = Math.max(2, size) * peerTimeoutMs + 1000

  // A previous run's nflog would make this run's notifications depend on it: start clean.
  await assertNotRunning(dir)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  ensureBuilt()

  const names = Array.from({ length: count }, (_, i) => `a${i + 1}`)
  /** @type {{at: number, status: string, alerts: string[], from: string}[]} */
  const notifications = []
  const t0 = Date.now()
  // Notification times are printed relative to the latest send.
  let sentAt = t0
  /** @type {Map<string, string>} */
  const nodeByUrl = new Map()
  const receiver = await startReceiver((n) => {
    notifications.push(n)
    detail(
      `+${seconds(n.at - sentAt)} after sending  ${n.status.padEnd(8)} ${n.alerts.join(', ')}  from ${nodeByUrl.get(n.from) ?? n.from}`
    )
  })
  step(`webhook receiver listening on ${receiver.url}`)
  const configFile = join(dir, 'dedup-experiment.yml')
  await writeFile(configFile, experimentConfig(receiver.url))

  let stopped = false
  const stopAll = async () => {
    if (stopped) {
      return
    }
    stopped = true
    await stopCluster(dir, 15_000)
    await receiver.close()
  }
  const abort = new AbortController()
  const interrupt = () => {
    abort.abort()
  }
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  try {
    const record = await startCluster({
      nodes: size,
      consul,
      config: configFile,
      templates: [],
      push: true,
      dir,
      basePort: undefined,
      prefix: consul === undefined ? 'alertmesh' : 'alertmesh-dedup',
      nodeArgs: [`--cluster.peer-timeout=${peerTimeoutMs}ms`],
      timeoutMs: 90_000,
      signal: abort.signal,
    })
    for (const node of record.nodes) {
      nodeByUrl.set(`${node.url}/`, node.name)
      nodeByUrl.set(node.url, node.name)
    }

    let startsAt = ''
    /**
     * phase sends the alerts with `endsAt` to every node and waits until every group has a
     * notification of `status` and none has arrived for quietMs.
     *
     * @param {'firing' | 'resolved'} status - what to expect.
     * @param {number} endsAt - the alerts' end (in the future: firing; now: resolved).
     */
    const phase = async (status, endsAt) => {
      // A fresh alert, so each node's group_wait runs as it would for a new alert from
      // Prometheus; the resolving send repeats the firing one's startsAt.
      startsAt = startsAt === '' ? new Date().toISOString() : startsAt
      const alerts = names.map((alert) => ({
        labels: { alertname: 'DedupExperiment', alert },
        annotations: { summary: `HA dedup experiment alert ${alert}` },
        startsAt,
        endsAt: new Date(endsAt).toISOString(),
        generatorURL: 'http://127.0.0.1/dedup-experiment',
      }))
      step(
        status === 'firing'
          ? `sending ${count} alert(s) to each of the ${size} nodes at once`
          : `resolving: sending the alert(s) again with endsAt now to each of the ${size} nodes`
      )
      sentAt = Date.now()
      await postEverywhere(record.nodes, alerts)
      const sent = sentAt
      const seen = () =>
        new Set(notifications.filter((n) => n.status === status).flatMap((n) => n.alerts))
      step(
        `waiting for the ${status} notification(s), then for ${seconds(quietMs)} without a new one (${Math.max(2, size)} × peer_timeout ${seconds(peerTimeoutMs)} + 1 s)`
      )
      for (;;) {
        if (abort.signal.aborted) {
          throw new ScriptError('interrupted')
        }
        const allSeen = names.every((a) => seen().has(a))
        const latest = Math.max(sent, ...notifications.map((n) => n.at))
        if (allSeen && Date.now() - latest >= quietMs) {
          return
        }
        if (!allSeen && Date.now() - sent > firstTimeoutMs) {
          throw new ScriptError(
            `no ${status} notification for ${names.filter((a) => !seen().has(a)).join(', ')} within ${seconds(firstTimeoutMs)}; see the node logs in ${shown(dir)}`
          )
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    }

    await phase('firing', Date.now() + 3_600_000)
    if (resolveToo) {
      await phase('resolved', Date.now())
    }
  } catch (err) {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
    await stopAll()
    throw err
  }
  process.off('SIGINT', interrupt)
  process.off('SIGTERM', interrupt)
  await stopAll()

  const statuses = resolveToo ? ['firing', 'resolved'] : ['firing']
  const countOf = (/** @type {string} */ alert, /** @type {string} */ status) =>
    notifications.filter((n) => n.status === status && n.alerts.includes(alert)).length
  const rows = names.map((alert) => [
    alert,
    `{alertname="DedupExperiment", alert="${alert}"}`,
    ...statuses.map((s) => String(countOf(alert, s))),
    [
      ...new Set(
        notifications.filter((n) => n.alerts.includes(alert)).map((n) => nodeByUrl.get(n.from))
      ),
    ].join(', '),
  ])
  const totals = statuses.map((s) => notifications.filter((n) => n.status === s).length)
  step(`result: ${count} alert(s) sent to each of ${size} nodes`)
  detail(
    table([
      ['ALERT', 'GROUP', ...statuses.map((s) => s.toUpperCase()), 'SENT BY'],
      ...rows,
      ['total', '', ...totals.map(String), ''],
    ])
  )
  const exact =
    notifications.length === count * statuses.length &&
    names.every((a) => statuses.every((s) => countOf(a, s) === 1))
  if (consul !== undefined) {
    detail(
      `the experiment's keys stay in Consul at ${consul} (consul kv delete -recurse alertmesh-dedup/)`
    )
  }
  step(
    exact
      ? `exactly once: one ${statuses.join(' and one ')} notification per group`
      : `NOT exactly once: expected one ${statuses.join(' and one ')} notification per group, got ${notifications.length} notification(s) in total`
  )
  return exact ? 0 : 1
})
