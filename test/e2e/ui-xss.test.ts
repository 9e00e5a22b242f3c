// Markup anywhere in the node's data never runs in the UI: label values, annotations, a
// generatorURL, a silence's matchers, author and comment, a receiver name, the node's name, an
// alert's story, the routing tree's matchers, receivers and time-interval names, and the hash
// query all arrive as text. Each page is checked for script execution (dialogs, a
// window flag, injected elements, script-like links) and for the markup shown literally.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import type { Browser } from 'playwright-core'

import {
  closeBrowser,
  closePage,
  launchBrowser,
  openPage,
  releaseAndCheckPages,
  withoutFailedLoads,
} from '../support/browser.js'
import type { UiPage } from '../support/browser.js'
import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

// Probes that call alert() (caught as dialogs) and probes that set window.__xss.
const IMG_ALERT = `<img src=x onerror="alert('xss-label')">`
const SCRIPT_ALERT = `<script>alert('xss-script')</script>`
const SVG_ALERT = `"><svg onload=alert(1)>`
const IMG_FLAG = `<img src=x onerror=window.__xss=1>`
const SVG_FLAG = `"><svg onload="window.__xss=2">`
const SCRIPT_FLAG = `<script>window.__xss=5</script>`
const RECEIVER = `<img src=x onerror=window.__xss=6>`
const NODE_NAME = `<svg onload=window.__xss=4>`

const CONFIG = `
route:
  receiver: '${RECEIVER}'
  group_by: [alertname, a]
  group_wait: 1h
receivers:
  - name: '${RECEIVER}'
`

// A second node's routing tree with markup in matcher values, receiver and time-interval names.
const ROUTE_RECEIVER = `<svg onload=window.__xss=7>`
const MUTE_INTERVAL = `<img src=x onerror=window.__xss=8>`
const ACTIVE_INTERVAL = `<script>window.__xss=9</script>`
const ROUTES_CONFIG = `
route:
  receiver: '${RECEIVER}'
  routes:
    - matchers: ['b="${SCRIPT_FLAG}"', 'c=~".*<svg.*"']
      receiver: '${ROUTE_RECEIVER}'
      mute_time_intervals: ['${MUTE_INTERVAL}']
      active_time_intervals: ['${ACTIVE_INTERVAL}']
      continue: true
    - matchers: ['d="${IMG_FLAG}"']
time_intervals:
  - name: '${MUTE_INTERVAL}'
    time_intervals: [{ weekdays: [saturday] }]
  - name: '${ACTIVE_INTERVAL}'
    time_intervals: [{ weekdays: [monday] }]
receivers:
  - name: '${RECEIVER}'
  - name: '${ROUTE_RECEIVER}'
`
// Labels typed into the routing page's test box (carried by the hash query): they reach both
// routes, so the receivers list shows both markup names.
const ROUTE_TEST_TEXT = `b="${SCRIPT_FLAG}" c="<svg>" d="${IMG_FLAG}"`

const XSS_LABELS = { alertname: 'Xss', a: IMG_ALERT, b: SCRIPT_ALERT, c: SVG_ALERT, d: IMG_FLAG }
const XSS_ANNOTATIONS = {
  summary: SCRIPT_FLAG,
  description: IMG_ALERT,
  runbook: SVG_FLAG,
}
const SILENCE_COMMENT = `see <b>bold</b> ${SCRIPT_FLAG}`
// Matchers as the UI writes them (formatMatcher); their values hold no double quote, so the
// text is the same whether a page escapes quotes or not.
const SILENCE_MATCHER_TEXTS = [`b="${SCRIPT_ALERT}"`, `d="${IMG_FLAG}"`, `c=~".*<svg.*"`]

const T = { timeout: 60_000 }

/**
 * assertNoExecution checks that nothing from the data ran or became an element.
 *
 * @param ui - the page, rendered.
 * @param where - named in failures.
 */
async function assertNoExecution(ui: UiPage, where: string): Promise<void> {
  const { page } = ui
  assert.deepEqual(ui.dialogs, [], `${where}: no dialog opened`)
  // Strings: the test's tsconfig has no DOM types.
  assert.equal(await page.evaluate('typeof window.__xss'), 'undefined', `${where}: flag not set`)
  const found = await page.evaluate<Record<string, unknown>>(`({
    img: document.querySelectorAll('img[src="x"]').length,
    svg: document.querySelectorAll('svg').length,
    handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src') ?? 'inline'),
    scriptLinks: document.querySelectorAll(
      'a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]'
    ).length,
  })`)
  assert.deepEqual(
    found,
    { img: 0, svg: 0, handlers: 0, scripts: ['script.js'], scriptLinks: 0 },
    `${where}: no injected elements`
  )
}

describe('web UI: markup in data is text, never code', () => {
  let browser: Browser
  let node: TestNode
  let routesNode: TestNode
  let silenceId: string
  const pages = new Map<string, UiPage>()
  const teardown = new Teardown()

  /** open opens a page once (the text checks reuse the page the execution check opened). */
  async function open(name: string, hash: string, on: TestNode = node): Promise<UiPage> {
    const known = pages.get(name)
    if (known !== undefined) {
      return known
    }
    // No refresh during the test: the page settles once its first answers have arrived.
    const ui = teardown.add(
      await openPage(browser, `${on.url}/${hash}`, { refreshMs: 600_000 }),
      closePage
    )
    ui.page.setDefaultTimeout(15_000)
    await ui.page.getByRole('heading', { level: 1 }).waitFor()
    await ui.page.waitForLoadState('networkidle')
    pages.set(name, ui)
    return ui
  }

  before(async () => {
    // The browser first and on its own: if a node fails to start, after() still closes it
    // (an orphaned chromium keeps the test process alive), and last, after the nodes.
    browser = teardown.add(await launchBrowser(), closeBrowser)
    const [started, routesStarted] = await Promise.all([
      TestNode.start({ config: CONFIG, args: [`--node.name=${NODE_NAME}`] }),
      TestNode.start({ config: ROUTES_CONFIG }),
    ])
    node = teardown.stop(started)
    routesNode = teardown.stop(routesStarted)
    const startsAt = iso(Date.now() - 60_000)
    for (const alert of [
      {
        labels: XSS_LABELS,
        annotations: XSS_ANNOTATIONS,
        startsAt,
        generatorURL: 'javascript:window.__xss=3',
      },
      {
        labels: { alertname: 'Xss2', e: SVG_FLAG },
        startsAt,
        generatorURL: `data:text/html,${SCRIPT_ALERT}`,
      },
    ]) {
      const res = await node.postAlerts([alert])
      assert.equal(res.status, 200, await res.text())
    }
    const res = await node.postSilence({
      matchers: [
        { name: 'b', value: SCRIPT_ALERT, isRegex: false, isEqual: true },
        { name: 'd', value: IMG_FLAG, isRegex: false, isEqual: true },
        { name: 'c', value: '.*<svg.*', isRegex: true, isEqual: true },
      ],
      startsAt: iso(Date.now() - 1000),
      endsAt: iso(Date.now() + 3_600_000),
      createdBy: SVG_FLAG,
      comment: SILENCE_COMMENT,
    })
    assert.equal(res.status, 200, await res.clone().text())
    silenceId = ((await res.json()) as { silenceID: string }).silenceID
  }, T)
  after(() => releaseAndCheckPages(teardown, pages.values()))

  it(
    'alerts (silenced shown): labels, annotations, receiver and generator URLs run nothing',
    T,
    async () => {
      const ui = await open('alerts', '#/alerts?silenced=true')
      await ui.page.getByText('2 alerts in 2 groups').waitFor()
      await assertNoExecution(ui, '#/alerts')
      // The generatorURLs (javascript:, data:) are not links at all.
      assert.equal(await ui.page.getByRole('link', { name: 'Source' }).count(), 0)
    }
  )

  it('alerts (silenced shown): the markup is visible as text', T, async () => {
    const { page } = await open('alerts', '#/alerts?silenced=true')
    for (const text of [
      `a="${IMG_ALERT}"`,
      `b="${SCRIPT_ALERT}"`,
      `c="${SVG_ALERT}"`,
      `d="${IMG_FLAG}"`,
      `e="${SVG_FLAG}"`,
      SCRIPT_FLAG,
      IMG_ALERT,
      SVG_FLAG,
      `node ${NODE_NAME}`,
    ]) {
      await page.getByText(text).first().waitFor()
    }
    await page.getByRole('heading', { level: 2, name: `Receiver ${RECEIVER}` }).waitFor()
    await page.getByText('silenced by').waitFor()
    assert.equal(await page.getByLabel('Receiver', { exact: true }).inputValue(), '')
    assert.deepEqual(
      await page.getByLabel('Receiver', { exact: true }).locator('option').allTextContents(),
      ['All receivers', RECEIVER]
    )
  })

  it(
    "an alert's story: labels, annotations, receiver, group labels and the silence run nothing and read as text",
    T,
    async () => {
      const listed =
        await node.getJson<{ fingerprint: string; labels: { alertname: string } }[]>(
          '/api/v2/alerts'
        )
      const xss = listed.find((a) => a.labels.alertname === 'Xss')
      assert.ok(xss !== undefined)
      const ui = await open('story', `#/alerts/${xss.fingerprint}`)
      const { page } = ui
      await page.getByRole('heading', { level: 2, name: 'Silences and inhibitions' }).waitFor()
      await assertNoExecution(ui, '#/alerts/<fingerprint>')
      for (const text of [
        `a="${IMG_ALERT}"`,
        `b="${SCRIPT_ALERT}"`,
        SCRIPT_FLAG,
        IMG_ALERT,
        SVG_FLAG,
        SILENCE_COMMENT,
        ...SILENCE_MATCHER_TEXTS,
      ]) {
        await page.getByText(text, { exact: false }).first().waitFor()
      }
      await page.getByRole('heading', { level: 2, name: `Notifications to ${RECEIVER}` }).waitFor()
      await page.getByRole('link', { name: `Silence ${silenceId.slice(0, 8)}` }).waitFor()
      // The story's link to the routing tree carries the markup labels in its query, as text.
      const routesLink = page.getByRole('link', { name: 'See these routes in the routing tree' })
      assert.match((await routesLink.getAttribute('href')) ?? '', /^#\/routes\?labels=/)
    }
  )

  it('alerts filtered by a markup matcher from the hash query', T, async () => {
    const filter = `{b="${SCRIPT_ALERT}"}`
    const ui = await open(
      'alerts-filter',
      `#/alerts?silenced=true&filter=${encodeURIComponent(filter)}`
    )
    await ui.page.getByText('1 alert in 1 group').waitFor()
    assert.equal(await ui.page.getByLabel('Filter by matchers').inputValue(), filter)
    await assertNoExecution(ui, '#/alerts?filter=')
  })

  it(
    'status: receiver name in the config and the node name run nothing and read as text',
    T,
    async () => {
      const ui = await open('status', '#/status')
      await ui.page.locator('pre.config-text').waitFor()
      await assertNoExecution(ui, '#/status')
      await ui.page.locator('pre.config-text').getByText(`- name: ${RECEIVER}`).waitFor()
      await ui.page
        .getByRole('region', { name: 'This node' })
        .getByText(NODE_NAME, { exact: true })
        .waitFor()
    }
  )

  it('silences list: matchers, author and comment run nothing', T, async () => {
    await assertNoExecution(await open('silences', '#/silences'), '#/silences')
  })

  it('silences list: the markup is visible as text', T, async () => {
    const { page } = await open('silences', '#/silences')
    for (const text of [...SILENCE_MATCHER_TEXTS, SVG_FLAG]) {
      await page.getByText(text).first().waitFor()
    }
  })

  it('silence detail: matchers, author and comment run nothing', T, async () => {
    const ui = await open('silence', `#/silences/${silenceId}`)
    await assertNoExecution(ui, '#/silences/<id>')
  })

  it('silence detail: the markup is visible as text', T, async () => {
    const { page } = await open('silence', `#/silences/${silenceId}`)
    for (const text of [...SILENCE_MATCHER_TEXTS, SVG_FLAG, SILENCE_COMMENT]) {
      await page.getByText(text).first().waitFor()
    }
  })

  const FORM_FILTER = `{b="${SCRIPT_ALERT}", d="${IMG_FLAG}"}`
  const FORM_HASH = `#/silences/new?filter=${encodeURIComponent(FORM_FILTER)}`

  it('new silence prefilled with markup matchers runs nothing', T, async () => {
    await assertNoExecution(await open('form', FORM_HASH), '#/silences/new?filter=')
  })

  it('new silence prefilled with markup matchers shows them as values or text', T, async () => {
    const { page } = await open('form', FORM_HASH)
    for (const value of [SCRIPT_ALERT, IMG_FLAG]) {
      // The form may show matchers in inputs (values) or as chips (text): either is text.
      await page.waitForFunction(
        `[...document.querySelectorAll('input, textarea')].some((e) => e.value.includes(${JSON.stringify(value)})) || document.body.innerText.includes(${JSON.stringify(value)})`
      )
    }
  })

  it('an unknown page named with markup runs nothing', T, async () => {
    await assertNoExecution(await open('not-found', `#/${IMG_FLAG}`), '#/<markup>')
  })

  const ROUTES_HASH = `#/routes?labels=${encodeURIComponent(ROUTE_TEST_TEXT)}`

  it(
    'routing tree and tested labels: matchers, receivers and intervals run nothing',
    T,
    async () => {
      const ui = await open('routes', ROUTES_HASH, routesNode)
      await ui.page.locator('.route-result').waitFor()
      await assertNoExecution(ui, '#/routes?labels=')
    }
  )

  it('routing tree and tested labels: the markup is visible as text', T, async () => {
    const { page } = await open('routes', ROUTES_HASH, routesNode)
    const first = page.locator('li.route[data-route="0"]')
    for (const text of [`b="${SCRIPT_FLAG}"`, 'c=~".*<svg.*"', MUTE_INTERVAL, ACTIVE_INTERVAL]) {
      await first.getByText(text, { exact: true }).waitFor()
    }
    await first.locator('.route-option code', { hasText: ROUTE_RECEIVER }).waitFor()
    await page.locator('li.route[data-route="1"]').getByText(`d="${IMG_FLAG}"`).waitFor()
    assert.deepEqual(
      await page.locator('.route-result ol.route-receivers > li > code').allTextContents(),
      [ROUTE_RECEIVER, RECEIVER]
    )
    assert.equal(await page.locator('li.route-matched').count(), 2)
    assert.equal(await page.getByLabel('Test labels').inputValue(), ROUTE_TEST_TEXT)
  })

  it(
    "routing test: the node's refusal of a markup pair runs nothing and reads as text",
    T,
    async () => {
      // Not in `pages`: the node's 400 is the point, and chromium logs it as an error.
      const ui = teardown.add(
        await openPage(
          browser,
          `${routesNode.url}/#/routes?labels=${encodeURIComponent(`x=1 ${SVG_FLAG}`)}`,
          { refreshMs: 600_000 }
        ),
        closePage
      )
      ui.page.setDefaultTimeout(15_000)
      const refusal = ui.page.getByRole('alert')
      await refusal.waitFor()
      assert.match((await refusal.textContent()) ?? '', /<svg onload=\\?"window\.__xss=2/)
      await assertNoExecution(ui, '#/routes?labels=<refused markup>')
      assert.deepEqual(withoutFailedLoads(ui.errors, /status of 400/), [])
    }
  )
})
