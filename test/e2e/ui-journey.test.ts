// An operator's whole round trip through the web UI of a 2-node cluster, page to page as a user
// clicks: the alert on node A's Alerts page → "Silence" → the prefilled form with its preview →
// save → the silence listed on node B → the alert gone from node A's default view → expire it
// on node B → the alert back on node A.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser } from 'playwright-core'

import { closeBrowser, closePage, launchBrowser, openPage, screenshot } from '../support/browser.js'
import { startTestCluster, stopMembers } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { Teardown } from '../support/teardown.js'

const CONFIG = `
route:
  receiver: web
  group_by: [alertname]
receivers:
  - name: web
`
const T = { timeout: 20_000 }

describe('web UI journey across two nodes', () => {
  let browser: Browser
  let members: ClusterMember[]
  const teardown = new Teardown()

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    members = teardown.add(await startTestCluster(2, { config: CONFIG }), stopMembers)
    const alerts = [
      { labels: { alertname: 'Journey', instance: 'a' } },
      { labels: { alertname: 'Bystander', instance: 'b' } },
    ]
    for (const member of members) {
      assert.equal((await member.node.postAlerts(alerts)).status, 200)
    }
  })
  after(() => teardown.run())

  it('silences an alert from node A and expires the silence from node B', async () => {
    const [a, b] = members.map((m) => m.node)
    assert.ok(a !== undefined && b !== undefined)
    const onA = teardown.add(
      await openPage(browser, `${a.url}/#/alerts`, { refreshMs: 500 }),
      closePage
    )
    const onB = teardown.add(
      await openPage(browser, `${b.url}/#/silences`, { refreshMs: 500 }),
      closePage
    )

    const silenceLink = onA.page.getByRole('link', { name: 'Silence Journey' })
    await silenceLink.waitFor(T)
    await onA.page.getByRole('link', { name: 'Silence Bystander' }).waitFor(T)
    await silenceLink.click()

    // The form is filled from the alert's labels and previews exactly that alert.
    const form = onA.page
    await form.getByRole('heading', { level: 1, name: 'New silence' }).waitFor(T)
    assert.equal(
      await form.getByLabel('Label name of matcher 1', { exact: true }).inputValue(),
      'alertname'
    )
    assert.equal(
      await form.getByLabel('Value of matcher 1', { exact: true }).inputValue(),
      'Journey'
    )
    assert.equal(await form.getByLabel('Value of matcher 2', { exact: true }).inputValue(), 'a')
    await form.getByText('1 alert will be muted').waitFor(T)
    const preview = await form
      .getByRole('list', { name: 'alerts the silence will mute' })
      .locator(':scope > li')
      .allTextContents()
    assert.equal(preview.length, 1)
    assert.match(preview[0] ?? '', /alertname="Journey"/)
    await form.getByLabel('Created by', { exact: true }).fill('operator')
    await form.getByLabel('Comment', { exact: true }).fill('journey test')
    await form.getByRole('button', { name: 'Save', exact: true }).click()
    await form.waitForURL(/#\/silences\/[0-9a-f-]{36}$/, T)
    const id = /#\/silences\/([0-9a-f-]{36})$/.exec(form.url())?.[1]
    assert.ok(id !== undefined)

    // Node B lists it (gossip) with the alert it mutes.
    const card = onB.page.getByRole('article', {
      name: 'Silence {alertname="Journey", instance="a"}',
      exact: true,
    })
    await card.waitFor(T)
    await card.getByText('operator').waitFor(T)
    await card.getByRole('link', { name: 'mutes 1 alert' }).waitFor(T)
    await screenshot(onB.page, 'journey-silence-on-peer')

    // Node A's default Alerts view no longer shows the silenced alert, but still the other one.
    await form.goto(`${a.url}/#/alerts`)
    await form.getByRole('link', { name: 'Silence Bystander' }).waitFor(T)
    await silenceLink.waitFor({ state: 'detached', ...T })

    // Expire on node B; the alert comes back on node A.
    await card.getByRole('button', { name: 'Expire' }).click()
    const dialog = onB.page.getByRole('dialog', { name: 'Expire silence' })
    await dialog.getByRole('button', { name: 'Expire', exact: true }).click()
    await dialog.waitFor({ state: 'hidden', ...T })
    await silenceLink.waitFor(T)
    await screenshot(form, 'journey-alert-back')

    assert.deepEqual(onA.errors, [])
    assert.deepEqual(onB.errors, [])
  })
})
