// What msteams and msteamsv2 share through TeamsNotifier (src/notify/integrations/
// teams-notifier.ts), run against both kinds: the POST of the card Go encodes with the default
// templates, the colour of a resolved and a firing group, webhook_url_file read at every
// notification (TestMSTeamsV2ReadingURLFromFile), its read error in Go's words, and a template
// error that fails the notification for good before anything is sent.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import { MSTEAMS_DEFAULTS } from '#src/notify/integrations/msteams/index.js'
import { MSTEAMSV2_DEFAULTS } from '#src/notify/integrations/msteamsv2/index.js'
import type { TeamsNotifier, TeamsWebhookConfig } from '#src/notify/integrations/teams-notifier.js'

import { encodeMessageCards } from '../../../support/msteams-oracle.js'
import { encodeAdaptiveCards } from '../../../support/msteamsv2-oracle.js'
import { listen } from '../http/servers.js'
import type { Running } from '../http/servers.js'

import {
  alert,
  assertFinalUnsent,
  assertPostJSON,
  context,
  lastRequest,
  renderFlush,
  twoFiring,
} from './fixtures.js'
import { msteams, msteamsv2 } from './teams-kinds.js'

/** Where to post and the templates: what the shared behaviour depends on. */
type Entry = Omit<TeamsWebhookConfig, 'http_config'> & {
  readonly title: string
  readonly text: string
}

/** Kind is one Teams integration and what its card looks like. */
interface Kind {
  readonly name: string
  /** build is the notifier for an entry (msteams' summary is `t`). */
  readonly build: (e: Entry) => TeamsNotifier<TeamsWebhookConfig>
  /** withDefaults is the notifier with the kind's default templates, posting to `url`. */
  readonly withDefaults: (url: string) => TeamsNotifier<TeamsWebhookConfig>
  /** webhookPath is a path of the shape the kind's real webhook URLs have. */
  readonly webhookPath: string
  /** card is the body Go encodes for a firing group, given how to render a template. */
  readonly card: (render: (t: string) => string) => string | undefined
  /** shows are what the body of the firing group of two alerts shows, beyond the card. */
  readonly shows: readonly RegExp[]
  /** resolved and firing are how the body colours a resolved and a firing group. */
  readonly resolved: RegExp
  readonly firing: RegExp
}

const KINDS: readonly Kind[] = [
  {
    name: 'msteams',
    build: (e) => msteams({ summary: 't', ...e }),
    withDefaults: (url) => msteams({ webhook_url: url }),
    webhookPath: '/webhookb2/abc',
    card: (render) =>
      encodeMessageCards([
        {
          title: render(MSTEAMS_DEFAULTS.title),
          summary: render(MSTEAMS_DEFAULTS.summary),
          text: render(MSTEAMS_DEFAULTS.text),
          status: 'firing',
        },
      ])[0],
    shows: [/"title":"\[FIRING:2\] A "/],
    resolved: /"themeColor":"2DC72D"/,
    firing: /"themeColor":"8C1A1A"/,
  },
  {
    name: 'msteamsv2',
    build: (e) => msteamsv2(e),
    withDefaults: (url) => msteamsv2({ webhook_url: url }),
    webhookPath: '/workflows/xxx/triggers/manual?sig=s',
    card: (render) =>
      encodeAdaptiveCards([
        {
          title: render(MSTEAMSV2_DEFAULTS.title),
          text: render(MSTEAMSV2_DEFAULTS.text),
          status: 'firing',
        },
      ])[0],
    shows: [/"text":"\[FIRING:2\] A "/, /"text":"\\n\\n# Alerts Firing:\\n/],
    resolved: /"style":"heading","color":"Good"\}/,
    firing: /"style":"heading","color":"Attention"\}/,
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

    it('POSTs the card Go encodes, with the default templates and PostJSON headers', async () => {
      const n = kind.withDefaults(`${server.origin}${kind.webhookPath}`)
      const firing = twoFiring()
      await n.notify(context(), firing)
      const request = lastRequest(server)
      assertPostJSON(request, kind.webhookPath)
      assert.equal(
        request.body.toString('utf8'),
        kind.card(renderFlush(AlertTemplate.fromGlobs([]), firing))
      )
      for (const shown of kind.shows) {
        assert.match(request.body.toString('utf8'), shown)
      }
      await n.close()
    })

    it('colours a group in which every alert is resolved apart from one in which any fires', async () => {
      const n = kind.build({ webhook_url: `${server.origin}/x`, title: 't', text: 't' })
      const resolved = alert({ alertname: 'A' }, Date.UTC(2024, 0, 1, 0, 1))
      await n.notify(context(), [resolved])
      assert.match(lastRequest(server).body.toString(), kind.resolved)
      await n.notify(context(), [resolved, alert({ alertname: 'B' })])
      assert.match(lastRequest(server).body.toString(), kind.firing)
      await n.close()
    })

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
