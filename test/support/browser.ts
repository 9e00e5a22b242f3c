import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'

import { REPO_ROOT } from './node-process.js'
import type { Teardown } from './teardown.js'

/** Debian's chromium, installed by `npm test`; ALERTMESH_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env['ALERTMESH_CHROMIUM'] ?? '/usr/bin/chromium'

/** Where browser tests write their screenshots (kept by CI as artifacts, ignored by git). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots')

/**
 * launchBrowser starts a headless chromium. The sandbox is off because CI runs as root, where
 * chromium refuses to start with it.
 *
 * @returns the browser; close it in `after`.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
}

/**
 * closeBrowser closes a browser from {@link launchBrowser} (a Teardown release).
 *
 * @param browser - the browser.
 */
export async function closeBrowser(browser: Browser): Promise<void> {
  await browser.close()
}

/** UiPage is a page of the alertmesh UI with what went wrong in it. */
export interface UiPage {
  readonly context: BrowserContext
  readonly page: Page
  /** Uncaught exceptions and console errors of the page. */
  readonly errors: string[]
  /** Messages of alert/confirm/prompt dialogs that opened (an XSS probe calls alert()). */
  readonly dialogs: string[]
}

/** PageOptions shape a fresh browser context. */
export interface PageOptions {
  /** How often the UI refreshes its data (the UI's `alertmesh.refreshMs`); 1 s by default. */
  readonly refreshMs?: number
  readonly viewport?: { readonly width: number; readonly height: number }
  /** Accept confirm() dialogs (default) or dismiss them. */
  readonly acceptDialogs?: boolean
  /** Basic auth credentials the browser answers a 401 with, for a node behind a web config. */
  readonly httpCredentials?: { readonly username: string; readonly password: string }
  /** Trust any certificate (a node serving one from the test's own CA). */
  readonly ignoreHTTPSErrors?: boolean
}

/**
 * openPage opens `url` in a fresh context (its own storage, so tests do not share the remembered
 * creator), collecting errors and dialogs.
 *
 * @param browser - from {@link launchBrowser}.
 * @param url - e.g. `${node.url}/#/silences`.
 * @param options - refresh interval and viewport.
 * @returns the page, loaded.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: PageOptions = {}
): Promise<UiPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    ...(options.httpCredentials === undefined
      ? {}
      : { httpCredentials: { ...options.httpCredentials } }),
    ...(options.ignoreHTTPSErrors === true ? { ignoreHTTPSErrors: true } : {}),
  })
  const refreshMs = options.refreshMs ?? 1000
  await context.addInitScript({
    content: `window.localStorage.setItem('alertmesh.refreshMs', '${refreshMs}')`,
  })
  const page = await context.newPage()
  const errors: string[] = []
  const dialogs: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text())
    }
  })
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void (options.acceptDialogs === false ? dialog.dismiss() : dialog.accept())
  })
  await page.goto(url)
  return { context, page, errors, dialogs }
}

/**
 * closePage closes the context of a page opened with {@link openPage} (a Teardown release);
 * closing it again is harmless.
 *
 * @param ui - the page.
 */
export async function closePage(ui: UiPage): Promise<void> {
  await ui.context.close()
}

/**
 * screenshot saves a full-page screenshot as test-artifacts/screenshots/<name>.png.
 *
 * @param page - the page.
 * @param name - file name without extension, e.g. `silences-active`.
 * @returns the file path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * horizontalOverflow is how far the page is wider than its viewport (0 or less: no horizontal
 * scrolling), for the narrow-screen checks.
 *
 * @param page - the page, rendered.
 * @returns the overflow in CSS pixels.
 */
export function horizontalOverflow(page: Page): Promise<number> {
  // A string: the test's tsconfig has no DOM types.
  return page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth'
  )
}

/**
 * withoutFailedLoads drops the console errors chromium logs for failed loads that match `pattern`
 * (every 4xx/5xx answer and refused connection is one), for tests that provoke them on purpose;
 * every other error stays.
 *
 * @param errors - a page's errors ({@link UiPage}).
 * @param pattern - e.g. `/status of 400/`.
 * @returns the other errors.
 */
export function withoutFailedLoads(errors: readonly string[], pattern: RegExp): string[] {
  return errors.filter((e) => !(e.startsWith('Failed to load resource') && pattern.test(e)))
}

/**
 * releaseAndCheckPages releases everything a browser suite started, then asserts that none of
 * its pages reported an error. Release comes first: a failed assertion must not leave chromium
 * or nodes running.
 *
 * @param teardown - the suite's teardown.
 * @param pages - every page the suite opened.
 */
export async function releaseAndCheckPages(
  teardown: Teardown,
  pages: Iterable<UiPage>
): Promise<void> {
  await teardown.run()
  assert.deepEqual(
    [...pages].flatMap((ui) => ui.errors),
    [],
    'no page errors'
  )
}
