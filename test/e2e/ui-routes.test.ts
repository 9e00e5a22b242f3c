// The Routing page in a real browser against a real node on the bundled example config: the
// routing tree as nested lists with headings and inherited values marked, and the "test labels"
// box, whose receivers must be amtool's (`amtool config routes test` on the node's own config
// file, run here) and whose matched routes are highlighted. The tested labels live in the hash.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import type { Browser, Locator, Page } from 'playwright-core'

import type { RouteJson } from '#src/api/index.js'

import { amtoolRoutesTest } from '../support/amtool.js'
import {
  closeBrowser,
  closePage,
  horizontalOverflow,
  launchBrowser,
  openPage,
  releaseAndCheckPages,
  screenshot,
  withoutFailedLoads,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { REPO_ROOT, TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const T = { timeout: 90_000 }

/** LabelCase is what is typed into the box and the same pairs as amtool's arguments. */
interface LabelCase {
  readonly text: string
  readonly args: readonly string[]
}

// The example config: root team-default; route 1 severity="critical" → team-pager (continue);
// route 2 team=~"db|storage" → team-db. Quoted values, escapes, unicode and markup included.
const LABEL_CASES: readonly LabelCase[] = [
  { text: 'alertname=A', args: ['alertname=A'] },
  { text: 'alertname=A severity=critical', args: ['alertname=A', 'severity=critical'] },
  { text: 'severity=critical team=db', args: ['severity=critical', 'team=db'] },
  { text: 'severity="warning"  team=storage', args: ['severity="warning"', 'team=storage'] },
  { text: 'team=storage2', args: ['team=storage2'] },
  { text: 'team=db cluster=eu', args: ['team=db', 'cluster=eu'] },
  { text: 'severity=critical team=web', args: ['severity=critical', 'team=web'] },
  { text: 'severity=Critical', args: ['severity=Critical'] },
  {
    text: 'alertname="say \\"hi\\" there" team=db',
    args: ['alertname="say \\"hi\\" there"', 'team=db'],
  },
  {
    text: 'note=<b>x</b> owner="ünïcode team" severity="critical" team=storage',
    args: ['note=<b>x</b>', 'owner="ünïcode team"', 'severity="critical"', 'team=storage'],
  },
]

/** hashLabels is the tested text in the page's hash query (`#/routes?labels=…`). */
function hashLabels(page: Page): string | null {
  const hash = new URL(page.url()).hash
  const at = hash.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1)).get('labels')
}

/** route is the list item of one route: `''` for the root, `'1'` for its second child. */
function route(page: Page, key: string): Locator {
  return page.locator(`li.route[data-route="${key}"]`)
}

/** option is the value of one option (`Receiver`, `Group wait`, …) of a route, with its marker. */
function option(item: Locator, term: string): Locator {
  return item
    .locator(':scope > .route-body .route-option')
    .filter({ has: item.page().locator('dt', { hasText: new RegExp(`^${term}$`) }) })
    .locator('dd')
}

/** waitForAnswer waits until the page shows the node's answer for exactly `text`. */
async function waitForAnswer(page: Page, text: string): Promise<void> {
  // A locator, not waitForFunction: the page's CSP forbids the eval that polling needs. A JSON
  // string is a valid CSS string for these texts (quotes and backslashes escaped alike).
  await page.locator(`[data-labels=${JSON.stringify(text)}]`).waitFor()
}

/** shownReceivers is the receivers list of the shown answer, in its order. */
function shownReceivers(page: Page): Promise<string[]> {
  return page.locator('.route-result ol.route-receivers > li > code').allTextContents()
}

/**
 * highlightedReceivers reads the highlighted routes' receivers in the order of their "receiver
 * k of n" marks: what the tree says the labels reach.
 */
async function highlightedReceivers(page: Page): Promise<string[]> {
  const marks = await page.evaluate<[string, string][]>(`[...document.querySelectorAll(
    'li.route-matched > .route-body')].map((body) => [
      body.querySelector('.route-match').textContent,
      body.querySelector('.route-option code').textContent,
    ])`)
  const ranked = marks.map(([mark, receiver]) => {
    const found = /receiver (\d+) of (\d+)/.exec(mark)
    assert.ok(found !== null, mark)
    assert.equal(Number(found[2]), marks.length, mark)
    return { rank: Number(found[1]), receiver }
  })
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.receiver)
}

describe('web UI: routing page', () => {
  let browser: Browser
  let node: TestNode
  const pages: UiPage[] = []
  const teardown = new Teardown()

  /** open opens a page; `checked` pages must end with no error at all (after()). */
  async function open(hash: string, viewport?: { width: number; height: number }, checked = true) {
    const ui = await openPage(browser, `${node.url}/${hash}`, {
      refreshMs: 600_000,
      ...(viewport === undefined ? {} : { viewport }),
    })
    ui.page.setDefaultTimeout(15_000)
    teardown.add(ui, closePage)
    if (checked) {
      pages.push(ui)
    }
    return ui
  }

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    const config = await readFile(join(REPO_ROOT, 'scripts', 'example', 'alertmanager.yml'), 'utf8')
    node = teardown.stop(await TestNode.start({ config }))
  }, T)
  after(() => releaseAndCheckPages(teardown, pages))

  it(
    'draws the tree as nested lists with headings, each option, inherited ones marked',
    T,
    async () => {
      const { page } = await open('#/routes')
      await page.getByRole('heading', { level: 1, name: 'Routing' }).waitFor()
      assert.equal(
        await page.getByRole('link', { name: 'Routing' }).getAttribute('aria-current'),
        'page'
      )
      const tree = page.getByRole('list', { name: 'routing tree' })
      await tree.waitFor()
      assert.equal(await tree.locator(':scope > li').count(), 1, 'one root')
      await page.getByRole('heading', { level: 3, name: 'Root route' }).waitFor()
      const children = page.getByRole('list', { name: 'routes under Root route' })
      assert.equal(await children.locator(':scope > li').count(), 2)
      assert.deepEqual(await children.getByRole('heading', { level: 4 }).allTextContents(), [
        'Route 1',
        'Route 2',
      ])

      const root = route(page, '')
      assert.equal(await option(root, 'Receiver').textContent(), 'team-default')
      assert.equal(await option(root, 'Group by').textContent(), 'alertname, cluster')
      assert.equal(await option(root, 'Group wait').textContent(), '10s')
      assert.equal(await option(root, 'Repeat interval').textContent(), '4h')
      assert.equal(
        await root.locator(':scope > .route-body .inherited').count(),
        0,
        'the root inherits nothing'
      )

      const pager = route(page, '0')
      assert.deepEqual(
        await pager.getByRole('list', { name: 'matchers' }).getByRole('listitem').allTextContents(),
        ['severity="critical"']
      )
      assert.equal(await option(pager, 'Receiver').textContent(), 'team-pager')
      assert.equal(await option(pager, 'Group wait').textContent(), '5s')
      assert.equal(await option(pager, 'Group by').textContent(), 'alertname, cluster inherited')
      assert.equal(await option(pager, 'Group interval').textContent(), '1m inherited')
      assert.equal(await option(pager, 'Repeat interval').textContent(), '4h inherited')
      assert.equal(await option(pager, 'Continue').textContent(), 'yes')

      const db = route(page, '1')
      assert.deepEqual(
        await db.getByRole('list', { name: 'matchers' }).getByRole('listitem').allTextContents(),
        ['team=~"db|storage"']
      )
      assert.equal(await option(db, 'Receiver').textContent(), 'team-db')
      assert.equal(await option(db, 'Group wait').textContent(), '10s inherited')
      assert.equal(await option(db, 'Continue').textContent(), 'no')
      assert.equal(await page.locator('li.route-matched').count(), 0, 'nothing tested yet')
    }
  )

  it(
    'answers as amtool config routes test for 10 label sets, highlighting the matches',
    T,
    async () => {
      const { page } = await open('#/routes')
      const box = page.getByLabel('Test labels')
      await route(page, '').waitFor()
      for (const [i, labelCase] of LABEL_CASES.entries()) {
        await box.fill(labelCase.text)
        // Enter and the button both test.
        if (i % 2 === 0) {
          await box.press('Enter')
        } else {
          await page.getByRole('button', { name: 'Test', exact: true }).click()
        }
        await waitForAnswer(page, labelCase.text)
        assert.equal(hashLabels(page), labelCase.text)
        const amtool = await amtoolRoutesTest(node.configFile, labelCase.args)
        assert.equal(amtool.code, 0, `amtool failed for ${labelCase.text}`)
        const expected = amtool.stdout.trim().split(',')
        assert.deepEqual(await shownReceivers(page), expected, `receivers for ${labelCase.text}`)
        assert.deepEqual(
          await highlightedReceivers(page),
          expected,
          `highlighted routes for ${labelCase.text}`
        )
      }
    }
  )

  it(
    'highlights both routes a continue reaches, and keeps the labels over a reload',
    T,
    async () => {
      const text = 'severity=critical team=db'
      const { page } = await open(`#/routes?labels=${encodeURIComponent(text)}`)
      await waitForAnswer(page, text)
      assert.equal(await page.getByLabel('Test labels').inputValue(), text)
      assert.deepEqual(await shownReceivers(page), ['team-pager', 'team-db'])
      await route(page, '0').getByText('Matches: receiver 1 of 2').waitFor()
      await route(page, '1').getByText('Matches: receiver 2 of 2').waitFor()
      assert.equal(await route(page, '').getAttribute('class'), 'route', 'the root is not a match')
      await screenshot(page, 'routes')

      await page.reload()
      await waitForAnswer(page, text)
      assert.equal(await page.getByLabel('Test labels').inputValue(), text)
      assert.deepEqual(await shownReceivers(page), ['team-pager', 'team-db'])
      assert.equal(await page.locator('li.route-matched').count(), 2)
    }
  )

  it("shows the node's error for a bad pair as text, and highlights nothing", T, async () => {
    // The node's 400s are the point here: chromium logs each, and only those are allowed.
    const ui = await open('#/routes', undefined, false)
    const { page } = ui
    const box = page.getByLabel('Test labels')
    for (const bad of ['team=~db', 'team', 'severity="<b>unterminated']) {
      const res = await fetch(
        `${node.url}/api/alertmesh/v1/routes/test?label=alertname%3DA&label=${encodeURIComponent(bad)}`
      )
      assert.equal(res.status, 400)
      const { message } = (await res.json()) as { message: string }
      await box.fill(`alertname=A ${bad}`)
      await box.press('Enter')
      await waitForAnswer(page, `alertname=A ${bad}`)
      const error = page.getByRole('alert')
      assert.equal(await error.textContent(), `The node refused these labels: ${message}`)
      assert.equal(await page.locator('li.route-matched').count(), 0)
      assert.equal(await page.locator('.route-result').count(), 0)
    }
    // Emptying the box clears the test.
    await box.fill('')
    await box.press('Enter')
    await page.getByRole('alert').waitFor({ state: 'detached' })
    assert.equal(hashLabels(page), null)
    assert.deepEqual(withoutFailedLoads(ui.errors, /status of 400/), [])
  })

  it('is usable by keyboard alone', T, async () => {
    const { page } = await open('#/routes')
    await route(page, '').waitFor()
    const focusedId = () => page.evaluate<string>('document.activeElement?.id ?? ""')
    let tabs = 0
    while ((await focusedId()) !== 'route-test-labels') {
      assert.ok(++tabs <= 20, 'the box is reached by Tab')
      await page.keyboard.press('Tab')
    }
    await page.keyboard.type('team=db')
    await page.keyboard.press('Tab')
    assert.equal(
      await page.evaluate<string>('document.activeElement?.textContent ?? ""'),
      'Test',
      'Tab goes from the box to its button'
    )
    await page.keyboard.press('Space')
    await waitForAnswer(page, 'team=db')
    assert.deepEqual(await shownReceivers(page), ['team-db'])
    // Back in the box, Enter tests what was typed.
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('End')
    await page.keyboard.type(' severity=critical')
    await page.keyboard.press('Enter')
    await waitForAnswer(page, 'team=db severity=critical')
    assert.deepEqual(await shownReceivers(page), ['team-pager', 'team-db'])
  })

  it('fits 390 px without horizontal scrolling, long matchers wrapping', T, async () => {
    // The node's own tree with one very long matcher value added, as a big config would have.
    const tree = await node.getJson<RouteJson>('/api/alertmesh/v1/routes')
    const long = `service=~"${Array.from({ length: 40 }, (_, i) => `service-${i}`).join('|')}"`
    const [first, ...rest] = tree.routes
    assert.ok(first !== undefined)
    const wide: RouteJson = {
      ...tree,
      routes: [{ ...first, matchers: [...first.matchers, long] }, ...rest],
    }
    const text = 'severity=critical team=storage owner="a rather long owner name, to wrap"'
    const { page } = await open('#/alerts', { width: 390, height: 800 })
    await page.route('**/api/alertmesh/v1/routes', (r) =>
      r.fulfill({ contentType: 'application/json', body: JSON.stringify(wide) })
    )
    await page.goto(`${node.url}/#/routes?labels=${encodeURIComponent(text)}`)
    await waitForAnswer(page, text)
    await route(page, '0').getByText(long).waitFor()
    const overflow = await horizontalOverflow(page)
    assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (overflow ${overflow}px)`)
    await screenshot(page, 'routes-narrow')
  })
})
