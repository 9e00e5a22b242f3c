// An alert's story in a real browser against a real 3-node cluster: opened on n2, it shows the
// one notification n0 sent and the "deduplicated" decisions of n1 and n2 naming n0; the alert
// list says who notified each group last; once n0 is killed, n1's notification appears.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser, Page } from 'playwright-core'

import {
  closeBrowser,
  closePage,
  horizontalOverflow,
  launchBrowser,
  openPage,
  releaseAndCheckPages,
  screenshot,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { waitForPeerCount } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { diskFull, startStoryCluster } from '../support/story-cluster.js'
import { Teardown } from '../support/teardown.js'
import type { WebhookReceiver } from '../support/webhook-receiver.js'

const T = { timeout: 90_000 }

/** decision finds a decision of one node and kind in the story's decision list. */
const decision = (page: Page, node: string, kind: string) =>
  page.locator(`.story-decisions li[data-node="${node}"][data-kind="${kind}"]`)

describe('web UI: an alert story on a 3-node cluster', () => {
  let browser: Browser
  let receiver: WebhookReceiver
  let members: ClusterMember[]
  let fingerprint: string
  let story: UiPage
  const pages: UiPage[] = []
  const teardown = new Teardown()

  before(async () => {
    browser = teardown.add(await launchBrowser(), closeBrowser)
    ;({ receiver, members, fingerprint } = await startStoryCluster(teardown))
  }, T)
  after(() => releaseAndCheckPages(teardown, pages))

  it(
    'the alert list on n2 says who notified the group last and links to the story',
    T,
    async () => {
      await receiver.next((d) => d.path === '/hook', { timeoutMs: 30_000 })
      const ui = teardown.add(
        await openPage(browser, `${members[2]!.node.url}/#/alerts`, { refreshMs: 500 }),
        closePage
      )
      pages.push(ui)
      const { page } = ui
      page.setDefaultTimeout(20_000)
      await page.getByText(/^last notified .* by n0 to team-pager \(webhook\[0\]\)$/).waitFor()
      await screenshot(page, 'alerts-last-notified')
      // Keyboard: the story link is reachable and opens the story.
      const link = page.getByRole('link', { name: /^Story of DiskFull/ })
      await link.focus()
      await page.keyboard.press('Enter')
      await page.waitForURL(`**/#/alerts/${fingerprint}`)
      await page.getByRole('heading', { level: 1, name: 'Alert story: DiskFull' }).waitFor()
    }
  )

  it('shows one notification by n0 and the deduplicated decisions of n1 and n2', T, async () => {
    story = teardown.add(
      await openPage(browser, `${members[2]!.node.url}/#/alerts/${fingerprint}`, {
        refreshMs: 500,
      }),
      closePage
    )
    pages.push(story)
    const { page } = story
    page.setDefaultTimeout(30_000)
    await page.getByRole('heading', { level: 1, name: 'Alert story: DiskFull' }).waitFor()
    // n1 waits one peer_timeout and n2 two before they find n0's entry.
    await decision(page, 'n1', 'deduplicated').first().waitFor()
    await decision(page, 'n2', 'deduplicated').first().waitFor()
    for (const node of ['n1', 'n2']) {
      const text = await decision(page, node, 'deduplicated').first().textContent()
      assert.match(text ?? '', /n0 sent at /, `${node} names n0`)
      assert.match(
        (await decision(page, node, 'waited').first().textContent()) ?? '',
        new RegExp(`as position ${node.slice(1)}`)
      )
    }
    assert.equal(await decision(page, 'n0', 'sent').count(), 1)
    assert.equal(await decision(page, 'n1', 'sent').count(), 0)
    assert.equal(await decision(page, 'n2', 'sent').count(), 0)

    const table = page.getByRole('table', { name: 'Notifications sent for this group' })
    const rows = table.locator('tbody tr')
    assert.equal(await rows.count(), 1)
    assert.deepEqual((await rows.first().locator('td').allTextContents()).slice(1), [
      'n0',
      'webhook[0]',
      '1',
      '0',
    ])
    const cluster = page.getByRole('region', { name: 'Cluster' })
    await cluster.getByText('n0 holds position 0 now', { exact: false }).waitFor()
    await cluster.getByText('(this node)').waitFor()
    const routing = page.getByRole('region', { name: 'Routes and receivers' })
    await routing.getByText('root route', { exact: false }).waitFor()
    await page.getByRole('region', { name: 'Alert' }).getByText('disk full on db1').waitFor()
    await page.getByText('Nothing mutes it now.').waitFor()
    await screenshot(page, 'alert-story')

    await page.setViewportSize({ width: 390, height: 800 })
    const overflow = await horizontalOverflow(page)
    assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow}px)`)
    await screenshot(page, 'alert-story-narrow')
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it("shows n1's notification after n0 is killed", T, async () => {
    const { page } = story
    await members[0]!.node.kill()
    await waitForPeerCount(members.slice(1), 2)
    // A new alert in the group needs a notification; n1 now holds position 0.
    for (const m of members.slice(1)) {
      assert.equal((await m.node.postAlerts([diskFull('db1'), diskFull('db2')])).status, 200)
    }
    await receiver.next((d) => d.path === '/hook' && d.payload.alerts.length === 2, {
      timeoutMs: 30_000,
    })
    const rows = page
      .getByRole('table', { name: 'Notifications sent for this group' })
      .locator('tbody tr')
    await rows.nth(1).waitFor()
    assert.deepEqual((await rows.nth(1).locator('td').allTextContents()).slice(1), [
      'n1',
      'webhook[0]',
      '2',
      '0',
    ])
    await decision(page, 'n1', 'sent').first().waitFor()
    await page
      .getByRole('region', { name: 'Cluster' })
      .getByText('n1 holds position 0 now', { exact: false })
      .waitFor()
    await screenshot(page, 'alert-story-failover')
  })
})
