// The Mattermost notifier against a real HTTP server: notify/mattermost/mattermost_test.go's
// cases (retry, templating, redaction, the URL file, TestMattermost_Notify's bodies as golden
// bytes) and what mattermost.go does beyond them.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type {
  MattermostAttachment,
  MattermostConfig,
  MattermostPriority,
  MattermostProps,
} from '#src/notify/integrations/mattermost/index.js'
import {
  MATTERMOST_DEFAULTS,
  MATTERMOST_RETRY_CODES,
  MattermostNotifier,
} from '#src/notify/integrations/mattermost/index.js'

import { buildRequests } from '../../../../support/mattermost-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import {
  capture,
  context,
  UA,
  alert,
  lastRequest,
  assertRetriesGo5xx,
  assertPostJSON,
  renderFlush,
  twoFiring,
} from '../fixtures.js'
import { channelMessages, runNotifierConformance } from '../notifier-conformance.js'

const template = AlertTemplate.fromGlobs([])

/** bare is a MattermostConfig as a Go struct literal builds it: no defaults. */
function bare(overrides: Partial<MattermostConfig>): MattermostConfig {
  return { send_resolved: true, http_config: httpConfig(), ...overrides }
}

/** withDefaults is DefaultMattermostConfig plus overrides. */
function withDefaults(overrides: Partial<MattermostConfig>): MattermostConfig {
  return bare({ ...MATTERMOST_DEFAULTS, ...overrides })
}

function notifier(config: MattermostConfig, log = capture('warn').log): MattermostNotifier {
  return new MattermostNotifier({ config, template: () => template, log, userAgent: UA })
}

// TestMattermostRedactedURL and the shared suite: status mapping, the URL `<redacted>` in every
// error, network errors, the flush deadline and close(). Status errors carry the channel.
runNotifierConformance({
  name: 'mattermost',
  build: (url) => notifier(withDefaults({ webhook_url: url, channel: 'town' })),
  retryCodes: MATTERMOST_RETRY_CODES,
  messages: channelMessages('town'),
})

// TestMattermostRetry: a bare Retrier with test.RetryTests(test.DefaultRetryCodes()).
describe('TestMattermostRetry', () => {
  it('retries exactly the 5xx statuses of test.RetryTests', () => {
    assertRetriesGo5xx(MATTERMOST_RETRY_CODES, (code) => `retry - error on status ${code}`)
  })
})

describe('MattermostNotifier', () => {
  let server: Running
  let dir: string
  let urlFile: string
  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200).end()
    })
    dir = mkdtempSync(join(tmpdir(), 'mattermost-'))
    urlFile = join(dir, 'webhook_url')
    writeFileSync(urlFile, `${server.origin}/hooks/from-file`)
  })
  after(() => server.close())

  const last = () => lastRequest(server)

  describe('TestMattermostTemplating', () => {
    it('text with default templating', async () => {
      const n = notifier(withDefaults({ webhook_url: `${server.origin}/hooks/x` }))
      await n.notify(context(), [alert({ lbl1: 'val1' })])
      await n.close()
    })

    it('text with templating errors: final, with the parse error', async () => {
      const n = notifier(bare({ webhook_url: `${server.origin}/hooks/x`, text: '{{ ' }))
      await assert.rejects(n.notify(context(), [alert({ lbl1: 'val1' })]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.retryable, false)
        assert.ok(err.message.includes('template: :1: unclosed action'), err.message)
        return true
      })
      await n.close()
    })
  })

  // TestMattermost_Notify: [name, text, props, priority, attachments, body].
  const NOTIFY: readonly (readonly [
    string,
    string,
    MattermostProps | undefined,
    MattermostPriority | undefined,
    readonly MattermostAttachment[] | undefined,
    string,
  ])[] = [
    [
      'with text only',
      'Test Text',
      undefined,
      undefined,
      undefined,
      '{"attachments":[{"text":"Test Text"}]}\n',
    ],
    [
      'with text and props',
      'Test Text',
      { card: 'Test Card' },
      undefined,
      undefined,
      '{"attachments":[{"text":"Test Text"}],"props":{"card":"Test Card"}}\n',
    ],
    [
      'with text and priority standard',
      'Test Text',
      undefined,
      { priority: 'standard', requested_ack: true, persistent_notifications: true },
      undefined,
      '{"attachments":[{"text":"Test Text"}],"priority":{"priority":"standard"}}\n',
    ],
    [
      'with text, props and priority',
      'Test Text',
      { card: 'Test Card' },
      { priority: 'urgent' },
      undefined,
      '{"attachments":[{"text":"Test Text"}],"props":{"card":"Test Card"},"priority":{"priority":"urgent"}}\n',
    ],
    [
      'with empty text - should omit text field',
      '',
      undefined,
      undefined,
      undefined,
      '{"attachments":[{}]}\n',
    ],
    [
      'with empty text and attachments - should omit text field',
      '',
      undefined,
      undefined,
      [{ title: 'Test Attachment', text: 'Attachment Text' }],
      '{"attachments":[{"text":"Attachment Text","title":"Test Attachment"}]}\n',
    ],
    [
      'with text and attachments',
      'Test Text',
      undefined,
      undefined,
      [{ title: 'Test Attachment', text: 'Attachment Text' }],
      '{"text":"Test Text","attachments":[{"text":"Attachment Text","title":"Test Attachment"}]}\n',
    ],
  ]
  describe('TestMattermost_Notify', () => {
    for (const [name, text, props, priority, attachments, body] of NOTIFY) {
      it(name, async () => {
        const n = notifier(
          bare({
            webhook_url_file: urlFile,
            text,
            ...(props === undefined ? {} : { props }),
            ...(priority === undefined ? {} : { priority }),
            ...(attachments === undefined ? {} : { attachments }),
          })
        )
        await n.notify(context({ groupKey: '1' }), [alert({ lbl1: 'val1' })])
        assert.equal(last().body.toString('utf8'), body)
        assert.equal(last().url, '/hooks/from-file')
        await n.close()
      })
    }
  })

  it('POSTs the defaults as Go encodes them, with PostJSON headers', async () => {
    const n = notifier(withDefaults({ webhook_url: `${server.origin}/hooks/abc`, channel: 'ops' }))
    const firing = twoFiring()
    await n.notify(context(), firing)
    const request = last()
    assertPostJSON(request, '/hooks/abc')
    const render = renderFlush(template, firing)
    const [expected] = buildRequests([
      {
        channel: 'ops',
        username: render(MATTERMOST_DEFAULTS.username),
        text: render(MATTERMOST_DEFAULTS.text),
        fallback: render(MATTERMOST_DEFAULTS.fallback),
        color: render(MATTERMOST_DEFAULTS.color),
        title: render(MATTERMOST_DEFAULTS.title),
        title_link: render(MATTERMOST_DEFAULTS.title_link),
      },
    ])
    assert.equal(request.body.toString('utf8'), expected?.body)
    assert.match(request.body.toString('utf8'), /"color":"danger"/)
    await n.close()
  })

  it('logs the priority and truncation warnings with the group key', async () => {
    const { records, log } = capture('warn')
    const n = notifier(
      bare({
        webhook_url: `${server.origin}/hooks/x`,
        text: 'x'.repeat(16384),
        attachments: [{ text: 'a' }],
        priority: { priority: 'loud', requested_ack: true },
      }),
      log
    )
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.deepEqual(
      records.map((r) => [r['msg'], r['key'], r['max_runes'] ?? r['priority']]),
      [
        ['Truncated text', context().groupKey, 16383],
        ['Priority is set to standard due to invalid value', context().groupKey, 'loud'],
        ['RequestedAck is set to false due to priority is standard', context().groupKey, undefined],
      ]
    )
    await n.close()
  })

  it('TestMattermostReadingURLFromFile: reads the file at each notification, trimmed', async () => {
    const file = join(dir, 'rotating')
    writeFileSync(file, `${server.origin}/hooks/first\n`)
    const n = notifier(bare({ webhook_url_file: file }))
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().url, '/hooks/first')
    writeFileSync(file, ` ${server.origin}/hooks/second`)
    await n.notify(context(), [alert({ alertname: 'A' })])
    assert.equal(last().url, '/hooks/second')
    await n.close()
  })

  it("fails for good when the URL file cannot be read, with os.ReadFile's error", async () => {
    const n = notifier(bare({ webhook_url_file: '/nonexistent/mm-url' }))
    await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, false)
      assert.equal(err.message, 'open /nonexistent/mm-url: no such file or directory')
      return true
    })
    await n.close()
  })

  it('fails for good with an empty URL file: webhook url missing', async () => {
    const file = join(dir, 'empty')
    writeFileSync(file, ' \n')
    const n = notifier(bare({ webhook_url_file: file }))
    await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.retryable, false)
      assert.equal(err.message, 'webhook url missing')
      return true
    })
    await n.close()
  })
})
