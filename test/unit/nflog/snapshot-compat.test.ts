// The nflog snapshot file against the real Alertmanager 0.25 (Debian's binary): we read what
// it writes, and it reads what we write, seen through whether it notifies again.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import bunyan from 'bunyan'

import { initHashing, labelsHash } from '#src/labels/index.js'
import type { LabelSet } from '#src/labels/index.js'
import { Nflog } from '#src/nflog/index.js'

import { freePort } from '../../support/ports.js'
import { Teardown } from '../../support/teardown.js'
import { httpOk, spawnUntilReady, waitFor } from '../../support/wait.js'
import { WebhookReceiver } from '../../support/webhook-receiver.js'

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager'
const HOUR = 3_600_000
const RETENTION = 120 * HOUR
const RECEIVER = { groupName: 'team-hook', integration: 'webhook', idx: 0 }
const quiet = bunyan.createLogger({ name: 't', level: 'fatal' })

function config(webhookUrl: string): string {
  return `route:
  receiver: team-hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team-hook
    webhook_configs:
      - url: ${webhookUrl}
`
}

/** Alertmanager is one running Debian Alertmanager with its own storage directory. */
interface Alertmanager {
  readonly url: string
  readonly storage: string
  readonly child: ChildProcess
  readonly exited: Promise<unknown>
  readonly output: () => string
}

const running = new Set<Alertmanager>()

async function startAlertmanager(dir: string, webhookUrl: string): Promise<Alertmanager> {
  const configFile = join(dir, 'alertmanager.yml')
  await writeFile(configFile, config(webhookUrl))
  const port = await freePort()
  const storage = join(dir, 'data')
  const url = `http://127.0.0.1:${port}`
  const { child, exited, output } = await spawnUntilReady(
    ALERTMANAGER,
    [
      `--config.file=${configFile}`,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { name: 'alertmanager', check: () => httpOk(`${url}/-/ready`), timeoutMs: 15_000 }
  )
  const am: Alertmanager = { url, storage, child, exited, output }
  running.add(am)
  return am
}

/** stopAlertmanager sends SIGTERM, on which Alertmanager writes its final nflog snapshot. */
async function stopAlertmanager(am: Alertmanager): Promise<void> {
  if (am.child.exitCode === null && am.child.signalCode === null) {
    am.child.kill('SIGTERM')
  }
  await am.exited
  running.delete(am)
}

/**
 * notificationLogged waits until Alertmanager has logged a notification the receiver already
 * got: the receiver sees the request before the nflog write, so stopping Alertmanager at once
 * would race it. The request counter moves when Notify returns and the log is written right
 * after in the same goroutine, which exposes no event of its own; hence the short wait.
 */
async function notificationLogged(am: Alertmanager): Promise<void> {
  await waitFor('Alertmanager to count the notification', async () =>
    /^alertmanager_notification_requests_total\{integration="webhook"\} 1$/m.test(
      await (await fetch(`${am.url}/metrics`)).text()
    )
  )
  await sleep(200)
}

async function postAlert(am: Alertmanager, labels: LabelSet): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ labels }]),
  })
  assert.equal(res.status, 200, await res.text())
}

/** labelsAbove2p63 finds labels whose dedup hash has the top bit set, the uint64 edge. */
function labelsAbove2p63(alertname: string): LabelSet {
  for (let i = 0; ; i++) {
    const labels = { alertname, instance: `host-${i}` }
    if (labelsHash(labels) >= 2n ** 63n) {
      return labels
    }
  }
}

let root: string
let receiver: WebhookReceiver
const teardown = new Teardown()
before(async () => {
  await initHashing()
  root = teardown.add(await mkdtemp(join(tmpdir(), 'nflog-compat-')), (d) =>
    rm(d, { recursive: true, force: true })
  )
  receiver = teardown.stop(await WebhookReceiver.start())
  // Every Alertmanager a test started and did not stop (startAlertmanager records each at once).
  teardown.add(running, (all) => Promise.all([...all].map((am) => stopAlertmanager(am))))
})
after(() => teardown.run())

describe('nflog snapshot compatibility with Alertmanager 0.25', () => {
  it('reads the nflog Alertmanager wrote at SIGTERM after notifying', async () => {
    const dir = join(root, 'read')
    await mkdir(dir)
    const labels = labelsAbove2p63('Read')
    const am = await startAlertmanager(dir, `${receiver.url}/read`)
    const windowStart = Date.now()
    await postAlert(am, labels)
    await receiver.next((d) => d.path === '/read')
    await notificationLogged(am)
    await stopAlertmanager(am)
    const windowEnd = Date.now()

    const nflog = await Nflog.open({ retentionMs: RETENTION, snapshotDir: am.storage, log: quiet })
    assert.deepEqual(nflog.openReport, { loaded: 1, skipped: 0, errors: [] })
    const entry = nflog.query(RECEIVER, '{}:{alertname="Read"}')
    assert.ok(
      entry,
      `no entry; have ${JSON.stringify([...nflog.entries()].map((m) => m.entry.groupKey))}`
    )
    assert.deepEqual(entry.receiver, RECEIVER)
    assert.deepEqual(entry.firingAlerts, [labelsHash(labels)])
    assert.deepEqual(entry.resolvedAlerts, [])
    assert.ok(
      entry.timestamp >= windowStart - 1 && entry.timestamp <= windowEnd,
      `timestamp ${entry.timestamp} outside [${windowStart}, ${windowEnd}]`
    )
    // expires at now + 2 × repeat_interval, shorter than the retention.
    assert.equal([...nflog.entries()][0]?.expiresAt, entry.timestamp + 2 * HOUR)
    await nflog.close()
  })

  const cases: {
    name: string
    /** What we write into the snapshot before Alertmanager starts; undefined for no file. */
    firing: ((labels: LabelSet) => bigint[]) | undefined
    notifies: boolean
  }[] = [
    // Control: no nflog, so the new group is notified after group_wait.
    { name: 'without a snapshot', firing: undefined, notifies: true },
    // Our entry for the same alert, 1 minute old: within repeat_interval, nothing to send.
    { name: 'with our entry for the alert', firing: (l) => [labelsHash(l)], notifies: false },
    // Our entry for another alert: the firing set changed, so Alertmanager sends.
    {
      name: 'with our entry for another alert',
      firing: (l) => [labelsHash(l) ^ 1n],
      notifies: true,
    },
  ]
  for (const [i, c] of cases.entries()) {
    it(`Alertmanager ${c.notifies ? 'notifies' : 'stays silent'} ${c.name}`, async () => {
      const dir = join(root, `write${i}`)
      const path = `/write${i}`
      const labels = labelsAbove2p63(`Write${i}`)
      const groupKey = `{}:{alertname="Write${i}"}`
      await mkdir(dir)
      const ourTimestamp = Date.now() - 60_000
      if (c.firing !== undefined) {
        const firing = c.firing(labels)
        const ours = await Nflog.open({
          retentionMs: RETENTION,
          snapshotDir: join(dir, 'data'),
          log: quiet,
          now: () => ourTimestamp,
        })
        ours.log(RECEIVER, groupKey, firing, [], 2 * HOUR)
        await ours.close()
      }
      const am = await startAlertmanager(dir, `${receiver.url}${path}`)
      await postAlert(am, labels)
      if (c.notifies) {
        const delivery = await receiver.next((d) => d.path === path, { timeoutMs: 10_000 })
        assert.equal(delivery.payload.groupKey, groupKey)
        await notificationLogged(am)
      } else {
        // group_wait is 1 s; three seconds leave ample room for a notification to arrive.
        await sleep(3000)
        assert.deepEqual(receiver.on(path), [], am.output())
      }
      await stopAlertmanager(am)
      // Alertmanager's own shutdown snapshot holds the entry of whoever notified last.
      const after = await Nflog.open({
        retentionMs: RETENTION,
        snapshotDir: am.storage,
        log: quiet,
      })
      assert.deepEqual(after.openReport.errors, [])
      const entry = after.query(RECEIVER, groupKey)
      assert.ok(entry)
      assert.deepEqual(entry.firingAlerts, [labelsHash(labels)])
      // Staying silent, it kept our entry to the millisecond; notifying, it logged its own.
      if (c.notifies) {
        assert.ok(entry.timestamp > ourTimestamp + 30_000)
      } else {
        assert.equal(entry.timestamp, ourTimestamp)
      }
      await after.close()
    })
  }
})
