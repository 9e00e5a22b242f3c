// The Rocket.Chat notifier against a real HTTP server: notify/rocketchat/rocketchat_test.go's
// cases (TestRocketchatRetry, TestGettingRocketchatTokenFromFile) and what rocketchat.go does
// beyond them (URL, auth headers, body as Go encodes it, title truncation, answers with 200).
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type { RocketchatConfig } from '#src/notify/integrations/rocketchat/index.js'
import {
  ROCKETCHAT_DEFAULTS,
  ROCKETCHAT_RETRY_CODES,
  RocketchatNotifier,
} from '#src/notify/integrations/rocketchat/index.js'

import { encodePostMessages } from '../../../../support/rocketchat-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import {
  capture,
  context,
  UA,
  alert,
  lastRequest,
  assertRetriesGo5xx,
  assertFinalUnsent,
  assertPostJSON,
  renderFlush,
  twoFiring,
} from '../fixtures.js'
import { channelMessages, runNotifierConformance } from '../notifier-conformance.js'

const OK = '{"success":true}'

function rcConfig(overrides: Partial<RocketchatConfig> = {}): RocketchatConfig {
  return {
    send_resolved: false,
    http_config: httpConfig(),
    api_url: 'https://open.rocket.chat/',
    token: 'tok-s3cret',
    token_id: 'id-s3cret',
    color: ROCKETCHAT_DEFAULTS.color,
    title: ROCKETCHAT_DEFAULTS.title,
    title_link: ROCKETCHAT_DEFAULTS.title_link,
    text: ROCKETCHAT_DEFAULTS.text,
    emoji: ROCKETCHAT_DEFAULTS.emoji,
    icon_url: ROCKETCHAT_DEFAULTS.icon_url,
    short_fields: false,
    link_names: false,
    ...overrides,
  }
}

const template = AlertTemplate.fromGlobs([])

function notifier(
  overrides: Partial<RocketchatConfig>,
  log = capture('warn').log
): RocketchatNotifier {
  return new RocketchatNotifier({
    config: rcConfig(overrides),
    template: () => template,
    log,
    userAgent: UA,
  })
}

// Status mapping, redaction (URL and both tokens), network errors, the flush deadline and
// close(). A non-2xx error is Retrier.Check's text behind `channel "<channel>": `, the channel
// rendered as '' here; transport errors are notify.RedactURL's, without the channel.
runNotifierConformance({
  name: 'rocketchat',
  // conformance URLs carry their path; api_url is joined with api/v1/chat.postMessage.
  build: (url) => notifier({ api_url: url }),
  retryCodes: ROCKETCHAT_RETRY_CODES,
  okBody: OK,
  secrets: ['tok-s3cret', 'id-s3cret'],
  messages: channelMessages(''),
})

// TestRocketchatRetry: the retrier has no retry codes of its own, so test.RetryTests with
// test.DefaultRetryCodes(): every 5xx of Go's list is retried, every other status is not.
describe('TestRocketchatRetry', () => {
  it('retries exactly the 5xx statuses of test.RetryTests', () => {
    assertRetriesGo5xx(ROCKETCHAT_RETRY_CODES, (code) => `error on status ${code}`)
  })
})

describe('RocketchatNotifier', () => {
  let server: Running
  let answer = OK
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer)
    })
  })
  after(() => server.close())

  const last = () => lastRequest(server)

  it('POSTs the PostMessage Go encodes to api/v1/chat.postMessage, with the auth headers', async () => {
    answer = OK
    const n = notifier({
      api_url: `${server.origin}/rc/`,
      channel: '#{{ .CommonLabels.alertname }}',
      fields: [
        { title: '{{ .Status }}', value: 'v' },
        { title: 't', value: 'w', short: true },
      ],
      actions: [
        {
          type: 'ignored',
          text: 'Silence',
          url: 'http://am/#/silences/new',
          msg: '',
          iswebview: true,
          msginchatwindow: true,
        },
      ],
      image_url: 'https://img.example/{{ .GroupLabels.alertname }}.png',
    })
    const firing = twoFiring()
    await n.notify(context(), firing)
    const request = last()
    assertPostJSON(request, '/rc/api/v1/chat.postMessage')
    assert.equal(request.headers['x-auth-token'], 'tok-s3cret')
    assert.equal(request.headers['x-user-id'], 'id-s3cret')
    const render = renderFlush(template, firing)
    const [expected] = encodePostMessages([
      {
        channel: '#A',
        emoji: render(ROCKETCHAT_DEFAULTS.emoji),
        icon_url: render(ROCKETCHAT_DEFAULTS.icon_url),
        title: render(ROCKETCHAT_DEFAULTS.title),
        title_link: render(ROCKETCHAT_DEFAULTS.title_link),
        text: render(ROCKETCHAT_DEFAULTS.text),
        image_url: 'https://img.example/A.png',
        thumb_url: '',
        color: 'red',
        fields: [
          { title: 'firing', value: 'v' },
          { title: 't', value: 'w', short: true },
        ],
        short_fields: false,
        actions: [{ text: 'Silence', url: 'http://am/#/silences/new', msg: '' }],
      },
    ])
    assert.equal(request.body.toString('utf8'), expected)
    assert.match(request.body.toString('utf8'), /"title":"\[FIRING:2\] A "/)
    await n.close()
  })

  it('colours a resolved group green with the default color', async () => {
    answer = OK
    const n = notifier({ api_url: server.origin })
    await n.notify(context(), [alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 0, 1))])
    assert.match(last().body.toString(), /"color":"green"/)
    assert.equal(last().url, '/api/v1/chat.postMessage')
    await n.close()
  })

  it('truncates the title to 1024 runes and warns with the group key', async () => {
    answer = OK
    const { records, log } = capture('warn')
    const n = notifier({ api_url: server.origin, title: 'é'.repeat(1100) }, log)
    await n.notify(context(), [alert({ alertname: 'A' })])
    const sent = JSON.parse(last().body.toString()) as { attachments: { title: string }[] }
    const [attachment] = sent.attachments
    assert.ok(attachment !== undefined)
    assert.equal(Array.from(attachment.title).length, 1024)
    assert.ok(attachment.title.endsWith('…'))
    assert.equal(records.length, 1)
    const [record] = records
    assert.ok(record !== undefined)
    assert.equal(record['msg'], 'Truncated title')
    assert.equal(record['max_runes'], 1024)
    assert.equal(record['group_key'], context().groupKey)
    await n.close()
  })

  it('fails for good on a template error, naming the first failing field', async () => {
    const n = notifier({
      api_url: server.origin,
      text: '{{ template "missing" . }}',
      color: '{{ .Nope.Deeper }}',
    })
    await assertFinalUnsent(
      server,
      () => n.notify(context(), [alert({ alertname: 'A' })]),
      /template "missing" not defined/
    )
    await n.close()
  })

  // [name, 200 answer, retryable, message after `channel "#c": `]
  const answers: readonly (readonly [string, string, boolean, string])[] = [
    // Rocket.Chat's error with a 200: final.
    [
      'success false',
      '{"success":false,"error":"error-invalid-room"}',
      false,
      'error response from Rocketchat: error-invalid-room',
    ],
    // Not JSON (a proxy's page): retried.
    [
      'an HTML page',
      '<html>',
      true,
      `could not unmarshal JSON response "<html>": invalid character '<' looking for beginning of value`,
    ],
    // Empty: retried.
    [
      'an empty body',
      '',
      true,
      'could not unmarshal JSON response "": unexpected end of JSON input',
    ],
  ]
  for (const [name, body, retryable, message] of answers) {
    it(`judges a 200 with ${name} as checkJSONResponseError does`, async () => {
      answer = body
      const n = notifier({ api_url: server.origin, channel: '#c' })
      await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.retryable, retryable)
        assert.equal(err.reason, 'clientError')
        assert.equal(err.message, `channel "#c": ${message}`)
        return true
      })
      await n.close()
    })
  }

  it('TestGettingRocketchatTokenFromFile: reads both token files when built, trimmed', async () => {
    answer = OK
    const dir = mkdtempSync(join(tmpdir(), 'rocketchat-'))
    const token = join(dir, 'token')
    const tokenID = join(dir, 'token_id')
    writeFileSync(token, ' secret\n')
    writeFileSync(tokenID, 'secret-id\n')
    // Even next to an inline token, as a global file can put it there (getToken reads the file).
    const n = notifier({ api_url: server.origin, token_file: token, token_id_file: tokenID })
    // Read once, when built: a later change needs a reload, as upstream.
    writeFileSync(token, 'changed')
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().headers['x-auth-token'], 'secret')
    assert.equal(last().headers['x-user-id'], 'secret-id')
    await n.close()
  })

  it('refuses to build with a token file it cannot read, in Go words', () => {
    assert.throws(
      () => notifier({ token_file: '/nonexistent/rc-token' }),
      (err: unknown) => {
        assert.ok(err instanceof Error)
        assert.equal(
          err.message,
          'could not read /nonexistent/rc-token: open /nonexistent/rc-token: no such file or directory'
        )
        return true
      }
    )
    assert.throws(
      () => notifier({ token_id_file: '/nonexistent/rc-id' }),
      /^Error: could not read \/nonexistent\/rc-id: open \/nonexistent\/rc-id: no such file or directory$/
    )
  })
})
