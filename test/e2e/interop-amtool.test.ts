// Debian's amtool 0.25, unchanged, against a 3-node cluster: each command talks to one node and
// what the cluster replicates (silences) is checked through another node.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { startTestClusterFor, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import type { GettableSilence } from '../support/fixtures.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const exec = promisify(execFile)

/** AMTOOL is Debian's amtool 0.25 (package `prometheus-alertmanager`). */
const AMTOOL = '/usr/bin/amtool'

// No notification is sent during these tests (group_wait 1h): only routing matters.
const CONFIG = `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
  - matchers: ['severity="critical"']
    receiver: pager
    continue: true
  - matchers: ['team=~"db|storage"']
    receiver: db
receivers:
- name: default
- name: pager
- name: db
`

interface GettableAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  fingerprint: string
  receivers: { name: string }[]
  status: { state: string; silencedBy: string[] }
}

/**
 * amtool runs amtool against `node` (or only locally when `node` is undefined) and returns its
 * stdout; a non-zero exit rejects with amtool's stderr in the message.
 *
 * @param node - the node for --alertmanager.url.
 * @param args - the command and its flags.
 * @returns stdout.
 */
async function amtool(node: TestNode | undefined, args: readonly string[]): Promise<string> {
  const url = node === undefined ? [] : [`--alertmanager.url=${node.url}`]
  const { stdout } = await exec(AMTOOL, [...url, ...args], { timeout: 30_000 })
  return stdout
}

/**
 * amtoolExit runs amtool like amtool() but resolves with the exit code and output, for commands
 * expected to fail.
 *
 * @param args - the command and its flags.
 * @returns exit code, stdout and stderr.
 */
async function amtoolExit(
  args: readonly string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(AMTOOL, args, { timeout: 30_000 })
    return { code: 0, stdout, stderr }
  } catch (err: unknown) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const json = async <T>(node: TestNode, args: readonly string[]): Promise<T> =>
  JSON.parse(await amtool(node, ['-o', 'json', ...args])) as T

/** allSilences lists every silence a node has, active, pending and expired, as amtool sees them. */
const allSilences = async (node: TestNode): Promise<GettableSilence[]> => [
  ...(await json<GettableSilence[]>(node, ['silence', 'query'])),
  ...(await json<GettableSilence[]>(node, ['silence', 'query', '--expired'])),
]

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '')

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('amtool 0.25 against a 3-node cluster', { timeout: 240_000 }, () => {
  let members: ClusterMember[]
  // The members' nodes by position; replication is always checked on a node other than the one
  // the change was made on.
  let n0: TestNode
  let n1: TestNode
  let n2: TestNode
  const teardown = new Teardown()

  before(async () => {
    members = await startTestClusterFor(teardown, 3, { config: CONFIG })
    ;[n0, n1, n2] = members.map((m) => m.node) as [TestNode, TestNode, TestNode]
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('cluster show: every node is ready and lists the three members', async () => {
    const peers = members
      .map((m) => ({ address: `127.0.0.1:${m.clusterPort}`, name: m.name }))
      .sort((a, b) => a.name.localeCompare(b.name))
    for (const { node, name } of members) {
      const status = await json<{
        name: string
        status: string
        peers: { address: string; name: string }[]
      }>(node, ['cluster', 'show'])
      assert.deepEqual(
        { ...status, peers: [...status.peers].sort((a, b) => a.name.localeCompare(b.name)) },
        { name, status: 'ready', peers }
      )
      assert.equal(
        await amtool(node, ['cluster', 'show']),
        `Cluster Status:  ready\nNode Name:       ${name}\n`
      )
      // The extended view adds a table of every peer's address and name.
      const table = await amtool(node, ['-o', 'extended', 'cluster', 'show'])
      for (const peer of peers) {
        assert.match(table, new RegExp(`^${peer.address} +${peer.name} *$`, 'm'))
      }
    }
  })

  it('alert add posts to one node, where alert query finds it; alerts are not replicated', async () => {
    const alert = [
      'alertname=AmtoolAlert',
      'severity=critical',
      'team=db',
      '--annotation=summary=disk full',
      '--annotation=runbook=https://runbooks.example/disk',
    ]
    await amtool(n0, ['alert', 'add', ...alert])
    const query = ['alert', 'query', 'alertname=AmtoolAlert']
    const [listed, ...more] = await json<GettableAlert[]>(n0, query)
    assert.ok(listed !== undefined)
    assert.deepEqual(more, [])
    assert.deepEqual(listed.labels, { alertname: 'AmtoolAlert', severity: 'critical', team: 'db' })
    assert.deepEqual(listed.annotations, {
      summary: 'disk full',
      runbook: 'https://runbooks.example/disk',
    })
    // severity=critical goes to pager and, through continue, on to db.
    assert.deepEqual(listed.receivers, [{ name: 'pager' }, { name: 'db' }])
    assert.equal(listed.status.state, 'active')
    // The simple view; a first argument without an operator is the alertname.
    const table = lines(await amtool(n0, ['alert', 'query', 'AmtoolAlert']))
    assert.match(table[0] ?? '', /^Alertname +Starts At +Summary +State *$/)
    assert.match(
      table[1] ?? '',
      /^AmtoolAlert +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +disk full +active *$/
    )
    assert.equal(table.length, 2)
    // --receiver is an anchored regex over the alert's receivers.
    assert.equal((await json<GettableAlert[]>(n0, [...query, '--receiver=db'])).length, 1)
    assert.equal((await json<GettableAlert[]>(n0, [...query, '--receiver=d'])).length, 0)
    // Like Alertmanager, the cluster gossips silences and the notification log, not alerts:
    // Prometheus posts every alert to every node, amtool only to the one it is pointed at. So
    // another node does not have the alert until it is posted there too, and then every node
    // lists the same alert.
    assert.deepEqual(await json<GettableAlert[]>(n1, query), [])
    for (const node of [n1, n2]) {
      await amtool(node, ['alert', 'add', ...alert])
      const [same] = await json<GettableAlert[]>(node, query)
      assert.equal(same?.fingerprint, listed.fingerprint)
      assert.deepEqual(same.labels, listed.labels)
      assert.deepEqual(same.receivers, listed.receivers)
    }
  })

  it('silence add on one node returns an ID that silence query lists on the others', async () => {
    const id = (
      await amtool(n0, [
        'silence',
        'add',
        'alertname=AmtoolSilenced',
        'team=~"db|storage"',
        '--comment=disk replacement',
        '--author=ops',
        '--duration=2h',
      ])
    ).trim()
    assert.match(id, UUID)
    const query = ['silence', 'query', 'alertname=AmtoolSilenced']
    const silence = await waitFor(
      'the silence on n1',
      async () => (await json<GettableSilence[]>(n1, query)).find((s) => s.id === id),
      { timeoutMs: 10_000 }
    )
    assert.deepEqual(silence.matchers, [
      { name: 'alertname', value: 'AmtoolSilenced', isRegex: false, isEqual: true },
      { name: 'team', value: 'db|storage', isRegex: true, isEqual: true },
    ])
    assert.equal(silence.createdBy, 'ops')
    assert.equal(silence.comment, 'disk replacement')
    assert.equal(silence.status.state, 'active')
    const lasts = Date.parse(silence.endsAt) - Date.parse(silence.startsAt)
    assert.ok(Math.abs(lasts - 7_200_000) < 60_000, `the silence lasts ${lasts} ms`)
    await waitFor('the silence on n2', async () =>
      (await json<GettableSilence[]>(n2, query)).some((s) => s.id === id)
    )
    const table = lines(await amtool(n2, query))
    assert.match(table[0] ?? '', /^ID +Matchers +Ends At +Created By +Comment *$/)
    assert.match(
      table[1] ?? '',
      new RegExp(
        `^${id} +alertname="AmtoolSilenced" team=~"db\\|storage" +.+ UTC +ops +disk replacement *$`
      )
    )
    assert.equal(table.length, 2)
    assert.equal(await amtool(n2, [...query, '-q']), `${id}\n`)
    // The replicated silence mutes an alert posted to that node.
    await amtool(n2, ['alert', 'add', 'alertname=AmtoolSilenced', 'team=storage'])
    const alerts = ['alert', 'query', 'alertname=AmtoolSilenced']
    const [muted] = await json<GettableAlert[]>(n2, [...alerts, '--silenced'])
    assert.deepEqual(muted?.status, { state: 'suppressed', silencedBy: [id], inhibitedBy: [] })
    // Without flags amtool asks only for active alerts.
    assert.deepEqual(await json<GettableAlert[]>(n2, alerts), [])
  })

  it('silence expire on one node shows the silence expired on another', async () => {
    const id = (
      await amtool(n1, [
        'silence',
        'add',
        'alertname=AmtoolExpired',
        '--comment=short-lived',
        '--author=ops',
        '--duration=1h',
      ])
    ).trim()
    assert.match(id, UUID)
    await waitFor('the silence on n2', async () =>
      lines(await amtool(n2, ['silence', 'query', '-q'])).includes(id)
    )
    assert.equal(await amtool(n2, ['silence', 'expire', id]), '')
    const expired = await waitFor('the expiry on n0', async () =>
      (await json<GettableSilence[]>(n0, ['silence', 'query', '--expired'])).find(
        (s) => s.id === id
      )
    )
    assert.equal(expired.status.state, 'expired')
    assert.ok(Date.parse(expired.endsAt) <= Date.now())
    assert.ok(!lines(await amtool(n0, ['silence', 'query', '-q'])).includes(id))
    assert.ok(lines(await amtool(n0, ['silence', 'query', '--expired', '-q'])).includes(id))
  })

  it('silence import re-creates silences exported with silence query -o json', async () => {
    const made = []
    for (const [i, duration] of ['1h', '2h', '3h'].entries()) {
      made.push(
        (
          await amtool(n0, [
            'silence',
            'add',
            `alertname=Imported${i}`,
            `instance=~"host-${i}.*"`,
            `--comment=import ${i}`,
            '--author=importer',
            `--duration=${duration}`,
          ])
        ).trim()
      )
    }
    const byImporter = ['silence', 'query', '--created-by=importer']
    const exported = await waitFor('the three silences on n1', async () => {
      const text = await amtool(n1, ['-o', 'json', ...byImporter])
      return (JSON.parse(text) as GettableSilence[]).length === 3 ? text : undefined
    })
    const original = JSON.parse(exported) as GettableSilence[]
    assert.deepEqual(original.map((s) => s.id).sort(), [...made].sort())
    // Expired, the exported IDs cannot be updated in place, so Alertmanager (and alertmesh)
    // create each silence anew under a new ID.
    await amtool(n1, ['silence', 'expire', ...made])
    const file = join(n1.dir, 'silences.json')
    await writeFile(file, exported)
    const created = lines(await amtool(n2, ['silence', 'import', file]))
    assert.equal(created.length, 3)
    for (const id of created) {
      assert.match(id, UUID)
      assert.ok(!made.includes(id), `${id} is a new ID`)
    }
    const comparable = (list: GettableSilence[]) =>
      list
        .map(({ matchers, endsAt, createdBy, comment }) => ({
          matchers,
          endsAt,
          createdBy,
          comment,
        }))
        .sort((a, b) => a.comment.localeCompare(b.comment))
    const imported = await waitFor('the imported silences on n0', async () => {
      const list = await json<GettableSilence[]>(n0, byImporter)
      return list.length === 3 ? list : undefined
    })
    assert.deepEqual(imported.map((s) => s.id).sort(), [...created].sort())
    assert.deepEqual(comparable(imported), comparable(original))
    // The originals stay, expired: 3 active and 3 expired silences by this author in all.
    const everything = (await allSilences(n0)).filter((s) => s.createdBy === 'importer')
    assert.equal(everything.length, 6)
  })

  it('config show prints the config the node runs', async () => {
    for (const node of [n0, n1, n2]) {
      const status = await node.getJson<{ config: { original: string } }>('/api/v2/status')
      const shown = await amtool(node, ['config', 'show'])
      assert.equal(shown, `${status.config.original}\n`)
      assert.match(shown, /^ {2}- receiver: pager\n {4}matchers:\n {4}- severity="critical"\n/m)
    }
    assert.equal(await amtool(n0, ['config', 'show']), await amtool(n2, ['config', 'show']))
  })

  it('config routes show prints the routing tree read from the node or from the file', async () => {
    const tree = [
      'Routing tree:',
      '.',
      '└── default-route  receiver: default',
      '    ├── {severity="critical"}  continue: true  receiver: pager',
      '    └── {team=~"db|storage"}  receiver: db',
      '',
      '',
    ].join('\n')
    assert.equal(await amtool(n1, ['config', 'routes', 'show']), tree)
    assert.equal(
      await amtool(undefined, ['config', 'routes', 'show', `--config.file=${n1.configFile}`]),
      tree
    )
  })

  // Each row: labels to route and the receivers our config sends them to.
  const routing: [string[], string][] = [
    [['severity=critical'], 'pager'],
    [['severity=critical', 'team=db'], 'pager,db'], // continue: true on the pager route
    [['team=storage'], 'db'],
    [['team=web'], 'default'], // no child route matches
    [['severity=warning', 'team=db'], 'db'],
  ]
  for (const [labels, receivers] of routing) {
    it(`config routes test routes ${labels.join(' ')} to ${receivers}`, async () => {
      const fromNode = await amtool(n2, ['config', 'routes', 'test', ...labels])
      assert.equal(fromNode, `${receivers}\n`)
      const fromFile = await amtool(undefined, [
        'config',
        'routes',
        'test',
        `--config.file=${n2.configFile}`,
        ...labels,
      ])
      assert.equal(fromFile, fromNode)
      const verified = await amtoolExit([
        `--alertmanager.url=${n2.url}`,
        'config',
        'routes',
        'test',
        `--verify.receivers=${receivers}`,
        ...labels,
      ])
      assert.equal(verified.code, 0)
    })
  }

  it('config routes test --verify.receivers fails when the routing differs', async () => {
    const res = await amtoolExit([
      `--alertmanager.url=${n0.url}`,
      'config',
      'routes',
      'test',
      '--verify.receivers=default',
      'severity=critical',
    ])
    assert.equal(res.code, 1)
    assert.equal(
      res.stdout,
      'pager\nWARNING: Expected receivers did not match resolved receivers.\n'
    )
  })

  it('check-config accepts the file the cluster runs', async () => {
    assert.equal(
      await amtool(undefined, ['check-config', n0.configFile]),
      [
        `Checking '${n0.configFile}'  SUCCESS`,
        'Found:',
        ' - global config',
        ' - route',
        ' - 0 inhibit rules',
        ' - 3 receivers',
        ' - 0 templates',
        '',
        '',
      ].join('\n')
    )
  })
})
