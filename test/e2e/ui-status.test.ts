// The Status page in a real browser against a real 3-node cluster: this node's facts, every peer
// with its address and config hash (drift between replicas stands out), and the config text.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser } from 'playwright-core'

import {
  closeBrowser,
  closePage,
  launchBrowser,
  openPage,
  releaseAndCheckPages,
  screenshot,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { startTestCluster, stopMembers, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { Teardown } from '../support/teardown.js'

const CONFIG = `
route:
  receiver: web
receivers:
  - name: web
`

interface StatusBody {
  cluster: { name?: string; status: string; peers: { name: string; address: string }[] }
  config: { original: string }
  uptime: string
  versionInfo: { version: string; revision: string; branch: string }
  alertmesh?: {
    name: string
    config: { hash: string; mode: string; location: string }
    nodes?: { name: string; hash: string; appliedAt: string; error?: string }[]
  }
}

const T = { timeout: 90_000 }

describe('web UI: status page', () => {
  let browser: Browser
  let members: ClusterMember[]
  const pages: UiPage[] = []
  const teardown = new Teardown()

  const status = (index: number) =>
    (members[index] as ClusterMember).node.getJson<StatusBody>('/api/v2/status')

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    members = teardown.add(await startTestCluster(3, { config: CONFIG }), stopMembers)
    await waitForFullMembership(members)
  }, T)
  after(() => releaseAndCheckPages(teardown, pages))

  it(
    "lists this node's facts, every peer with its address, self marked, and the config",
    T,
    async () => {
      const n0 = (members[0] as ClusterMember).node
      const ui = await openPage(browser, `${n0.url}/#/status`, { refreshMs: 500 })
      pages.push(teardown.add(ui, closePage))
      const { page } = ui
      page.setDefaultTimeout(15_000)
      const api = await status(0)

      await page.getByRole('heading', { level: 1, name: 'Status' }).waitFor()
      const facts = page.getByRole('region', { name: 'This node' })
      await facts.getByText('ready', { exact: true }).waitFor()
      await facts.getByText('n0', { exact: true }).first().waitFor()
      await facts.getByText(api.versionInfo.version, { exact: false }).first().waitFor()
      await facts.getByText(`branch ${api.versionInfo.branch}`, { exact: false }).waitFor()
      await facts.getByText(/^up \d+(s|m)/).waitFor()

      const source = page.getByRole('region', { name: 'Config source' })
      await source.getByText(api.alertmesh?.config.location ?? '').waitFor()
      if (api.alertmesh !== undefined && api.alertmesh.config.hash !== '') {
        await source.getByText(api.alertmesh.config.hash).waitFor()
      }

      const peers = page.getByRole('region', { name: 'Cluster peers' })
      assert.deepEqual(
        api.cluster.peers.map((p) => p.name),
        ['n0', 'n1', 'n2']
      )
      for (const peer of api.cluster.peers) {
        const row = peers.locator(`tr[data-peer="${peer.name}"]`)
        await row.getByRole('cell', { name: peer.address, exact: true }).waitFor()
        assert.equal(
          await row.getByText('self', { exact: true }).count(),
          peer.name === 'n0' ? 1 : 0,
          `self marker on ${peer.name}`
        )
      }
      assert.equal(await peers.locator('tbody tr').count(), 3)

      const nodes = api.alertmesh?.nodes
      assert.ok(nodes !== undefined, 'alertmesh.nodes in /api/v2/status')
      assert.deepEqual(
        nodes.map((n) => n.name),
        ['n0', 'n1', 'n2']
      )
      for (const node of nodes) {
        await peers.locator(`tr[data-peer="${node.name}"]`).getByText(node.hash).waitFor()
      }
      assert.equal(await peers.locator('.drift').count(), 0, 'one config, no drift')

      const text = await page.locator('pre.config-text').textContent()
      assert.equal(text, api.config.original)
      await screenshot(page, 'status')

      await page.setViewportSize({ width: 390, height: 800 })
      // A string: the test's tsconfig has no DOM types. Wide parts (the table, the config) scroll
      // inside their own boxes; the page itself does not.
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth'
      )
      assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow}px)`)
      await screenshot(page, 'status-narrow')
    }
  )

  it(
    'renders reported config hashes: same, differs, unknown, and members that left',
    T,
    async () => {
      // The node's answer with alertmesh.nodes filled in by the test, so the page's drift view is
      // checked whether or not this server reports members' configs yet.
      const n0 = (members[0] as ClusterMember).node
      const api = await status(0)
      const selfHash = api.alertmesh?.config.hash ?? ''
      const now = new Date().toISOString()
      const body: StatusBody = {
        ...api,
        alertmesh: {
          ...(api.alertmesh as NonNullable<StatusBody['alertmesh']>),
          nodes: [
            { name: 'n0', hash: selfHash, appliedAt: now },
            { name: 'n2', hash: '0123456789ab', appliedAt: now, error: 'bad <b>route</b>' },
            { name: 'n9', hash: selfHash, appliedAt: now },
          ],
        },
      }
      // Opened on the node first (the refresh setting needs its origin), and the status answer
      // replaced before the Status page loads.
      const ui = await openPage(browser, `${n0.url}/#/alerts`)
      pages.push(teardown.add(ui, closePage))
      const { page } = ui
      page.setDefaultTimeout(15_000)
      await page.route('**/api/v2/status', (route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify(body) })
      )
      await page.goto(`${n0.url}/#/status`)
      const peers = page.getByRole('region', { name: 'Cluster peers' })
      const row = (name: string) => peers.locator(`tr[data-peer="${name}"]`)
      await row('n2').locator('.drift', { hasText: 'differs' }).waitFor()
      await row('n2').getByText('0123456789ab').waitFor()
      await row('n2').getByText('last config refused: bad <b>route</b>').waitFor()
      await row('n1').getByText('unknown (not reported)').waitFor()
      await row('n0').getByText(selfHash).waitFor()
      await row('n9').getByText('not a peer now').waitFor()
      assert.equal(await peers.locator('.drift').count(), 1, 'only n2 drifts')
      assert.equal(await row('n9').locator('.drift').count(), 0)
      await screenshot(page, 'status-drift-rendered')
    }
  )

  it("marks a peer whose config hash differs from this node's", T, async () => {
    const api = await status(0)
    assert.ok(api.alertmesh?.nodes !== undefined, 'alertmesh.nodes in /api/v2/status')
    const n2 = (members[2] as ClusterMember).node
    await n2.writeConfig(`${CONFIG}  - name: extra\n`)
    assert.equal((await n2.reload()).status, 200)
    const n2Hash = (await status(2)).alertmesh?.config.hash ?? ''
    assert.notEqual(n2Hash, api.alertmesh.config.hash)

    const n0 = (members[0] as ClusterMember).node
    const ui = await openPage(browser, `${n0.url}/#/status`, { refreshMs: 500 })
    pages.push(teardown.add(ui, closePage))
    const { page } = ui
    page.setDefaultTimeout(30_000)
    const row = page.locator('tr[data-peer="n2"]')
    await row.getByText(n2Hash).waitFor()
    await row.locator('.drift', { hasText: 'differs' }).waitFor()
    assert.equal(await page.locator('tr[data-peer="n1"] .drift').count(), 0)
    assert.equal(await page.locator('tr[data-peer="n0"] .drift').count(), 0)
    await screenshot(page, 'status-drift')
  })
})
