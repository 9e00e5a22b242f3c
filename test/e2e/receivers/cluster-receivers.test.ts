// Three nodes found through Consul, their config pushed with `alertmesh config push`, route
// every group to email (a real SMTP server), Slack and PagerDuty (capture servers). Prometheus
// posts each alert to every node; each group must reach each receiver exactly once, and a
// PagerDuty that answers 500 three times before it accepts gets the group once, by retries.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

import { startTestClusterFor, waitForFullMembership } from '../../support/cluster.js'
import type { ClusterMember } from '../../support/cluster.js'
import { startConsulStandin } from '../../support/consul-standin/index.js'
import { afterDedupChecks, nflogQueries } from '../../support/dedup-checks.js'
import { iso } from '../../support/fixtures.js'
import { runAlertmesh } from '../../support/node-process.js'
import { CaptureServer } from '../../support/side-by-side.js'
import type { CapturedRequest } from '../../support/side-by-side.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

const GROUPS = ['DiskFull', 'HighLatency', 'Flaky'] as const
const PREFIX = 'receivers'
// Position 2 waits 2 × peer_timeout before it looks at the nflog.
// Position 0's three failed PagerDuty attempts and the fourth take up to about 3.5 s (0.5 s
// backoff growing by 1.5, ±50%); positions 1 and 2 must start after that, or they too try while
// position 0 still fails and one of them can get through a moment before its entry arrives.
const PEER_TIMEOUT_S = 6

interface Mail {
  readonly subject: string
  readonly to: string
}

function startSmtp(mails: Mail[]): Promise<SMTPServer & { port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((parsed) => {
          const to = parsed.to
          mails.push({
            subject: parsed.subject ?? '',
            to: Array.isArray(to) ? to.map((t) => t.text).join(', ') : (to?.text ?? ''),
          })
          done()
        })
        .catch((err: unknown) => {
          done(err instanceof Error ? err : new Error(String(err)))
        })
    },
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.server.address() as AddressInfo
      resolve(Object.assign(server, { port }))
    })
  })
}

function config(smtpPort: number, slack: string, pagerduty: string): string {
  return `
global:
  smtp_smarthost: 127.0.0.1:${smtpPort}
  smtp_from: alertmesh@example.com
  smtp_require_tls: false
  slack_api_url: ${slack}/services/T0/B0/secret
  pagerduty_url: ${pagerduty}/v2/enqueue
route:
  receiver: everyone
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 1h
  repeat_interval: 4h
receivers:
  - name: everyone
    email_configs:
      - to: oncall@example.com
    slack_configs:
      - channel: '#alerts'
    pagerduty_configs:
      - routing_key: 0123456789abcdef0123456789abcdef
`
}

function groupOf(request: CapturedRequest): string | undefined {
  const body = request.body.toString('utf8')
  return GROUPS.find((g) => body.includes(g))
}

describe('a Consul cluster notifying email, Slack and PagerDuty', { timeout: 180_000 }, () => {
  const teardown = new Teardown()
  const mails: Mail[] = []
  let slack: CaptureServer
  let pagerduty: CaptureServer
  let members: ClusterMember[]
  // PagerDuty fails the Flaky group's first three attempts, whichever node makes them.
  let flakyAttempts = 0

  before(async () => {
    const consul = teardown.stop(await startConsulStandin())
    const smtp = await startSmtp(mails)
    teardown.add(
      smtp,
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => {
            resolve()
          })
        })
    )
    slack = teardown.stop(await CaptureServer.start(() => ({ status: 200, body: 'ok' })))
    pagerduty = teardown.stop(
      await CaptureServer.start((request) => {
        if (groupOf(request) === 'Flaky' && flakyAttempts++ < 3) {
          return { status: 500, body: '{"status":"error","message":"try again"}' }
        }
        return { status: 202, body: '{"status":"success","message":"Event processed"}' }
      })
    )
    const dir = teardown.add(await mkdtemp(join(tmpdir(), 'cluster-receivers-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    const file = join(dir, 'alertmanager.yml')
    await writeFile(file, config(smtp.port, slack.url, pagerduty.url))
    const pushed = await runAlertmesh([
      'config',
      'push',
      file,
      `--consul.address=${consul.address}`,
      `--consul.kv-prefix=${PREFIX}`,
    ])
    assert.equal(pushed.code, 0, pushed.stderr)
    members = await startTestClusterFor(teardown, 3, {
      config: '',
      consul: { address: consul.address, kvPrefix: PREFIX },
      args: ['--consul.check-ttl=1s', `--cluster.peer-timeout=${PEER_TIMEOUT_S}s`],
    })
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('notifies every group once per receiver, retrying the PagerDuty 500s', async () => {
    const now = Date.now()
    const alerts = GROUPS.map((alertname) => ({
      labels: { alertname, severity: 'critical' },
      annotations: { summary: `${alertname} on db-1` },
      startsAt: iso(now),
      endsAt: iso(now + 3_600_000),
    }))
    const nodes = members.map((m) => m.node)
    const lookups = await nflogQueries(nodes)
    for (const node of nodes) {
      const res = await node.postAlerts(alerts)
      assert.equal(res.status, 200)
    }
    const delivered = (requests: readonly CapturedRequest[]) =>
      GROUPS.map((g) => requests.filter((r) => groupOf(r) === g).length)
    await waitFor(
      'every group at every receiver',
      () =>
        mails.length >= GROUPS.length &&
        delivered(slack.requests).every((n) => n >= 1) &&
        delivered(pagerduty.requests).every((n) => n >= 1) &&
        flakyAttempts >= 4,
      { timeoutMs: 60_000 }
    )
    // Once every position has waited and checked the nflog for each group's three
    // integrations, a duplicate would have been sent.
    await afterDedupChecks(nodes, lookups, GROUPS.length * 3)
    assert.deepEqual(
      GROUPS.map((g) => mails.filter((m) => m.subject.includes(g)).length),
      [1, 1, 1],
      `mails: ${JSON.stringify(mails)}`
    )
    assert.ok(
      mails.every((m) => m.to === 'oncall@example.com'),
      JSON.stringify(mails)
    )
    assert.deepEqual(delivered(slack.requests), [1, 1, 1])
    // PagerDuty answered the Flaky group 500 three times, then accepted it: any fifth request
    // would be a second delivery.
    assert.deepEqual(delivered(pagerduty.requests), [1, 1, 4])
  })
})
