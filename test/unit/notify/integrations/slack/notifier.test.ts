// The Slack notifier's own cases: what 0.25's request bodies are is proven against the real
// binary by test/e2e/receivers/slack-diff.test.ts; here the error paths, the title truncation,
// api_url_file and the JSON shape rules (omitempty, short fallback, mrkdwn_in default).
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { SLACK_RETRY_CODES, SlackNotifier } from '#src/notify/integrations/slack/index.js'
import type { SlackConfig } from '#src/notify/integrations/slack/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { channelMessages, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])

/** slackConfig is DefaultSlackConfig (config/notifiers.go) with the given overrides. */
function slackConfig(overrides: Partial<SlackConfig> = {}): SlackConfig {
  return {
    send_resolved: false,
    http_config: httpConfig(),
    username: '{{ template "slack.default.username" . }}',
    color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
    title: '{{ template "slack.default.title" . }}',
    title_link: '{{ template "slack.default.titlelink" . }}',
    pretext: '{{ template "slack.default.pretext" . }}',
    text: '{{ template "slack.default.text" . }}',
    short_fields: false,
    footer: '{{ template "slack.default.footer" . }}',
    fallback: '{{ template "slack.default.fallback" . }}',
    callback_id: '{{ template "slack.default.callbackid" . }}',
    icon_emoji: '{{ template "slack.default.iconemoji" . }}',
    icon_url: '{{ template "slack.default.iconurl" . }}',
    link_names: false,
    ...overrides,
  }
}

function notifier(config: SlackConfig, log = capture('warn').log): SlackNotifier {
  return new SlackNotifier({ config, template: () => TEMPLATE, log, userAgent: UA })
}

const firing: Alert = { ...FIRING, annotations: { summary: 'x' } }

// Status mapping, redaction, network errors, the flush deadline and close(), with 0.25's
// texts: the status error is wrapped with the channel, transport errors are not.
runNotifierConformance({
  name: 'slack',
  build: (url) => notifier(slackConfig({ api_url: url, channel: '#ops' })),
  retryCodes: SLACK_RETRY_CODES,
  messages: channelMessages('#ops'),
})

describe('SlackNotifier', () => {
  let server: Running
  const notifiers: SlackNotifier[] = []
  const build = (overrides: Partial<SlackConfig>, log = capture('warn').log): SlackNotifier => {
    const n = notifier(slackConfig({ api_url: `${server.origin}/hook`, ...overrides }), log)
    notifiers.push(n)
    return n
  }
  const lastBody = (): Record<string, unknown> => {
    const seen = server.requests.at(-1)
    assert.ok(seen)
    return JSON.parse(seen.body.toString()) as Record<string, unknown>
  }
  const attachment = (): Record<string, unknown> => {
    const [first] = lastBody()['attachments'] as Record<string, unknown>[]
    assert.ok(first)
    return first
  }

  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end('ok')
    })
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await server.close()
  })

  it('POSTs JSON with the User-Agent, ending with the encoder newline', async () => {
    await build({}).notify(context(), [firing])
    const seen = server.requests.at(-1)
    assert.ok(seen)
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
    assert.ok(seen.body.toString().endsWith('}\n'))
  })

  it('leaves empty omitempty fields out and keeps text, fallback, callback_id and footer', async () => {
    await build({}).notify(context(), [firing])
    const body = lastBody()
    // channel, icon_emoji, icon_url are empty; link_names is false.
    assert.deepEqual(Object.keys(body), ['username', 'attachments'])
    assert.deepEqual(Object.keys(attachment()), [
      'title',
      'title_link',
      'text',
      'fallback',
      'callback_id',
      'footer',
      'color',
      'mrkdwn_in',
    ])
    // mrkdwn_in defaults to fallback, pretext and text.
    assert.deepEqual(attachment()['mrkdwn_in'], ['fallback', 'pretext', 'text'])
    assert.equal(attachment()['color'], 'danger')
  })

  it('gives each field its own short, else short_fields, and always sends short', async () => {
    const fields = [
      { title: 'a', value: '{{ .Status }}' },
      { title: 'b', value: 'v', short: false },
      { title: 'c', value: 'v', short: true },
    ]
    await build({ fields, short_fields: true }).notify(context(), [firing])
    assert.deepEqual(attachment()['fields'], [
      { title: 'a', value: 'firing', short: true },
      { title: 'b', value: 'v', short: false },
      { title: 'c', value: 'v', short: true },
    ])
    await build({ fields, short_fields: false }).notify(context(), [firing])
    assert.deepEqual(
      (attachment()['fields'] as { short: boolean }[]).map((f) => f.short),
      [false, false, true]
    )
  })

  it('renders actions and their confirmation, leaving empty parts out', async () => {
    const actions = [
      {
        type: 'button',
        text: 'Runbook {{ .GroupLabels.alertname }}',
        url: 'http://rb/{{ .Status }}',
      },
      {
        type: 'button',
        text: 'Ack',
        name: 'ack',
        value: '{{ .Receiver }}',
        confirm: { text: 'Sure?', title: '' },
      },
    ]
    await build({ actions, link_names: true, mrkdwn_in: ['title'] }).notify(context(), [firing])
    assert.equal(lastBody()['link_names'], true)
    assert.deepEqual(attachment()['mrkdwn_in'], ['title'])
    assert.deepEqual(attachment()['actions'], [
      { type: 'button', text: 'Runbook A', url: 'http://rb/firing' },
      { type: 'button', text: 'Ack', name: 'ack', value: 'team', confirm: { text: 'Sure?' } },
    ])
  })

  it('escapes as Go does: <, > and & as \\u escapes', async () => {
    await build({ text: '<b>&</b>' }).notify(context(), [firing])
    const raw = server.requests.at(-1)?.body.toString() ?? ''
    assert.ok(raw.includes('"text":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'), raw)
  })

  it('truncates the title to 1024 runes with the marker and warns with the group key', async () => {
    const { records, log } = capture('warn')
    await build({ title: '{{ .Status }}' + 'é'.repeat(1030) }, log).notify(context(), [firing])
    const title = attachment()['title'] as string
    assert.equal(Array.from(title).length, 1024)
    assert.ok(title.endsWith('é…'))
    assert.deepEqual(
      records.map((r) => [r['msg'], r['key'], r['max_runes']]),
      [['Truncated title', '{}:{alertname="A"}', 1024]]
    )
    // Exactly 1024 runes is left alone.
    const quiet = capture('warn')
    await build({ title: '😀'.repeat(1024) }, quiet.log).notify(context(), [firing])
    assert.equal(attachment()['title'], '😀'.repeat(1024))
    assert.deepEqual(quiet.records, [])
  })

  it('fails for good with the first template error, sending nothing', async () => {
    const before = server.requests.length
    const n = build({
      footer: '{{ template "nope" . }}',
      channel: '{{ .Missing.Deeper }}',
    })
    await assert.rejects(n.notify(context(), [firing]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, false)
      // The footer renders before the channel, as in 0.25.
      assert.match(err.message, /template "nope"/)
      return true
    })
    assert.equal(server.requests.length, before)
  })

  it('reads api_url_file at each notification, trimmed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slack-'))
    const file = join(dir, 'url')
    await writeFile(file, `  ${server.origin}/from-file/1\n`)
    const n = notifier(slackConfig({ api_url_file: file }))
    notifiers.push(n)
    await n.notify(context(), [firing])
    assert.equal(server.requests.at(-1)?.url, '/from-file/1')
    await writeFile(file, `${server.origin}/from-file/2`)
    await n.notify(context(), [firing])
    assert.equal(server.requests.at(-1)?.url, '/from-file/2')
  })

  it('fails for good, in Go words, when api_url_file cannot be read', async () => {
    const file = join(tmpdir(), 'slack-no-such-file')
    const n = notifier(slackConfig({ api_url_file: file }))
    notifiers.push(n)
    await assert.rejects(n.notify(context(), [firing]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, false)
      assert.equal(err.message, `open ${file}: no such file or directory`)
      return true
    })
  })

  it('quotes the channel as Go %q does in a status error', async () => {
    const failing = await listen((_req, res) => {
      res.writeHead(404).end('channel_not_found')
    })
    try {
      const n = notifier(slackConfig({ api_url: `${failing.origin}/x`, channel: '#"ops"\t' }))
      notifiers.push(n)
      await assert.rejects(n.notify(context(), [firing]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.retryable, false)
        assert.equal(
          err.message,
          'channel "#\\"ops\\"\\t": unexpected status code 404: channel_not_found'
        )
        return true
      })
    } finally {
      await failing.close()
    }
  })
})
