import Koa from 'koa'
import type { Context, Next } from 'koa'
import type { Registry } from 'prom-client'

import { formatDuration, errorMessage } from '../util/index.js'

import { createAlertmeshApi } from './alertmesh/router.js'
import type { ApiDeps } from './v2/deps.js'
import { createApiV2Router } from './v2/router.js'

/**
 * DEFAULT_GET_CONCURRENCY is the GET limit when --web.get-concurrency is 0. Alertmanager uses
 * GOMAXPROCS; a Node process serves from one thread, so a small fixed number plays that part.
 */
export const DEFAULT_GET_CONCURRENCY = 8

/** MAX_BODY_BYTES is the largest request body accepted (413 above; Alertmanager has no limit). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024

/** HttpOptions are the web flags of Alertmanager that shape the HTTP server. */
export interface HttpOptions {
  /** --web.route-prefix, normalised to `/` or `/<path>` without a trailing slash. */
  readonly routePrefix: string
  /** Effective --web.get-concurrency (> 0). */
  readonly getConcurrency: number
  /** --web.timeout; 0 for none. */
  readonly timeoutMs: number
  /** Largest accepted request body. */
  readonly maxBodyBytes: number
  readonly registry: Registry
  /** The web UI's files: the page at the prefix root and its assets. */
  readonly ui: UiFiles
}

/** UiAsset is one static file of the web UI. */
export interface UiAsset {
  readonly contentType: string
  readonly body: Uint8Array
}

/** UiFiles are the web UI as the node serves it. */
export interface UiFiles {
  /** The HTML served at the prefix root. */
  readonly indexHtml: () => string
  /** The asset at a path under the prefix (`/script.js`), or undefined. */
  readonly asset: (path: string) => UiAsset | undefined
}

// The UI loads only its own script and stylesheet and talks only to this node: a strict policy
// means markup that slipped into a label could not run a script even if it reached the DOM.
const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}

/**
 * normalizeRoutePrefix applies Alertmanager's normalisation: `"/" + trim(prefix, "/")`.
 *
 * @param prefix - the flag value.
 * @returns `/` or `/<path>`.
 */
export function normalizeRoutePrefix(prefix: string): string {
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`
}

function text(ctx: Context, status: number, body: string): void {
  ctx.status = status
  // Set as a header: koa's `ctx.type` setter looks the value up in mime-db, whose tables
  // would then be built by the first /-/ready at every start (the bundle loads them lazily).
  ctx.set('Content-Type', 'text/plain; charset=utf-8')
  ctx.body = body
}

// Alertmanager serves everything under --web.route-prefix and redirects the bare root to it.
function routePrefix(prefix: string) {
  return async function routePrefix(ctx: Context, next: Next): Promise<void> {
    if (prefix === '/') {
      await next()
      return
    }
    if (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`)) {
      ctx.path = ctx.path.slice(prefix.length) || '/'
      await next()
      return
    }
    if (ctx.path === '/') {
      ctx.redirect(prefix)
      return
    }
    text(ctx, 404, '404 page not found\n')
  }
}

// rs/cors with its defaults, as Alertmanager wraps its API: any origin, simple methods.
async function cors(ctx: Context, next: Next): Promise<void> {
  ctx.vary('Origin')
  const origin = ctx.get('Origin')
  if (
    ctx.method === 'OPTIONS' &&
    origin !== '' &&
    ctx.get('Access-Control-Request-Method') !== ''
  ) {
    ctx.vary('Access-Control-Request-Method')
    ctx.vary('Access-Control-Request-Headers')
    ctx.set('Access-Control-Allow-Origin', '*')
    ctx.set('Access-Control-Allow-Methods', ctx.get('Access-Control-Request-Method').toUpperCase())
    ctx.status = 200
    return
  }
  if (origin !== '') {
    ctx.set('Access-Control-Allow-Origin', '*')
  }
  await next()
}

// --web.get-concurrency and --web.timeout, applied to the API as Alertmanager does.
function apiLimits(options: HttpOptions, deps: ApiDeps) {
  let inFlightGets = 0
  const { requestsInFlight, concurrencyLimitExceeded } = deps.metrics
  return async function apiLimits(ctx: Context, next: Next): Promise<void> {
    const isGet = ctx.method === 'GET'
    if (isGet) {
      if (inFlightGets >= options.getConcurrency) {
        concurrencyLimitExceeded.inc({ method: 'get' })
        text(
          ctx,
          503,
          `Limit of concurrent GET requests reached (${options.getConcurrency}), try again later.\n`
        )
        return
      }
      inFlightGets++
      requestsInFlight.inc({ method: 'get' })
    }
    try {
      if (options.timeoutMs > 0) {
        await withTimeout(ctx, next, options.timeoutMs)
      } else {
        await next()
      }
    } finally {
      if (isGet) {
        inFlightGets--
        requestsInFlight.dec({ method: 'get' })
      }
    }
  }
}

async function withTimeout(ctx: Context, next: Next, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout')
    }, timeoutMs)
  })
  try {
    if ((await Promise.race([next().then(() => 'done' as const), expired])) === 'timeout') {
      text(ctx, 503, `Exceeded configured timeout of ${formatDuration(timeoutMs)}.\n`)
    }
  } finally {
    clearTimeout(timer)
  }
}

// Histogram of the non-API handlers, labelled like Alertmanager's instrumented routes.
function instrument(deps: ApiDeps, handler: string, fn: (ctx: Context) => Promise<void> | void) {
  return async (ctx: Context): Promise<void> => {
    const end = deps.metrics.requestDuration.startTimer({
      handler,
      method: ctx.method.toLowerCase(),
    })
    try {
      await fn(ctx)
    } finally {
      end()
    }
  }
}

/**
 * createHttpApp builds the node's HTTP application: API v2, health, readiness, reload,
 * metrics and the UI entry page, all under the route prefix.
 *
 * @param deps - the node's state and actions.
 * @param options - web flags.
 * @returns the koa application.
 */
export function createHttpApp(deps: ApiDeps, options: HttpOptions): Koa {
  const app = new Koa()
  app.silent = true
  app.on('error', (err: unknown) => {
    deps.log.warn({ err: errorMessage(err) }, 'HTTP request failed')
  })
  const apiV2 = createApiV2Router(deps, { maxBodyBytes: options.maxBodyBytes })
  const alertmeshApi = createAlertmeshApi(deps)
  const limits = apiLimits(options, deps)

  const healthy = instrument(deps, '/-/healthy', (ctx) => {
    text(ctx, 200, 'OK')
  })
  const reload = instrument(deps, '/-/reload', async (ctx) => {
    try {
      await deps.reload()
      ctx.status = 200
      ctx.body = ''
    } catch (err: unknown) {
      text(ctx, 500, `failed to reload config: ${errorMessage(err)}\n`)
    }
  })
  const metrics = instrument(deps, '/metrics', async (ctx) => {
    ctx.type = options.registry.contentType
    ctx.body = await options.registry.metrics()
  })
  const index = instrument(deps, '/', (ctx) => {
    ctx.set('Cache-Control', 'no-cache, no-store, must-revalidate')
    ctx.set(UI_SECURITY_HEADERS)
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = options.ui.indexHtml()
  })
  // Alertmanager serves its UI assets with no-cache too: a node upgrade must not leave browsers
  // running the old script against the new API.
  const serveAsset = (ctx: Context, asset: UiAsset): void => {
    ctx.set('Cache-Control', 'no-cache, no-store, must-revalidate')
    ctx.set(UI_SECURITY_HEADERS)
    ctx.type = asset.contentType
    ctx.body = Buffer.from(asset.body)
  }

  app.use(routePrefix(options.routePrefix))
  app.use(async function routes(ctx: Context, next: Next): Promise<void> {
    const path = ctx.path
    if (path.startsWith('/api/')) {
      await cors(ctx, () => limits(ctx, () => apiV2(ctx, () => alertmeshApi(ctx, next))))
      return
    }
    const isRead = ctx.method === 'GET' || ctx.method === 'HEAD'
    if ((path === '/-/healthy' || path === '/-/ready') && isRead) {
      await healthy(ctx)
    } else if (path === '/-/reload') {
      if (ctx.method === 'POST') {
        await reload(ctx)
      } else {
        ctx.set('Allow', 'OPTIONS, POST')
        text(ctx, 405, 'Method Not Allowed\n')
      }
    } else if (path === '/metrics' && isRead) {
      await metrics(ctx)
    } else if (path === '/' && isRead) {
      await index(ctx)
    } else {
      const asset = isRead ? options.ui.asset(path) : undefined
      if (asset === undefined) {
        text(ctx, 404, '404 page not found\n')
      } else {
        serveAsset(ctx, asset)
      }
    }
  })
  return app
}
