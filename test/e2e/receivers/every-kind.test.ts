// One receiver with an entry of every kind alertmesh knows, pushed to Consul and run by two
// clustered nodes: the config loads with every secret shown as `<secret>`, a group reaches each
// kind's endpoint exactly once, the config survives a reload and a second push, and a second
// group then reaches each endpoint exactly once more. Each kind sends to its own path of one
// capture server (Pushover, which has a fixed https endpoint, through it as a CONNECT proxy);
// email goes to a real SMTP server.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { load as parseYaml } from 'js-yaml'

import { INTEGRATIONS } from '#src/notify/index.js'

import { startTestClusterFor, waitForFullMembership } from '../../support/cluster.js'
import type { ClusterMember } from '../../support/cluster.js'
import { startConsulStandin } from '../../support/consul-standin/index.js'
import { afterDedupChecks, nflogQueries } from '../../support/dedup-checks.js'
import { iso } from '../../support/fixtures.js'
import { runAlertmesh } from '../../support/node-process.js'
import { CaptureServer } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply } from '../../support/side-by-side.js'
import { SmtpCapture } from '../../support/smtp-capture.js'
import { Teardown } from '../../support/teardown.js'
import { tunnelCertificate } from '../../support/tunnel-certificate.js'
import { waitFor } from '../../support/wait.js'

const PREFIX = 'every-kind'
// Position 1 waits one peer_timeout before it looks at the nflog.
const PEER_TIMEOUT_S = 3
/** Every secret in the config contains this, so none may show in /api/v2/status. */
const MARK = 's3cr3t'

/** Where the nodes send: the capture server's URL, the SMTP port and Pushover's CA. */
interface Endpoints {
  readonly capture: string
  readonly smtpPort: number
  readonly caFile: string
}

/** Kind is one receiver kind: its config, its secrets and how its requests are told apart. */
interface Kind {
  readonly name: string
  /** `global` lines it needs (indented by two). */
  readonly global?: (e: Endpoints) => string
  /** Its one entry, a YAML flow mapping. */
  readonly entry: (e: Endpoints) => string
  /** Paths in the shown config that must read `<secret>`. */
  readonly secrets: readonly string[]
  /** Whether a captured request is this kind's notification (email: undefined, SMTP). */
  readonly sends?: (request: CapturedRequest) => boolean
  readonly reply?: Reply
}

const SNS_PUBLISHED = `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>
  <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
</PublishResponse>`

const TELEGRAM_OK = JSON.stringify({
  ok: true,
  result: { message_id: 7, date: 1709287200, chat: { id: 42, type: 'private' }, text: 'x' },
})

const under =
  (prefix: string) =>
  (r: CapturedRequest): boolean =>
    r.path.startsWith(prefix)

const r0 = (kind: string, field: string): string => `receivers.0.${kind}_configs.0.${field}`

/** KINDS has a row per kind of src/notify/integrations, in its list's order. */
const KINDS: readonly Kind[] = [
  {
    name: 'discord',
    entry: (e) => `{webhook_url: '${e.capture}/discord/${MARK}'}`,
    secrets: [r0('discord', 'webhook_url')],
    sends: under('/discord/'),
  },
  {
    name: 'email',
    global: (e) =>
      `  smtp_smarthost: 127.0.0.1:${e.smtpPort}\n  smtp_from: am@example.com\n` +
      `  smtp_require_tls: false\n  smtp_auth_username: ops\n  smtp_auth_password: ${MARK}-smtp\n`,
    entry: () => `{to: oncall@example.com, auth_secret: ${MARK}-email}`,
    secrets: [
      'global.smtp_auth_password',
      r0('email', 'auth_password'),
      r0('email', 'auth_secret'),
    ],
  },
  {
    name: 'incidentio',
    entry: (e) => `{url: '${e.capture}/incidentio', alert_source_token: ${MARK}-incidentio}`,
    secrets: [r0('incidentio', 'alert_source_token')],
    sends: under('/incidentio'),
    reply: { status: 202, body: '{"status":"success","message":"Event accepted"}' },
  },
  {
    name: 'pagerduty',
    global: (e) => `  pagerduty_url: '${e.capture}/pagerduty/v2/enqueue'\n`,
    entry: () => `{routing_key: ${MARK}-pagerduty}`,
    secrets: [r0('pagerduty', 'routing_key')],
    sends: under('/pagerduty/'),
    reply: { status: 202, body: '{"status":"success","message":"Event processed"}' },
  },
  {
    name: 'slack',
    global: (e) => `  slack_api_url: '${e.capture}/slack/${MARK}'\n`,
    entry: () => `{channel: '#alerts'}`,
    secrets: ['global.slack_api_url', r0('slack', 'api_url')],
    sends: under('/slack/'),
  },
  {
    name: 'webhook',
    entry: (e) =>
      `{url: '${e.capture}/webhook', http_config: {authorization: {credentials: ${MARK}-hook}}}`,
    secrets: [r0('webhook', 'http_config.authorization.credentials')],
    sends: under('/webhook'),
  },
  {
    name: 'opsgenie',
    global: (e) =>
      `  opsgenie_api_url: '${e.capture}/opsgenie/'\n  opsgenie_api_key: ${MARK}-opsgenie\n`,
    entry: () => `{responders: [{type: team, name: ops}]}`,
    secrets: ['global.opsgenie_api_key', r0('opsgenie', 'api_key')],
    sends: under('/opsgenie/'),
    reply: { status: 202, body: '{"result":"Request will be processed","took":0.1}' },
  },
  {
    name: 'wechat',
    global: (e) =>
      `  wechat_api_url: '${e.capture}/wechat/'\n  wechat_api_secret: ${MARK}-wechat\n` +
      `  wechat_api_corp_id: corp\n`,
    entry: () => `{to_user: '@all', agent_id: '1000002'}`,
    secrets: ['global.wechat_api_secret', r0('wechat', 'api_secret')],
    sends: under('/wechat/message/send'),
    reply: { status: 200, body: '{"errcode":0,"errmsg":"ok"}' },
  },
  {
    name: 'pushover',
    entry: (e) =>
      `{user_key: ${MARK}-user, token: ${MARK}-token, ` +
      `http_config: {proxy_url: '${e.capture}', tls_config: {ca_file: '${e.caFile}'}}}`,
    secrets: [r0('pushover', 'user_key'), r0('pushover', 'token')],
    sends: (r) => r.headers.host === 'api.pushover.net',
    reply: { status: 200, body: '{"status":1,"request":"e460545a"}' },
  },
  {
    name: 'victorops',
    global: (e) =>
      `  victorops_api_url: '${e.capture}/victorops/'\n  victorops_api_key: ${MARK}-victorops\n`,
    entry: () => `{routing_key: team}`,
    secrets: ['global.victorops_api_key', r0('victorops', 'api_key')],
    sends: under('/victorops/'),
  },
  {
    name: 'sns',
    entry: (e) =>
      `{api_url: '${e.capture}/sns', topic_arn: 'arn:aws:sns:us-east-1:123456789012:alerts', ` +
      `sigv4: {region: us-east-1, access_key: AKIDEXAMPLE, secret_key: ${MARK}-sns}}`,
    secrets: [r0('sns', 'sigv4.secret_key')],
    sends: under('/sns'),
    reply: { status: 200, body: SNS_PUBLISHED, headers: { 'content-type': 'text/xml' } },
  },
  {
    name: 'telegram',
    global: (e) => `  telegram_api_url: '${e.capture}/telegram'\n`,
    entry: () => `{bot_token: '1:${MARK}', chat_id: 42}`,
    secrets: [r0('telegram', 'bot_token')],
    sends: under('/telegram/'),
    reply: { status: 200, body: TELEGRAM_OK, headers: { 'content-type': 'application/json' } },
  },
  {
    name: 'webex',
    global: (e) => `  webex_api_url: '${e.capture}/webex/v1/messages'\n`,
    entry: () => `{room_id: room, http_config: {authorization: {credentials: ${MARK}-webex}}}`,
    secrets: [r0('webex', 'http_config.authorization.credentials')],
    sends: under('/webex/'),
  },
  {
    name: 'msteams',
    entry: (e) => `{webhook_url: '${e.capture}/msteams/${MARK}'}`,
    secrets: [r0('msteams', 'webhook_url')],
    sends: under('/msteams/'),
  },
  {
    name: 'msteamsv2',
    entry: (e) => `{webhook_url: '${e.capture}/msteamsv2/${MARK}'}`,
    secrets: [r0('msteamsv2', 'webhook_url')],
    sends: under('/msteamsv2/'),
  },
  {
    name: 'jira',
    global: (e) => `  jira_api_url: '${e.capture}/jira/rest/api/2'\n`,
    entry: () =>
      `{project: OPS, issue_type: Bug, http_config: {basic_auth: {username: bot, password: ${MARK}-jira}}}`,
    secrets: [r0('jira', 'http_config.basic_auth.password')],
    // A search for the group's issue comes first; the notification is the issue it creates.
    sends: (r) => r.method === 'POST' && r.path === '/jira/rest/api/2/issue',
    reply: { status: 201, body: '{"id":"10000","key":"OPS-1"}' },
  },
  {
    name: 'rocketchat',
    global: (e) =>
      `  rocketchat_api_url: '${e.capture}/rocketchat/'\n  rocketchat_token: ${MARK}-rc\n` +
      `  rocketchat_token_id: ${MARK}-rc-id\n`,
    entry: () => `{channel: '#alerts'}`,
    secrets: [
      'global.rocketchat_token',
      'global.rocketchat_token_id',
      r0('rocketchat', 'token'),
      r0('rocketchat', 'token_id'),
    ],
    sends: under('/rocketchat/'),
    reply: { status: 200, body: '{"success":true}' },
  },
  {
    name: 'mattermost',
    global: (e) => `  mattermost_webhook_url: '${e.capture}/mattermost/${MARK}'\n`,
    entry: () => `{channel: alerts}`,
    secrets: ['global.mattermost_webhook_url', r0('mattermost', 'webhook_url')],
    sends: under('/mattermost/'),
  },
]

function config(e: Endpoints, channel: string): string {
  const lines = KINDS.map((k) => `  ${k.name}_configs: [${k.entry(e)}]`)
  // The second push changes Slack's channel, so it is visible in what the nodes show.
  return `global:
${KINDS.map((k) => k.global?.(e) ?? '').join('')}route:
  receiver: every-kind
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1h
  repeat_interval: 4h
receivers:
- name: every-kind
${lines.join('\n').replace("channel: '#alerts'", `channel: '${channel}'`)}
`
}

/** reply answers each kind as its service would; WeChat's token fetch gets a token. */
function reply(request: CapturedRequest): Reply {
  if (request.path.startsWith('/wechat/gettoken')) {
    return { status: 200, body: '{"errcode":0,"access_token":"t0k","expires_in":7200}' }
  }
  if (request.path === '/jira/rest/api/2/search') {
    return { status: 200, body: '{"total":0,"issues":[]}' }
  }
  return KINDS.find((k) => k.sends?.(request) === true)?.reply ?? { status: 200, body: 'ok' }
}

/** at reads a dotted path of a parsed YAML document. */
function at(doc: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], doc)
}

describe('a receiver with every kind, in a Consul cluster', { timeout: 240_000 }, () => {
  const teardown = new Teardown()
  let capture: CaptureServer
  let smtp: SmtpCapture
  let members: ClusterMember[]
  let endpoints: Endpoints
  let file: string
  let consulAddress: string

  const push = async (channel: string): Promise<void> => {
    await writeFile(file, config(endpoints, channel))
    const pushed = await runAlertmesh([
      'config',
      'push',
      file,
      `--consul.address=${consulAddress}`,
      `--consul.kv-prefix=${PREFIX}`,
    ])
    assert.equal(pushed.code, 0, pushed.stderr)
  }

  const shown = async (member: ClusterMember): Promise<string> => {
    const response = await fetch(`${member.node.url}/api/v2/status`)
    const status = (await response.json()) as { config: { original: string } }
    return status.config.original
  }

  /** counts is how many notifications each kind's endpoint got, email's SMTP server too. */
  const counts = (): Record<string, number> =>
    Object.fromEntries(
      KINDS.map((k) => [
        k.name,
        k.sends === undefined
          ? smtp.messages.length
          : capture.requests.filter((r) => k.sends?.(r) === true).length,
      ])
    )

  const sendGroup = async (alertname: string, expected: number): Promise<void> => {
    const now = Date.now()
    const alerts = [
      { labels: { alertname, severity: 'critical' }, startsAt: iso(now), endsAt: iso(now + 3.6e6) },
    ]
    const nodes = members.map((m) => m.node)
    const lookups = await nflogQueries(nodes)
    for (const node of nodes) {
      assert.equal((await node.postAlerts(alerts)).status, 200)
    }
    await waitFor(
      `every kind notified of ${alertname}`,
      () => Object.values(counts()).every((n) => n >= expected),
      { timeoutMs: 60_000 }
    )
    // Once position 1 has waited and checked the nflog for every kind, a duplicate would
    // have been sent.
    await afterDedupChecks(nodes, lookups, KINDS.length)
    assert.deepEqual(
      counts(),
      Object.fromEntries(KINDS.map((k) => [k.name, expected])),
      `paths: ${capture.requests.map((r) => r.path).join(', ')}`
    )
  }

  const assertSecretsHidden = async (): Promise<void> => {
    for (const member of members) {
      const text = await shown(member)
      assert.ok(!text.includes(MARK), `${member.name} shows a secret:\n${text}`)
      const doc = parseYaml(text)
      for (const path of KINDS.flatMap((k) => k.secrets)) {
        assert.equal(at(doc, path), '<secret>', `${member.name}: ${path}`)
      }
    }
  }

  before(async () => {
    const consul = teardown.stop(await startConsulStandin())
    consulAddress = consul.address
    const dir = teardown.add(await mkdtemp(join(tmpdir(), 'every-kind-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    const { caFile, ...tls } = await tunnelCertificate(dir, ['api.pushover.net'])
    capture = teardown.stop(await CaptureServer.start(reply, tls))
    smtp = teardown.stop(await SmtpCapture.start({ authMethods: [] }))
    endpoints = { capture: capture.url, smtpPort: smtp.port, caFile }
    file = join(dir, 'alertmanager.yml')
    await push('#alerts')
    members = await startTestClusterFor(teardown, 2, {
      config: '',
      consul: { address: consul.address, kvPrefix: PREFIX },
      args: ['--consul.check-ttl=1s', `--cluster.peer-timeout=${PEER_TIMEOUT_S}s`],
    })
    await waitForFullMembership(members)
  })
  after(() => teardown.run())

  it('has a row for every kind alertmesh knows', () => {
    assert.deepEqual(
      KINDS.map((k) => k.name),
      INTEGRATIONS.map((i) => i.name)
    )
  })

  it('loads the config with every secret shown as <secret>', async () => {
    await assertSecretsHidden()
  })

  it('sends one group to every kind, each endpoint getting it exactly once', async () => {
    await sendGroup('DiskFull', 1)
    // WeChat fetched its token once, Jira searched once, nothing went anywhere unexpected.
    const preludes = ['/wechat/gettoken', '/jira/rest/api/2/search']
    assert.deepEqual(
      preludes.map((p) => capture.requests.filter((r) => r.path.startsWith(p)).length),
      [1, 1]
    )
    const unknown = capture.requests.filter(
      (r) =>
        !preludes.some((p) => r.path.startsWith(p)) && !KINDS.some((k) => k.sends?.(r) === true)
    )
    assert.deepEqual(
      unknown.map((r) => r.path),
      []
    )
  })

  it('survives a reload and a second push, then sends the next group once to every kind', async () => {
    const [first] = members
    assert.ok(first !== undefined)
    const before = await shown(first)
    const reload = await fetch(`${first.node.url}/-/reload`, { method: 'POST' })
    assert.equal(reload.status, 200, await reload.text())
    assert.equal(await shown(first), before)
    await push('#alerts-2')
    for (const member of members) {
      await waitFor(`${member.name} applies the second push`, async () =>
        (await shown(member)).includes('#alerts-2')
      )
      const metrics = await (await fetch(`${member.node.url}/metrics`)).text()
      assert.match(metrics, /^alertmanager_config_last_reload_successful 1$/m)
    }
    await assertSecretsHidden()
    await sendGroup('HighLatency', 2)
  })
})
