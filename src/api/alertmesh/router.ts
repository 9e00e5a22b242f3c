import type { Context, Next } from 'koa'

import { errorMessage } from '../../util/index.js'
import { statusForError } from '../errors.js'
import type { ApiDeps } from '../v2/deps.js'
import { queryList } from '../v2/query.js'

import { parseTestLabels, routeTestJson, routeTreeJson } from './routes.js'
import { alertStory, groupsNotified } from './story.js'

/** ALERTMESH_API_PREFIX is where alertmesh's own read-only API lives, apart from /api/v2. */
export const ALERTMESH_API_PREFIX = '/api/alertmesh/v1'

function sendJson(ctx: Context, status: number, body: unknown): void {
  ctx.status = status
  ctx.type = 'application/json'
  // JSON.stringify escapes nothing HTML cares about, but the body is never HTML: label values
  // with markup come back as plain JSON strings, for the client to render as text.
  ctx.body = `${JSON.stringify(body)}\n`
}

type Handler = (ctx: Context, deps: ApiDeps, param: string) => void | Promise<void>

/** Paths with one parameter (`{}`), tried after the exact paths. */
const PARAM_HANDLERS: readonly (readonly [RegExp, Handler])[] = [
  [
    /^\/alerts\/([^/]+)\/story$/,
    async (ctx, deps, fingerprint) => {
      sendJson(ctx, 200, await alertStory(deps, fingerprint))
    },
  ],
]

const HANDLERS: Readonly<Record<string, Handler>> = {
  '/groups': (ctx, deps) => {
    sendJson(ctx, 200, groupsNotified(deps))
  },
  '/routes': (ctx, deps) => {
    sendJson(ctx, 200, routeTreeJson(deps.runtime().route))
  },
  '/routes/test': (ctx, deps) => {
    const labels = parseTestLabels(queryList(ctx.query['label']))
    sendJson(ctx, 200, routeTestJson(deps.runtime().route, labels))
  },
}

/**
 * createAlertmeshApi serves alertmesh's own read-only API (what Alertmanager's v2 API has no
 * place for): the routing tree and where a label set would be routed, each group's last
 * notification, and one alert's whole story (routes, silences, inhibitions, its groups'
 * notifications and every node's decisions). Errors are
 * `{"code","message"}`, as go-openapi's are under /api/v2.
 *
 * @param deps - the node.
 * @returns the middleware; other paths go to `next`.
 */
export function createAlertmeshApi(deps: ApiDeps) {
  return async function alertmeshApi(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== ALERTMESH_API_PREFIX && !ctx.path.startsWith(`${ALERTMESH_API_PREFIX}/`)) {
      await next()
      return
    }
    const { handler, param } = findHandler(ctx.path.slice(ALERTMESH_API_PREFIX.length))
    if (handler === undefined) {
      sendJson(ctx, 404, { code: 404, message: `path ${ctx.path} was not found` })
      return
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET')
      sendJson(ctx, 405, {
        code: 405,
        message: `method ${ctx.method} is not allowed, but [GET] are`,
      })
      return
    }
    try {
      await handler(ctx, deps, param)
    } catch (err: unknown) {
      const status = statusForError(err)
      if (status >= 500) {
        deps.log.error({ err: errorMessage(err), path: ctx.path }, 'API request failed')
      }
      sendJson(ctx, status, { code: status, message: errorMessage(err) })
    }
  }
}

function findHandler(path: string): { handler: Handler | undefined; param: string } {
  const exact = HANDLERS[path]
  if (exact !== undefined) {
    return { handler: exact, param: '' }
  }
  for (const [pattern, handler] of PARAM_HANDLERS) {
    const match = pattern.exec(path)
    if (match !== null) {
      return { handler, param: match[1] ?? '' }
    }
  }
  return { handler: undefined, param: '' }
}
