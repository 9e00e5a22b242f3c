// The Silences list and the Silence page in a real browser against a real 2-node cluster: the
// silences are created on node n0 and the UI is opened on n1, so everything it lists has come
// over gossip; expiring in the UI is checked against the API of both nodes.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser, Page } from 'playwright-core'

import { closeBrowser, closePage, launchBrowser, openPage, screenshot } from '../support/browser.js'
import type { PageOptions, UiPage } from '../support/browser.js'
import { startTestCluster, stopMembers, waitForFullMembership } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { iso } from '../support/fixtures.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const CONFIG = `
route:
  receiver: web
  group_wait: 1h
receivers:
  - name: web
`
const HOUR_MS = 3_600_000
// Auto-waiting locators get this long: the machine is small and runs other suites alongside.
const UI_TIMEOUT_MS = 15_000

interface Silence {
  id: string
  status: { state: 'active' | 'pending' | 'expired' }
}
interface Alert {
  labels: Record<string, string>
  status: { state: string; silencedBy: string[] }
}

/** alert is a firing alert with these labels, for POST /api/v2/alerts. */
function alert(labels: Record<string, string>): { labels: Record<string, string> } {
  return { labels }
}

/** createSilence posts a silence on alertname (and more labels) and returns its ID. */
async function createSilence(
  node: TestNode,
  options: {
    labels: Record<string, string>
    createdBy: string
    comment: string
    startsInMs?: number
  }
): Promise<string> {
  const start = Date.now() + (options.startsInMs ?? 0)
  const res = await node.postSilence({
    matchers: Object.entries(options.labels).map(([name, value]) => ({
      name,
      value,
      isRegex: false,
      isEqual: true,
    })),
    startsAt: iso(start),
    endsAt: iso(start + 2 * HOUR_MS),
    createdBy: options.createdBy,
    comment: options.comment,
  })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { silenceID: string }).silenceID
}

/** silenceState is the state of silence `id` on `node`, or undefined when it does not know it. */
async function silenceState(node: TestNode, id: string): Promise<string | undefined> {
  const res = await fetch(`${node.url}/api/v2/silence/${id}`)
  return res.ok ? ((await res.json()) as Silence).status.state : undefined
}

/** isFocused runs in the page: whether the element has the focus. */
function isFocused(element: { ownerDocument: { activeElement: unknown } }): boolean {
  return element.ownerDocument.activeElement === element
}

/** card is the list entry of the silence whose only matcher is alertname=<name>. */
function card(page: Page, alertname: string) {
  return page.getByRole('article', { name: `Silence {alertname="${alertname}"}`, exact: true })
}

describe('web UI: silences list and silence page', () => {
  let browser: Browser
  let members: ClusterMember[]
  let a: TestNode
  let b: TestNode
  const teardown = new Teardown()
  const ids: Record<string, string> = {}

  const open = async (hash: string, options: PageOptions = {}): Promise<UiPage> => {
    const ui = teardown.add(await openPage(browser, `${b.url}/${hash}`, options), closePage)
    ui.page.setDefaultTimeout(UI_TIMEOUT_MS)
    return ui
  }

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    members = teardown.add(await startTestCluster(2, { config: CONFIG }), stopMembers)
    a = (members[0] as ClusterMember).node
    b = (members[1] as ClusterMember).node
    await waitForFullMembership(members)
    // Alerts are not replicated: each node gets its own copy, as Prometheus sends to all.
    const alerts = [
      alert({ alertname: 'DiskFull', instance: 'a', team: 'db' }),
      alert({ alertname: 'DiskFull', instance: 'b', team: 'db' }),
      alert({ alertname: 'CpuHigh', team: 'web' }),
      alert({ alertname: 'ExpireMe', team: 'web' }),
      alert({ alertname: 'BulkA' }),
      alert({ alertname: 'BulkB' }),
    ]
    for (const node of [a, b]) {
      const res = await node.postAlerts(alerts)
      assert.equal(res.status, 200)
    }
    ids['DiskFull'] = await createSilence(a, {
      labels: { alertname: 'DiskFull' },
      createdBy: 'alice',
      comment: 'disk maintenance window',
    })
    ids['CpuHigh'] = await createSilence(a, {
      labels: { alertname: 'CpuHigh', team: 'web' },
      createdBy: 'bob',
      comment: 'known noisy',
    })
    ids['NoSuchAlert'] = await createSilence(a, {
      labels: { alertname: 'NoSuchAlert' },
      createdBy: 'carol',
      comment: 'typo in the alert name',
    })
    ids['LaterAlert'] = await createSilence(a, {
      labels: { alertname: 'LaterAlert' },
      createdBy: 'dave',
      comment: 'tomorrow',
      startsInMs: HOUR_MS,
    })
    ids['GoneAlert'] = await createSilence(a, {
      labels: { alertname: 'GoneAlert' },
      createdBy: 'erin',
      comment: 'done already',
    })
    const deleted = await fetch(`${a.url}/api/v2/silence/${ids['GoneAlert']}`, {
      method: 'DELETE',
    })
    assert.equal(deleted.status, 200)
    for (const name of ['ExpireMe', 'BulkA', 'BulkB']) {
      ids[name] = await createSilence(a, {
        labels: { alertname: name },
        createdBy: 'frank',
        comment: `silence of ${name}`,
      })
    }
    const expected: Record<string, string> = {
      LaterAlert: 'pending',
      GoneAlert: 'expired',
    }
    await waitFor(
      'every silence on n1 in its state',
      async () => {
        for (const [name, id] of Object.entries(ids)) {
          if ((await silenceState(b, id)) !== (expected[name] ?? 'active')) {
            return false
          }
        }
        return true
      },
      { timeoutMs: 20_000 }
    )
  })

  after(() => teardown.run())

  it('lists the replicated silences by state with creator, comment and muted alerts', async () => {
    const ui = await open('#/silences')
    const { page } = ui
    const disk = card(page, 'DiskFull')
    await disk.waitFor()
    await disk.getByText('alice').waitFor()
    await disk.getByText('disk maintenance window').waitFor()
    await disk.getByRole('list', { name: 'matchers' }).getByText('alertname="DiskFull"').waitFor()
    await disk.getByRole('link', { name: 'mutes 2 alerts' }).waitFor()
    await card(page, 'NoSuchAlert').getByText('matches no alert now').waitFor()
    const cpu = page.getByRole('article', { name: 'Silence {alertname="CpuHigh", team="web"}' })
    await cpu.getByRole('link', { name: 'mutes 1 alert' }).waitFor()
    await cpu.getByText(/ends in 1h|ends in 2h/).waitFor()
    assert.equal(await card(page, 'LaterAlert').count(), 0, 'pending is not on the active tab')
    assert.equal(
      await page.getByRole('tab', { name: 'Active' }).getAttribute('aria-selected'),
      'true'
    )
    await screenshot(page, 'silences-active')

    await page.getByRole('tab', { name: 'Pending (1)' }).click()
    await card(page, 'LaterAlert')
      .getByText(/starts in/)
      .waitFor()
    await disk.waitFor({ state: 'detached' })

    await page.getByRole('tab', { name: 'Expired (1)' }).click()
    const gone = card(page, 'GoneAlert')
    await gone.getByText(/ended .* ago/).waitFor()
    assert.equal(await gone.getByRole('button', { name: 'Expire' }).count(), 0)
    assert.equal(await gone.getByRole('link', { name: 'Edit' }).count(), 0)
    assert.equal(
      await gone.getByRole('link', { name: 'Duplicate as new' }).getAttribute('href'),
      `#/silences/new?from=${ids['GoneAlert']}`
    )
    assert.match(page.url(), /#\/silences\?tab=expired$/)
    await screenshot(page, 'silences-expired')

    await page.reload()
    await gone.waitFor()
    assert.equal(
      await page.getByRole('tab', { name: 'Expired' }).getAttribute('aria-selected'),
      'true'
    )
    assert.equal(await disk.count(), 0)

    // The tabs follow the ARIA pattern: arrow keys move between them.
    await page.getByRole('tab', { name: 'Expired' }).focus()
    await page.keyboard.press('ArrowLeft')
    await card(page, 'LaterAlert').waitFor()
    assert.equal(
      await page.getByRole('tab', { name: 'Pending' }).getAttribute('aria-selected'),
      'true'
    )
    assert.ok(await page.getByRole('tab', { name: 'Pending' }).evaluate(isFocused))
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('filters by matcher, word and creator, and keeps the filter over a reload', async () => {
    const ui = await open('#/silences')
    const { page } = ui
    const panel = page.getByRole('tabpanel')
    const filter = page.getByLabel('Filter by matchers')
    await card(page, 'DiskFull').waitFor()

    await filter.fill('alertname="DiskFull"')
    await card(page, 'CpuHigh').waitFor({ state: 'detached' })
    await card(page, 'NoSuchAlert').waitFor({ state: 'detached' })
    assert.equal(await panel.getByRole('article').count(), 1)
    await page.reload()
    await card(page, 'DiskFull').waitFor()
    assert.equal(await filter.inputValue(), 'alertname="DiskFull"')
    assert.equal(await panel.getByRole('article').count(), 1)

    // A plain word is looked for in the formatted matchers, ignoring case.
    await filter.fill('CPU')
    const cpu = page.getByRole('article', { name: 'Silence {alertname="CpuHigh", team="web"}' })
    await cpu.waitFor()
    await card(page, 'DiskFull').waitFor({ state: 'detached' })

    // A matcher with an operator must be one of the silence's own, not merely match its alerts.
    await filter.fill('{team="web"}')
    await cpu.waitFor()
    assert.equal(await panel.getByRole('article').count(), 1)

    await filter.fill('alertname="Disk')
    await page.getByText(/Not applied: matcher value contains unescaped double quote/).waitFor()
    assert.equal(await filter.getAttribute('aria-invalid'), 'true')

    await filter.fill('')
    await card(page, 'DiskFull').waitFor()
    await page.getByLabel('Filter by creator').fill('BOB')
    await card(page, 'DiskFull').waitFor({ state: 'detached' })
    await cpu.waitFor()
    assert.equal(await panel.getByRole('article').count(), 1)
    await page.reload()
    await cpu.waitFor()
    assert.equal(await page.getByLabel('Filter by creator').inputValue(), 'BOB')
    assert.equal(await panel.getByRole('article').count(), 1)

    // A silence that mutes nothing is one click away.
    await page.getByLabel('Filter by creator').fill('')
    await page.getByLabel('Only those muting no alert now').check()
    await card(page, 'NoSuchAlert').waitFor()
    await card(page, 'DiskFull').waitFor({ state: 'detached' })
    assert.equal(await panel.getByRole('article').count(), 1)
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('expires a silence after confirmation, so its alert is active again', async () => {
    const ui = await open('#/silences')
    const { page } = ui
    const id = ids['ExpireMe'] as string
    const target = card(page, 'ExpireMe')
    await target.getByRole('link', { name: 'mutes 1 alert' }).waitFor()
    const dialog = page.getByRole('dialog', { name: 'Expire silence' })

    await target.getByRole('button', { name: 'Expire' }).click()
    await dialog
      .getByText('Expire silence {alertname="ExpireMe"}? Alerts it mutes will notify again.')
      .waitFor()
    // Focus starts on Cancel, inside the dialog, so Enter does not expire anything.
    assert.ok(await dialog.getByRole('button', { name: 'Cancel' }).evaluate(isFocused))
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    await target.getByRole('button', { name: 'Expire' }).click()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await target.waitFor()
    assert.equal(await silenceState(b, id), 'active')

    await target.getByRole('button', { name: 'Expire' }).click()
    await dialog.getByRole('button', { name: 'Expire' }).click()
    await target.waitFor({ state: 'detached' })
    await page.getByRole('status').getByText('Expired 1 silence.').waitFor()
    await page.getByRole('tab', { name: 'Expired' }).click()
    await target.waitFor()

    for (const node of [b, a]) {
      await waitFor(`the silence expired on ${node.url}`, async () => {
        return (await silenceState(node, id)) === 'expired'
      })
      const muted = await waitFor(`ExpireMe active again on ${node.url}`, async () => {
        const alerts = await node.getJson<Alert[]>('/api/v2/alerts?filter=alertname%3DExpireMe')
        const only = alerts[0]
        return alerts.length === 1 && only?.status.state === 'active' ? only : undefined
      })
      assert.deepEqual(muted.status.silencedBy, [])
    }
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('expires the selected silences at once', async () => {
    const ui = await open('#/silences?filter=bulk')
    const { page } = ui
    await card(page, 'BulkA').waitFor()
    await card(page, 'BulkB').waitFor()
    assert.equal(await page.getByRole('tabpanel').getByRole('article').count(), 2)

    await page.getByRole('checkbox', { name: 'Select silence {alertname="BulkA"}' }).check()
    await page.getByRole('button', { name: 'Expire selected (1)' }).waitFor()
    await page.getByRole('checkbox', { name: 'Select all shown' }).check()
    await page.getByRole('button', { name: 'Expire selected (2)' }).click()
    const dialog = page.getByRole('dialog', { name: 'Expire 2 silences' })
    await dialog.getByText('Expire 2 silences? Alerts they mute will notify again.').waitFor()
    await dialog.getByText('{alertname="BulkB"}').waitFor()
    await dialog.getByRole('button', { name: 'Expire' }).click()
    await card(page, 'BulkA').waitFor({ state: 'detached' })
    await card(page, 'BulkB').waitFor({ state: 'detached' })
    await page.getByText('Expired 2 silences.').waitFor()
    for (const name of ['BulkA', 'BulkB']) {
      assert.equal(await silenceState(b, ids[name] as string), 'expired', name)
    }
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('shows one silence with the alerts it mutes, and says when there is none', async () => {
    const ui = await open(`#/silences/${ids['DiskFull']}`)
    const { page } = ui
    await page.getByRole('heading', { level: 1, name: 'Silence' }).waitFor()
    await page.getByRole('list', { name: 'matchers' }).getByText('alertname="DiskFull"').waitFor()
    await page.getByText('disk maintenance window').waitFor()
    await page.getByText(ids['DiskFull'] as string).waitFor()
    await page.getByRole('heading', { name: 'Alerts it mutes now (2)' }).waitFor()
    const muted = page.getByRole('list', { name: 'muted alerts' })
    await muted.getByText('instance="a"').waitFor()
    await muted.getByText('instance="b"').waitFor()
    await page.getByRole('link', { name: 'Edit' }).waitFor()
    assert.equal(
      await page.getByRole('link', { name: 'Duplicate as new' }).getAttribute('href'),
      `#/silences/new?from=${ids['DiskFull']}`
    )
    await screenshot(page, 'silence-detail')
    assert.deepEqual(ui.errors, [])
    await ui.context.close()

    const unknown = '0b8f3c1e-5d2a-4c3b-9a7e-1f2d3c4b5a69'
    const missing = await open(`#/silences/${unknown}`)
    await missing.page.getByText(`No silence with ID ${unknown} on this node.`).waitFor()
    // The browser logs the API's 404 itself; that one is the expected answer, not a fault.
    assert.deepEqual(
      missing.errors.filter((e) => !e.includes('status of 404')),
      []
    )
    await missing.context.close()
  })

  it('keeps the typed filter and the selection while the list refreshes', async () => {
    const ui = await open('#/silences', { refreshMs: 500 })
    const { page } = ui
    const filter = page.getByLabel('Filter by matchers')
    await card(page, 'DiskFull').waitFor()
    await filter.pressSequentially('alertname')
    const pick = page.getByRole('checkbox', { name: 'Select silence {alertname="DiskFull"}' })
    await pick.check()
    ids['FreshAlert'] = await createSilence(a, {
      labels: { alertname: 'FreshAlert' },
      createdBy: 'gina',
      comment: 'created while the page was open',
    })
    await card(page, 'FreshAlert').waitFor()
    assert.equal(await filter.inputValue(), 'alertname')
    assert.ok(await pick.isChecked(), 'the selection survives the refresh')
    await page.getByRole('button', { name: 'Expire selected (1)' }).waitFor()
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })

  it('reads well on a narrow screen', async () => {
    const ui = await open('#/silences', { viewport: { width: 390, height: 800 } })
    const { page } = ui
    await card(page, 'DiskFull').waitFor()
    // Evaluated in the page; a string because the tests are compiled without the DOM's types.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth')
    assert.ok(overflow <= 390, `the page is ${overflow} px wide`)
    await screenshot(page, 'silences-narrow')
    assert.deepEqual(ui.errors, [])
    await ui.context.close()
  })
})
