// The Alerts page in a real browser against a real node: Alertmanager's default view (groups
// under their receivers, silenced and inhibited alerts hidden), its controls kept in the hash
// query, label chips that narrow the filter, and the links to silence an alert or a group.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser, Page } from 'playwright-core'

import {
  closeBrowser,
  closePage,
  launchBrowser,
  openPage,
  releaseAndCheckPages,
  screenshot,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

// Two receivers (team="b" routes to team-b), one group per alertname, and an inhibit rule that
// lets a critical alert mute warnings of the same instance. No integrations: nothing is sent.
const CONFIG = `
route:
  receiver: team-a
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: [team="b"]
      receiver: team-b
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]
receivers:
  - name: team-a
  - name: team-b
`

const DISK_CRIT = { alertname: 'Disk', team: 'a', severity: 'critical', instance: 'h1' }
const DISK_WARN = { alertname: 'Disk', team: 'a', severity: 'warning', instance: 'h2' }
const MEM = { alertname: 'Mem', team: 'b', severity: 'critical', instance: 'h3' }
/** Inhibited by DISK_CRIT (same instance). */
const CPU = { alertname: 'Cpu', team: 'b', severity: 'warning', instance: 'h1' }
/** Silenced by a silence on alertname="Net". */
const NET = { alertname: 'Net', team: 'b', severity: 'warning', instance: 'h9' }

const T = { timeout: 60_000 }

/** hashQuery is the query inside the page's hash (`#/alerts?filter=…`). */
function hashQuery(page: Page): URLSearchParams {
  const hash = new URL(page.url()).hash
  const at = hash.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1))
}

function group(page: Page, alertname: string) {
  return page
    .locator('article.alert-group')
    .filter({ has: page.getByRole('button', { name: `alertname="${alertname}"`, exact: true }) })
}

async function postSilence(node: TestNode, alertname: string): Promise<string> {
  const res = await node.postSilence({
    matchers: [{ name: 'alertname', value: alertname, isRegex: false, isEqual: true }],
    startsAt: iso(Date.now() - 1000),
    endsAt: iso(Date.now() + 3_600_000),
    createdBy: 'ui-alerts test',
    comment: `silence ${alertname}`,
  })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { silenceID: string }).silenceID
}

describe('web UI: alerts page', () => {
  let browser: Browser
  let node: TestNode
  let netSilence: string
  const pages: UiPage[] = []
  const teardown = new Teardown()

  async function open(hash: string, viewport?: { width: number; height: number }) {
    const ui = await openPage(browser, `${node.url}/${hash}`, {
      refreshMs: 500,
      ...(viewport === undefined ? {} : { viewport }),
    })
    ui.page.setDefaultTimeout(15_000)
    pages.push(teardown.add(ui, closePage))
    return ui
  }

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    node = teardown.stop(await TestNode.start({ config: CONFIG, args: ['--node.name=ui-alerts'] }))
    const startsAt = iso(Date.now() - 5 * 60_000)
    const res = await node.postAlerts(
      [DISK_CRIT, DISK_WARN, MEM, CPU, NET].map((labels) => ({
        labels,
        startsAt,
        annotations: {
          summary: `${labels.alertname} on ${labels.instance}`,
          description: 'see the runbook',
          runbook: 'https://runbooks.example/x',
        },
        generatorURL: `http://prometheus.example/graph?g0.expr=${labels.alertname}`,
      }))
    )
    assert.equal(res.status, 200)
    netSilence = await postSilence(node, 'Net')
  }, T)
  after(() => releaseAndCheckPages(teardown, pages))

  it(
    'shows the active alerts grouped by receiver and group labels, silenced and inhibited hidden',
    T,
    async () => {
      const { page } = await open('#/alerts')
      await page.getByText('3 alerts in 2 groups').waitFor()
      const teamA = page.getByRole('region', { name: 'receiver team-a' })
      const teamB = page.getByRole('region', { name: 'receiver team-b' })
      assert.equal(await teamA.locator('article.alert-group').count(), 1)
      assert.equal(await teamB.locator('article.alert-group').count(), 1)
      assert.equal(await group(page, 'Disk').locator('li.alert-item').count(), 2)
      assert.equal(await teamA.getByRole('button', { name: 'alertname="Disk"' }).count(), 1)
      assert.equal(await teamB.getByRole('button', { name: 'alertname="Mem"' }).count(), 1)
      assert.equal(await group(page, 'Cpu').count(), 0, 'the inhibited alert is hidden')
      assert.equal(await group(page, 'Net').count(), 0, 'the silenced alert is hidden')
      // Summary first, annotations as text, and the generator link.
      const mem = group(page, 'Mem')
      await mem.getByText('Mem on h3').waitFor()
      await mem.getByText('see the runbook').waitFor()
      assert.equal(
        await mem.getByRole('link', { name: 'Source' }).getAttribute('href'),
        'http://prometheus.example/graph?g0.expr=Mem'
      )
      assert.equal(await page.getByLabel('Show silenced').isChecked(), false)
      assert.equal(await page.getByLabel('Show inhibited').isChecked(), false)
      await screenshot(page, 'alerts-default')
    }
  )

  it('"Show silenced" shows the silenced alert with a link to its silence', T, async () => {
    const { page } = await open('#/alerts')
    await page.getByText('3 alerts in 2 groups').waitFor()
    await page.getByLabel('Show silenced').check()
    const net = group(page, 'Net')
    await net.getByText('silenced by').waitFor()
    await net.locator(`a[href="#/silences/${netSilence}"]`).waitFor()
    assert.equal(hashQuery(page).get('silenced'), 'true')
    await page.getByText('4 alerts in 3 groups').waitFor()
    assert.equal(await group(page, 'Cpu').count(), 0)
    await net.locator(`a[href="#/silences/${netSilence}"]`).click()
    await page.waitForURL(`**/#/silences/${netSilence}`)
  })

  it('"Show inhibited" shows the inhibited alert, marked inhibited', T, async () => {
    const { page } = await open('#/alerts')
    await page.getByText('3 alerts in 2 groups').waitFor()
    await page.getByLabel('Show inhibited').check()
    await group(page, 'Cpu').getByText('inhibited', { exact: true }).waitFor()
    await page.getByText('4 alerts in 3 groups').waitFor()
    assert.equal(await group(page, 'Net').count(), 0)
    assert.equal(hashQuery(page).get('inhibited'), 'true')
  })

  it(
    'filters by matchers, refuses bad text with a field error, and keeps the filter over a reload',
    T,
    async () => {
      const { page } = await open('#/alerts')
      await page.getByText('3 alerts in 2 groups').waitFor()
      const filter = page.getByLabel('Filter by matchers')
      await filter.fill('{alertname="Mem", severity}')
      await filter.press('Enter')
      await page.locator('#alert-filter-error').waitFor()
      assert.equal(await filter.getAttribute('aria-invalid'), 'true')
      assert.equal(hashQuery(page).get('filter'), null, 'bad text is not applied')
      // A refresh of the data (every 500 ms here) keeps what is being typed.
      await page.waitForResponse((r) => r.url().includes('/api/v2/alerts/groups'))
      await page.waitForResponse((r) => r.url().includes('/api/v2/alerts/groups'))
      assert.equal(await filter.inputValue(), '{alertname="Mem", severity}')

      await filter.fill('{alertname="Mem"}')
      await filter.press('Enter')
      await page.getByText('1 alert in 1 group').waitFor()
      assert.equal(await page.locator('#alert-filter-error').count(), 0)
      assert.equal(hashQuery(page).get('filter'), '{alertname="Mem"}')
      assert.equal(await group(page, 'Disk').count(), 0)
      await screenshot(page, 'alerts-filtered')

      await page.reload()
      await page.getByText('1 alert in 1 group').waitFor()
      assert.equal(await page.getByLabel('Filter by matchers').inputValue(), '{alertname="Mem"}')
      await group(page, 'Mem').waitFor()
      assert.equal(await group(page, 'Disk').count(), 0)
    }
  )

  it('applies typed text after a pause, without Enter', T, async () => {
    const { page } = await open('#/alerts')
    await page.getByText('3 alerts in 2 groups').waitFor()
    await page.getByLabel('Filter by matchers').fill('{severity="warning"}')
    await page.getByText('1 alert in 1 group').waitFor()
    await group(page, 'Disk').getByRole('button', { name: 'instance="h2"' }).waitFor()
  })

  it('adds a clicked label chip to the filter', T, async () => {
    const { page } = await open('#/alerts?filter=%7Bteam%3D%22a%22%7D')
    await page.getByText('2 alerts in 1 group').waitFor()
    await group(page, 'Disk').getByRole('button', { name: 'severity="critical"' }).click()
    await page.getByText('1 alert in 1 group').waitFor()
    assert.equal(
      await page.getByLabel('Filter by matchers').inputValue(),
      '{team="a", severity="critical"}'
    )
    assert.equal(hashQuery(page).get('filter'), '{team="a", severity="critical"}')
    // Picking the same label again changes nothing.
    await group(page, 'Disk').getByRole('button', { name: 'severity="critical"' }).click()
    assert.equal(hashQuery(page).get('filter'), '{team="a", severity="critical"}')
  })

  it('narrows to one receiver with the receiver select', T, async () => {
    const { page } = await open('#/alerts')
    await page.getByText('3 alerts in 2 groups').waitFor()
    const select = page.getByLabel('Receiver', { exact: true })
    await select.locator('option', { hasText: 'team-b' }).waitFor({ state: 'attached' })
    assert.deepEqual(await select.locator('option').allTextContents(), [
      'All receivers',
      'team-a',
      'team-b',
    ])
    await select.selectOption('team-b')
    await page.getByText('1 alert in 1 group').waitFor()
    assert.equal(await page.getByRole('region', { name: 'receiver team-a' }).count(), 0)
    await group(page, 'Mem').waitFor()
    assert.equal(hashQuery(page).get('receiver'), 'team-b')
    await page.reload()
    await page.getByText('1 alert in 1 group').waitFor()
    assert.equal(await page.getByLabel('Receiver', { exact: true }).inputValue(), 'team-b')
  })

  it('links "Silence" to the new-silence form prefilled with the alert\'s labels', T, async () => {
    const { page } = await open('#/alerts')
    await page.getByText('3 alerts in 2 groups').waitFor()
    const groupLink = group(page, 'Mem').getByRole('link', { name: 'Silence group' })
    const groupHash = new URL((await groupLink.getAttribute('href')) ?? '', node.url).hash
    assert.ok(groupHash.startsWith('#/silences/new?filter='))
    assert.equal(
      decodeURIComponent(groupHash.slice('#/silences/new?filter='.length)),
      '{alertname="Mem"}'
    )

    await group(page, 'Mem').getByRole('link', { name: 'Silence Mem' }).click()
    await page.waitForURL('**/#/silences/new?filter=*')
    const hash = new URL(page.url()).hash
    const prefix = '#/silences/new?filter='
    assert.ok(hash.startsWith(prefix), hash)
    assert.equal(
      decodeURIComponent(hash.slice(prefix.length)),
      '{alertname="Mem", instance="h3", severity="critical", team="b"}'
    )
    await page.getByRole('heading', { level: 1, name: 'New silence' }).waitFor()
  })

  it(
    'drops an alert once a silence covers it, and brings it back when the silence expires',
    T,
    async () => {
      const { page } = await open('#/alerts')
      await group(page, 'Mem').waitFor()
      const id = await postSilence(node, 'Mem')
      await group(page, 'Mem').waitFor({ state: 'detached' })
      await page.getByText('2 alerts in 1 group').waitFor()
      const res = await fetch(`${node.url}/api/v2/silence/${id}`, { method: 'DELETE' })
      assert.equal(res.status, 200)
      await group(page, 'Mem').waitFor()
      await page.getByText('3 alerts in 2 groups').waitFor()
    }
  )

  it('is usable at 390 px wide', T, async () => {
    const { page } = await open('#/alerts', { width: 390, height: 800 })
    await page.getByText('3 alerts in 2 groups').waitFor()
    // A string: the test's tsconfig has no DOM types.
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth'
    )
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`)
    await screenshot(page, 'alerts-narrow')
  })
})
