// The web UI's frame in a real browser against a real node: it loads offline from the node,
// within its size budget, under a route prefix, with a strict content security policy, and the
// Alertmanager UI paths still open the right pages.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser } from 'playwright-core'

import { closeBrowser, launchBrowser, openPage, screenshot } from '../support/browser.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const CONFIG = `
route:
  receiver: web
receivers:
  - name: web
`

describe('web UI frame', () => {
  let browser: Browser
  let node: TestNode
  let prefixed: TestNode
  const teardown = new Teardown()

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    ;[node, prefixed] = await teardown.stopAll([
      TestNode.start({ config: CONFIG, args: ['--node.name=ui-frame'] }),
      TestNode.start({
        config: CONFIG,
        args: ['--web.route-prefix=/am', '--node.name=ui-prefixed'],
        routePrefix: '/am',
      }),
    ])
  })
  after(() => teardown.run())

  it('serves the page, script and stylesheet with no-cache and a strict CSP', async () => {
    const page = await fetch(`${node.url}/`)
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /<base href="\/" \/>/)
    assert.match(html, /<script src="script.js"><\/script>/)
    const csp = page.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'/)
    assert.doesNotMatch(csp, /unsafe-inline/)
    for (const [path, type] of [
      ['/script.js', 'application/javascript'],
      ['/style.css', 'text/css'],
    ] as const) {
      const res = await fetch(`${node.url}${path}`)
      assert.equal(res.status, 200, path)
      assert.match(res.headers.get('content-type') ?? '', new RegExp(type))
      assert.match(res.headers.get('cache-control') ?? '', /no-cache/)
    }
  })

  it('opens each Alertmanager UI path on its page, names the node, and has no errors', async () => {
    const ui = await openPage(browser, `${node.url}/`)
    const titles: [string, string][] = [
      ['#/alerts', 'Alerts'],
      ['#/silences', 'Silences'],
      ['#/silences/new', 'New silence'],
      ['#/status', 'Status'],
    ]
    for (const [hash, title] of titles) {
      await ui.page.goto(`${node.url}/${hash}`)
      await ui.page.getByRole('heading', { level: 1, name: title }).waitFor()
      const current = ui.page
        .getByRole('navigation', { name: 'main' })
        .locator('[aria-current="page"]')
      assert.equal(await current.count(), 1, `${hash} marks its nav entry`)
    }
    await ui.page.getByText('node ui-frame').waitFor()
    await ui.page.goto(`${node.url}/#/nowhere`)
    await ui.page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor()
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('works under --web.route-prefix: the page, its assets and its API calls', async () => {
    const ui = await openPage(browser, `${prefixed.url}/#/status`)
    await ui.page.getByText('node ui-prefixed').waitFor()
    await screenshot(ui.page, 'frame-route-prefix')
    // The Routing page reads alertmesh's own API, which sits under the prefix as /api/v2 does.
    await ui.page.goto(`${prefixed.url}/#/routes`)
    await ui.page.getByRole('heading', { level: 3, name: 'Root route' }).waitFor()
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })
})
