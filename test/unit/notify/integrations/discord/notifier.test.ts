// The Discord notifier's own cases: 0.25's request bodies are proven against the real binary
// by test/e2e/receivers/discord-diff.test.ts; here the error paths, the colours and the
// absence of truncation in 0.25.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import {
  DISCORD_COLORS,
  DISCORD_RETRY_CODES,
  DiscordNotifier,
} from '#src/notify/integrations/discord/index.js'
import type { DiscordConfig } from '#src/notify/integrations/discord/index.js'

import { httpConfig, listen } from '../../http/servers.js'
import type { Running } from '../../http/servers.js'
import { capture, context, FIRING, NOW, UA } from '../fixtures.js'
import { RETRIER_MESSAGES, runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])

/** discordConfig is DefaultDiscordConfig (config/notifiers.go) with the given overrides. */
function discordConfig(webhookURL: string, overrides: Partial<DiscordConfig> = {}): DiscordConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    webhook_url: webhookURL,
    title: '{{ template "discord.default.title" . }}',
    message: '{{ template "discord.default.message" . }}',
    ...overrides,
  }
}

function notifier(config: DiscordConfig, log = capture('debug').log): DiscordNotifier {
  return new DiscordNotifier({ config, template: () => TEMPLATE, log, userAgent: UA })
}

const firing: Alert = { ...FIRING, annotations: { summary: 'x' } }
const resolved: Alert = { ...firing, endsAt: NOW - 1000, fingerprint: 'fedcba9876543210' }

// Status mapping, redaction of the secret webhook URL, network errors, the flush deadline and
// close(), with 0.25's texts (the Retrier's message, unwrapped).
runNotifierConformance({
  name: 'discord',
  build: (url) => notifier(discordConfig(url)),
  retryCodes: DISCORD_RETRY_CODES,
  messages: RETRIER_MESSAGES,
})

describe('DiscordNotifier', () => {
  let server: Running
  const notifiers: DiscordNotifier[] = []
  const build = (overrides: Partial<DiscordConfig> = {}, log = capture('debug').log) => {
    const n = notifier(discordConfig(`${server.origin}/api/webhooks/1/s3cr3t`, overrides), log)
    notifiers.push(n)
    return n
  }
  const lastBody = (): string => server.requests.at(-1)?.body.toString() ?? ''

  before(async () => {
    server = await listen((_req, res) => {
      res.writeHead(204).end()
    })
  })
  after(async () => {
    await Promise.all(notifiers.map((n) => n.close()))
    await server.close()
  })

  it('POSTs JSON with the User-Agent and an empty content', async () => {
    await build({ title: 't', message: 'm' }).notify(context(), [firing])
    const seen = server.requests.at(-1)
    assert.equal(seen?.headers['content-type'], 'application/json')
    assert.equal(seen.headers['user-agent'], UA)
    assert.equal(
      lastBody(),
      `{"content":"","embeds":[{"title":"t","description":"m","color":${DISCORD_COLORS.firing}}]}\n`
    )
  })

  it('is red while any alert fires and green once all are resolved', async () => {
    const colour = async (alerts: Alert[]) => {
      await build().notify(context(), alerts)
      return (JSON.parse(lastBody()) as { embeds: { color: number }[] }).embeds[0]?.color
    }
    // One firing alert among resolved ones keeps the group firing.
    assert.equal(await colour([resolved, firing]), 0x992d22)
    assert.equal(await colour([resolved]), 0x2ecc71)
  })

  it('sends long titles and descriptions whole, as 0.25 does, logging no truncation', async () => {
    const { records, log } = capture('debug')
    const title = 'ü'.repeat(300)
    const message = '😀'.repeat(5000)
    await build({ title, message }, log).notify(context(), [firing])
    const embed = (JSON.parse(lastBody()) as { embeds: { title: string; description: string }[] })
      .embeds[0]
    assert.equal(embed?.title, title)
    assert.equal(embed.description, message)
    assert.deepEqual(
      records.map((r) => [r['level'], r['msg'], r['incident']]),
      [[20, '', '{}:{alertname="A"}']]
    )
  })

  it('escapes as Go does: <, > and & as \\u escapes', async () => {
    await build({ title: '<b>&</b>', message: '' }).notify(context(), [firing])
    assert.ok(lastBody().startsWith('{"content":"","embeds":[{"title":"\\u003cb\\u003e\\u0026'))
  })

  it('fails for good with a template error in the message, sending nothing', async () => {
    const before = server.requests.length
    await assert.rejects(
      build({ message: '{{ template "nope" . }}' }).notify(context(), [firing]),
      (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.retryable, false)
        assert.match(err.message, /template "nope"/)
        return true
      }
    )
    assert.equal(server.requests.length, before)
  })
})
