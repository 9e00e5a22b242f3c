// The New / Edit silence form in a real chromium against real nodes: creating a silence with a
// live preview of the alerts it mutes (replicated to the peer), validation as the user types and
// by the node (RE2), prefill from Alertmanager's links, Alertmanager 0.25's edit rule (in place
// vs replace), duplicating, a failed save that keeps the typed text, and the narrow layout.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser, Locator, Page } from 'playwright-core'

import {
  closeBrowser,
  closePage,
  launchBrowser,
  openPage,
  screenshot,
  withoutFailedLoads,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { startTestCluster, stopMembers } from '../support/cluster.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const CONFIG = `
route:
  receiver: web
receivers:
  - name: web
`

// The 2-core CI machine runs other suites alongside: waits are generous, never fixed sleeps.
const T = { timeout: 15_000 }

interface ApiMatcher {
  name: string
  value: string
  isRegex: boolean
  isEqual?: boolean
}

interface ApiSilence {
  id: string
  matchers: ApiMatcher[]
  startsAt: string
  endsAt: string
  createdBy: string
  comment: string
  status: { state: string }
}

interface ApiAlert {
  labels: Record<string, string>
}

const SILENCE_URL = /#\/silences\/([0-9a-f-]{36})$/

function alertsOf(labelSets: readonly Record<string, string>[]): unknown[] {
  const now = Date.now()
  return labelSets.map((labels) => ({ labels, startsAt: iso(now), endsAt: iso(now + 3600_000) }))
}

async function postSilence(node: TestNode, body: Record<string, unknown>): Promise<string> {
  const res = await node.postSilence(body)
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { silenceID: string }).silenceID
}

function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true })
}

function saveButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Save', exact: true })
}

/** fillMatcher types into row n (1-based), adding the row first when it is not there. */
async function fillMatcher(page: Page, n: number, name: string, op: string, value: string) {
  const nameInput = field(page, `Label name of matcher ${n}`)
  if ((await nameInput.count()) === 0) {
    await page.getByRole('button', { name: 'Add matcher' }).click()
  }
  await nameInput.fill(name)
  await field(page, `Operator of matcher ${n}`).selectOption(op)
  await field(page, `Value of matcher ${n}`).fill(value)
}

/**
 * paste fires the browser's paste event at the input labelled `label`, as Ctrl+V would with
 * `text` on the clipboard (a page expression string: the tests compile without the DOM types).
 */
async function paste(page: Page, label: string, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const input = document.querySelector(${JSON.stringify(`[aria-label="${label}"]`)})
    const data = new DataTransfer()
    data.setData('text/plain', ${JSON.stringify(text)})
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })()`)
}

/** previewItems are the label texts of each alert the preview lists. */
async function previewItems(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'alerts the silence will mute' })
  return list.locator(':scope > li').allTextContents()
}

/** waitForSavedId waits for the detail page's URL and returns its silence ID. */
async function waitForSavedId(page: Page): Promise<string> {
  await page.waitForURL(SILENCE_URL, T)
  const id = SILENCE_URL.exec(page.url())?.[1]
  assert.ok(id !== undefined)
  return id
}

describe('web UI: the silence form', () => {
  let browser: Browser
  let nodeA: TestNode
  let nodeB: TestNode
  const teardown = new Teardown()

  async function open(hash: string, options = {}): Promise<UiPage> {
    return teardown.add(await openPage(browser, `${nodeA.url}/${hash}`, options), closePage)
  }

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    const members = teardown.add(await startTestCluster(2, { config: CONFIG }), stopMembers)
    nodeA = (members[0] as { node: TestNode }).node
    nodeB = (members[1] as { node: TestNode }).node
    // Prometheus sends every alert to every node of an HA pair: so do we.
    const alerts = alertsOf([
      { alertname: 'DiskFull', instance: 'db-1', team: 'storage' },
      { alertname: 'DiskFull', instance: 'db-2', team: 'storage' },
      { alertname: 'DiskFull', instance: 'web-1', team: 'storage' },
      { alertname: 'CpuHigh', instance: 'db-1', team: 'compute' },
      { alertname: 'Prefill', instance: 'a' },
    ])
    for (const node of [nodeA, nodeB]) {
      const res = await node.postAlerts(alerts)
      assert.equal(res.status, 200)
    }
  })

  after(() => teardown.run())

  it('creates a silence after previewing exactly the alerts it mutes; the peer has it', async () => {
    const ui = await open('#/silences/new')
    const { page } = ui
    await page.getByRole('heading', { level: 1, name: 'New silence' }).waitFor(T)
    await fillMatcher(page, 1, 'alertname', '=', 'DiskFull')
    await fillMatcher(page, 2, 'instance', '=~', 'db-.*')
    await field(page, 'Created by').fill('alice')
    await field(page, 'Comment').fill('disk maintenance on the db hosts')
    await field(page, 'Duration').fill('3h')

    await page.getByText('2 alerts will be muted').waitFor(T)
    const items = await previewItems(page)
    assert.equal(items.length, 2, items.join(' | '))
    assert.ok(items.some((t) => t.includes('instance="db-1"')))
    assert.ok(items.some((t) => t.includes('instance="db-2"')))
    assert.ok(items.every((t) => t.includes('alertname="DiskFull"') && !t.includes('web-1')))

    // Two preview refreshes (every second here) leave everything typed in place.
    for (let i = 0; i < 2; i++) {
      await page.waitForResponse((r) => r.url().includes('/api/v2/alerts?'), T)
    }
    assert.equal(await field(page, 'Comment').inputValue(), 'disk maintenance on the db hosts')
    assert.equal(await field(page, 'Value of matcher 2').inputValue(), 'db-.*')
    assert.equal(await field(page, 'Duration').inputValue(), '3h')
    await screenshot(page, 'silence-new-preview')

    await saveButton(page).click()
    const id = await waitForSavedId(page)

    const replicated = await waitFor(
      'the silence on node B',
      () => nodeB.getJson<ApiSilence>(`/api/v2/silence/${id}`),
      { timeoutMs: 15_000 }
    )
    assert.deepEqual(replicated.matchers, [
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'db-.*', isRegex: true, isEqual: true },
    ])
    assert.equal(replicated.createdBy, 'alice')
    assert.equal(replicated.comment, 'disk maintenance on the db hosts')
    assert.equal(replicated.status.state, 'active')
    const lengthMs = Date.parse(replicated.endsAt) - Date.parse(replicated.startsAt)
    assert.ok(Math.abs(lengthMs - 3 * 3600_000) < 60_000, `length ${lengthMs}`)

    const unsilenced = await waitFor('db alerts muted on node A', async () => {
      const alerts = await nodeA.getJson<ApiAlert[]>(
        `/api/v2/alerts?silenced=false&filter=${encodeURIComponent('alertname="DiskFull"')}`
      )
      return alerts.length === 1 ? alerts : undefined
    })
    assert.equal(unsilenced[0]?.labels['instance'], 'web-1')

    // The creator is remembered for the next silence in this browser.
    const next = await ui.context.newPage()
    await next.goto(`${nodeA.url}/#/silences/new`)
    await field(next, 'Label name of matcher 1').waitFor(T)
    assert.equal(await field(next, 'Created by').inputValue(), 'alice')
    await next.close()
    assert.deepEqual(ui.errors, [])
  })

  it('refuses invalid names and regexes as typed, RE2-only errors from the node, and empty-matching silences', async () => {
    const ui = await open('#/silences/new')
    const { page } = ui
    await field(page, 'Created by').fill('bob')
    await field(page, 'Comment').fill('validation')

    await fillMatcher(page, 1, '1bad', '=', 'x')
    const name = field(page, 'Label name of matcher 1')
    await page.locator('.field-error', { hasText: '"1bad" is not a valid label name' }).waitFor(T)
    assert.equal(await name.getAttribute('aria-invalid'), 'true')
    const describedBy = await name.getAttribute('aria-describedby')
    assert.ok(describedBy !== null)
    assert.match(await page.locator(`#${describedBy}`).innerText(), /not a valid label name/)
    assert.equal(await saveButton(page).isDisabled(), true)

    await fillMatcher(page, 1, 'alertname', '=~', '(')
    const value = field(page, 'Value of matcher 1')
    await page.getByText('invalid regular expression').first().waitFor(T)
    assert.equal(await value.getAttribute('aria-invalid'), 'true')
    assert.equal(await name.getAttribute('aria-invalid'), null)
    assert.equal(await saveButton(page).isDisabled(), true)

    // The browser accepts lookahead; RE2 does not, and the node's preview answer says so.
    await value.fill('a(?=b)')
    const refusal = page.locator('#matchers-refusal')
    await refusal.waitFor(T)
    assert.match(
      await refusal.innerText(),
      /The node refuses these matchers: .*invalid or unsupported Perl syntax/s
    )
    assert.equal(await value.getAttribute('aria-invalid'), null)
    assert.equal(await saveButton(page).isDisabled(), true)

    // job=~".*" alone would mute every alert: Alertmanager's rule refuses it, in words.
    await fillMatcher(page, 1, 'job', '=~', '.*')
    await page.getByText('At least one matcher must not match the empty string').first().waitFor(T)
    await refusal.waitFor({ state: 'detached', ...T })
    assert.equal(await saveButton(page).isDisabled(), true)

    // Add matcher moves the focus to the new row, for keyboard users.
    await page.getByRole('button', { name: 'Add matcher' }).click()
    await field(page, 'Label name of matcher 2').waitFor(T)
    assert.equal(await page.locator(':focus').getAttribute('aria-label'), 'Label name of matcher 2')
    await page.keyboard.type('alertname')
    await field(page, 'Value of matcher 2').fill('CpuHigh')
    await page.getByText('1 alert will be muted').waitFor(T)
    assert.equal(await saveButton(page).isEnabled(), true)

    // An end before the start is refused at the end field.
    await field(page, 'End').fill('2001-01-01T00:00')
    await page
      .locator('#silence-end-error', { hasText: 'The end must be after the start.' })
      .waitFor(T)
    assert.equal(await field(page, 'End').getAttribute('aria-invalid'), 'true')
    assert.equal(await field(page, 'End').getAttribute('aria-describedby'), 'silence-end-error')
    assert.equal(await saveButton(page).isDisabled(), true)
    await field(page, 'Duration').fill('1h')
    assert.equal(await saveButton(page).isEnabled(), true)

    assert.deepEqual(withoutFailedLoads(ui.errors, /status of 400/), [])
  })

  it("prefills the rows from Alertmanager's ?filter= link, and takes pasted matcher lists", async () => {
    const ui = await open(
      '#/silences/new?filter=%7Balertname%3D%22Prefill%22%2C%20instance%3D%22a%22%7D'
    )
    const { page } = ui
    await field(page, 'Label name of matcher 2').waitFor(T)
    assert.equal(await field(page, 'Label name of matcher 1').inputValue(), 'alertname')
    assert.equal(await field(page, 'Operator of matcher 1').inputValue(), '=')
    assert.equal(await field(page, 'Value of matcher 1').inputValue(), 'Prefill')
    assert.equal(await field(page, 'Label name of matcher 2').inputValue(), 'instance')
    assert.equal(await field(page, 'Value of matcher 2').inputValue(), 'a')
    await page.getByText('1 alert will be muted').waitFor(T)

    // "Matchers as text" replaces the rows; a malformed list is explained and changes nothing.
    const text = field(page, 'Matchers as text')
    await text.fill('alertname="DiskFull", instance=~"db-.*')
    await page.getByRole('button', { name: 'Replace matchers' }).click()
    await page.getByText('unescaped double quote').waitFor(T)
    assert.equal(await field(page, 'Value of matcher 1').inputValue(), 'Prefill')
    await text.fill('{alertname="DiskFull", instance!~"db-.*"}')
    await text.press('Enter')
    await page.getByText('1 alert will be muted').waitFor(T)
    assert.equal(await field(page, 'Operator of matcher 2').inputValue(), '!~')
    assert.equal(await field(page, 'Value of matcher 2').inputValue(), 'db-.*')
    assert.equal(await text.inputValue(), '')

    // Pasting a list into a name input splits it into rows there.
    await paste(page, 'Label name of matcher 2', 'team="storage", instance=~"db-1|web-1"')
    await field(page, 'Label name of matcher 3').waitFor(T)
    assert.equal(await field(page, 'Label name of matcher 2').inputValue(), 'team')
    assert.equal(await field(page, 'Value of matcher 3').inputValue(), 'db-1|web-1')
    await page.getByText('2 alerts will be muted').waitFor(T)
    await page.getByRole('button', { name: 'Remove matcher 3' }).click()
    await page.getByText('3 alerts will be muted').waitFor(T)
    assert.deepEqual(ui.errors, [])
  })

  it('edits an active silence in place when only the comment and end change', async () => {
    const now = Date.now()
    const id = await postSilence(nodeA, {
      matchers: [{ name: 'alertname', value: 'CpuHigh', isRegex: false, isEqual: true }],
      startsAt: iso(now),
      endsAt: iso(now + 3600_000),
      createdBy: 'carol',
      comment: 'first words',
    })
    // The node clamps a new silence's start to its own now: read back what it stored.
    const stored = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${id}`)
    const startMs = Date.parse(stored.startsAt)
    const ui = await open(`#/silences/${id}/edit`)
    const { page } = ui
    await page.getByRole('heading', { level: 1, name: 'Edit silence' }).waitFor(T)
    const comment = field(page, 'Comment')
    await comment.waitFor(T)
    assert.equal(await comment.inputValue(), 'first words')
    assert.equal(await field(page, 'Created by').inputValue(), 'carol')
    await comment.fill('second words')
    await field(page, 'Duration').fill('3h')
    await page.getByText('Saving updates this silence in place.').waitFor(T)
    // The silence itself mutes the alert: the preview does not call it "another" silence.
    await page.getByText('1 alert will be muted').waitFor(T)
    assert.equal(await page.getByText('Already silenced by').count(), 0)

    await saveButton(page).click()
    assert.equal(await waitForSavedId(page), id)
    const saved = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${id}`)
    assert.equal(saved.comment, 'second words')
    assert.equal(saved.status.state, 'active')
    assert.equal(Date.parse(saved.startsAt), startMs)
    assert.equal(Date.parse(saved.endsAt), startMs + 3 * 3600_000)
    assert.deepEqual(ui.errors, [])
  })

  it('says a pending silence moved to a start in the past is replaced, and saves it so', async () => {
    const now = Date.now()
    const id = await postSilence(nodeA, {
      matchers: [{ name: 'alertname', value: 'Later', isRegex: false, isEqual: true }],
      startsAt: iso(now + 3600_000),
      endsAt: iso(now + 2 * 3600_000),
      createdBy: 'heidi',
      comment: 'pending',
    })
    const ui = await open(`#/silences/${id}/edit`)
    const { page } = ui
    await page.getByText('Saving updates this silence in place.').waitFor(T)
    // Ten minutes ago, as the browser's datetime-local input writes it (same machine, same zone).
    const past = new Date(now - 600_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    await field(page, 'Start').fill(
      `${past.getFullYear()}-${pad(past.getMonth() + 1)}-${pad(past.getDate())}T${pad(past.getHours())}:${pad(past.getMinutes())}`
    )
    await page
      .getByText(
        `Saving will create a new silence and expire the current one (${id}), because the new start of this pending silence is in the past.`
      )
      .waitFor(T)
    // Moving the start keeps the duration: the end moved with it.
    assert.equal(await field(page, 'Duration').inputValue(), '1h')

    await saveButton(page).click()
    const newId = await waitForSavedId(page)
    assert.notEqual(newId, id)
    const old = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${id}`)
    assert.equal(old.status.state, 'expired')
    const created = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${newId}`)
    assert.equal(created.status.state, 'active')
    assert.deepEqual(ui.errors, [])
  })

  it('says a matcher change replaces the silence, and saving expires the old one', async () => {
    const now = Date.now()
    const id = await postSilence(nodeA, {
      matchers: [
        { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
        { name: 'instance', value: 'web-1', isRegex: false, isEqual: true },
      ],
      startsAt: iso(now),
      endsAt: iso(now + 3600_000),
      createdBy: 'dave',
      comment: 'web disk',
    })
    // Another silence already mutes db-2: the preview names it.
    const other = await postSilence(nodeA, {
      matchers: [
        { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
        { name: 'instance', value: 'db-2', isRegex: false, isEqual: true },
      ],
      startsAt: iso(now),
      endsAt: iso(now + 3600_000),
      createdBy: 'dave',
      comment: 'db-2 disk',
    })
    const ui = await open(`#/silences/${id}/edit`)
    const { page } = ui
    await field(page, 'Value of matcher 2').waitFor(T)
    await page.getByText('Saving updates this silence in place.').waitFor(T)
    await field(page, 'Value of matcher 2').fill('db-2')
    const notice = page.getByText(
      `Saving will create a new silence and expire the current one (${id}), because the matchers changed.`
    )
    await notice.waitFor(T)
    await page.getByText('Already silenced by').waitFor(T)
    await page.getByRole('link', { name: other }).waitFor(T)
    await screenshot(page, 'silence-edit-replace-notice')

    await saveButton(page).click()
    const newId = await waitForSavedId(page)
    assert.notEqual(newId, id)
    const old = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${id}`)
    assert.equal(old.status.state, 'expired')
    const created = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${newId}`)
    assert.equal(created.status.state, 'active')
    assert.equal(created.matchers[1]?.value, 'db-2')
    assert.equal(created.comment, 'web disk')
    assert.deepEqual(ui.errors, [])
  })

  it('duplicates an expired silence as a new one, and says editing it creates a new one', async () => {
    const now = Date.now()
    const id = await postSilence(nodeA, {
      matchers: [{ name: 'team', value: 'comp.*', isRegex: true, isEqual: true }],
      startsAt: iso(now),
      endsAt: iso(now + 90 * 60_000),
      createdBy: 'erin',
      comment: 'compute window',
    })
    const expire = await fetch(`${nodeA.url}/api/v2/silence/${id}`, { method: 'DELETE' })
    assert.equal(expire.status, 200)

    const ui = await open(`#/silences/${id}/edit`)
    const { page } = ui
    await page.getByText('This silence has expired, so saving will create a new silence').waitFor(T)

    await page.goto(`${nodeA.url}/#/silences/new?from=${id}`)
    await page.getByText(`A copy of silence ${id}`).waitFor(T)
    assert.equal(await field(page, 'Label name of matcher 1').inputValue(), 'team')
    assert.equal(await field(page, 'Operator of matcher 1').inputValue(), '=~')
    assert.equal(await field(page, 'Value of matcher 1').inputValue(), 'comp.*')
    assert.equal(await field(page, 'Comment').inputValue(), 'compute window')
    assert.equal(await field(page, 'Created by').inputValue(), 'erin')
    // Expired at once, it has no length of its own worth copying: the default applies.
    assert.equal(await field(page, 'Duration').inputValue(), '2h')
    await page.getByText('1 alert will be muted').waitFor(T)

    await saveButton(page).click()
    const newId = await waitForSavedId(page)
    assert.notEqual(newId, id)
    const created = await nodeA.getJson<ApiSilence>(`/api/v2/silence/${newId}`)
    assert.equal(created.status.state, 'active')
    assert.deepEqual(created.matchers, [
      { name: 'team', value: 'comp.*', isRegex: true, isEqual: true },
    ])
    assert.equal(created.comment, 'compute window')

    // A copy of an active silence keeps its length, starting now.
    const active = await postSilence(nodeA, {
      matchers: [{ name: 'team', value: 'compute', isRegex: false, isEqual: true }],
      startsAt: iso(now),
      endsAt: iso(now + 90 * 60_000),
      createdBy: 'erin',
      comment: 'compute window 2',
    })
    await page.goto(`${nodeA.url}/#/silences/new?from=${active}`)
    await page.getByText(`A copy of silence ${active}`).waitFor(T)
    assert.equal(await field(page, 'Duration').inputValue(), '1h30m')
    assert.equal(await field(page, 'Value of matcher 1').inputValue(), 'compute')

    // An unknown silence says so instead of showing an empty form.
    await page.goto(`${nodeA.url}/#/silences/00000000-0000-4000-8000-000000000000/edit`)
    await page.getByText('There is no silence 00000000-0000-4000-8000-000000000000').waitFor(T)
    assert.deepEqual(withoutFailedLoads(ui.errors, /status of 404/), [])
  })

  it('keeps everything typed when the save fails, and shows why', async () => {
    const lone = await TestNode.start({ config: CONFIG, args: ['--node.name=ui-form-lone'] })
    try {
      const ui = teardown.add(await openPage(browser, `${lone.url}/#/silences/new`), closePage)
      const { page } = ui
      await fillMatcher(page, 1, 'alertname', '=', 'Gone')
      await field(page, 'Created by').fill('frank')
      await field(page, 'Comment').fill('typed before the node went away')
      await page.getByText('0 alerts will be muted').waitFor(T)
      await lone.stop()

      await saveButton(page).click()
      const failure = page.getByRole('alert').filter({ hasText: 'Not saved' })
      await failure.waitFor(T)
      assert.match(await failure.innerText(), /cannot reach the node/)
      assert.equal(await field(page, 'Label name of matcher 1').inputValue(), 'alertname')
      assert.equal(await field(page, 'Value of matcher 1').inputValue(), 'Gone')
      assert.equal(await field(page, 'Created by').inputValue(), 'frank')
      assert.equal(await field(page, 'Comment').inputValue(), 'typed before the node went away')
      assert.equal(await saveButton(page).isEnabled(), true)
      assert.match(page.url(), /#\/silences\/new$/)
      assert.deepEqual(withoutFailedLoads(ui.errors, /ERR_CONNECTION_REFUSED/), [])
    } finally {
      await lone.stop()
    }
  })

  it('fits a 390 px wide screen', async () => {
    const ui = await open(
      '#/silences/new?filter=%7Balertname%3D%22DiskFull%22%2C%20instance%3D~%22db-.*%22%7D',
      { viewport: { width: 390, height: 800 } }
    )
    const { page } = ui
    await page.getByText('2 alerts will be muted').waitFor(T)
    await field(page, 'Created by').fill('grace')
    await field(page, 'Comment').fill('narrow screen')
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth'
    )
    assert.equal(overflow, 0, 'no horizontal scrolling')
    await screenshot(page, 'silence-form-narrow')
    assert.deepEqual(ui.errors, [])
  })
})
