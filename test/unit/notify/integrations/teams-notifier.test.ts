// What msteams and msteamsv2 share through TeamsNotifier (src/notify/integrations/
// teams-notifier.ts), run against both kinds: webhook_url_file read at every notification
// (TestMSTeamsV2ReadingURLFromFile), its read error in Go's words, and a template error that
// fails the notification for good before anything is sent.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { MSTeamsNotifier } from '#src/notify/integrations/msteams/index.js'
import { MSTeamsV2Notifier } from '#src/notify/integrations/msteamsv2/index.js'
import type { TeamsNotifier, TeamsWebhookConfig } from '#src/notify/integrations/teams-notifier.js'

import { httpConfig, listen } from '../http/servers.js'
import type { Running } from '../http/servers.js'

import { alert, assertFinalUnsent, capture, context, lastRequest, UA } from './fixtures.js'

/** Where to post and the templates: what the shared behaviour depends on. */
type Entry = Omit<TeamsWebhookConfig, 'http_config'> & {
  readonly title: string
  readonly text: string
}

const template = AlertTemplate.fromGlobs([])
const options = { template: () => template, log: capture('debug').log, userAgent: UA }

const KINDS: readonly { name: string; build: (e: Entry) => TeamsNotifier<TeamsWebhookConfig> }[] = [
  {
    name: 'msteams',
    build: (e) =>
      new MSTeamsNotifier({
        config: { send_resolved: true, http_config: httpConfig(), summary: 't', ...e },
        ...options,
      }),
  },
  {
    name: 'msteamsv2',
    build: (e) =>
      new MSTeamsV2Notifier({
        config: { send_resolved: true, http_config: httpConfig(), ...e },
        ...options,
      }),
  },
]

for (const kind of KINDS) {
  describe(`TeamsNotifier as ${kind.name}`, () => {
    let server: Running
    before(async () => {
      server = await listen((_req, res) => {
        res.writeHead(200).end('1')
      })
    })
    after(() => server.close())

    it('fails for good on a template error, naming the first failing field', async () => {
      const n = kind.build({
        webhook_url: `${server.origin}/x`,
        title: '{{ template "missing" . }}',
        text: '{{ .Nope.Deeper }}',
      })
      await assertFinalUnsent(
        server,
        () => n.notify(context(), [alert({ alertname: 'A' })]),
        /template "missing" not defined/
      )
      await n.close()
    })

    // The file ends with a newline, or starts with spaces: either is trimmed.
    it('reads webhook_url_file at each notification, trimmed', async () => {
      const file = join(mkdtempSync(join(tmpdir(), `${kind.name}-`)), 'url')
      writeFileSync(file, `${server.origin}/first\n`)
      const n = kind.build({ webhook_url_file: file, title: 't', text: 't' })
      await n.notify(context(), [alert({ alertname: 'A' })])
      assert.equal(lastRequest(server).url, '/first')
      writeFileSync(file, `  ${server.origin}/second`)
      await n.notify(context(), [alert({ alertname: 'A' })])
      assert.equal(lastRequest(server).url, '/second')
      await n.close()
    })

    it("fails for good when webhook_url_file cannot be read, in Go's words", async () => {
      const n = kind.build({ webhook_url_file: '/nonexistent/teams-url', title: 't', text: 't' })
      await assert.rejects(n.notify(context(), [alert({ alertname: 'A' })]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(
          err.message,
          'read webhook_url_file: open /nonexistent/teams-url: no such file or directory'
        )
        assert.equal(err.retryable, false)
        return true
      })
      await n.close()
    })
  })
}
