import Router from '@koa/router'
import type { Context, Next } from 'koa'
import getRawBody from 'raw-body'

import { errorMessage } from '../../util/index.js'
import { HandlerError, OpenApiError, statusForError } from '../errors.js'

import { AlertJsonCache } from './alert-json.js'
import { ReceiverCache, listAlertGroups, listAlerts, postAlerts } from './alerts.js'
import type { AlertQuery } from './alerts.js'
import type { ApiDeps } from './deps.js'
import { filterMatchers, queryBool, queryList, receiverRegex } from './query.js'
import {
  checkSilenceId,
  expireSilence,
  gettableSilenceJson,
  listSilencesBody,
  postSilence,
} from './silences.js'
import { receiversBody, statusBody } from './status.js'

/** ApiV2Options are the HTTP-level limits of the v2 API. */
export interface ApiV2Options {
  /** Largest accepted request body; larger ones get 413. */
  readonly maxBodyBytes: number
}

type Query = Context['query']

function alertQuery(query: Query, withActiveDefault = true): AlertQuery {
  return {
    active: queryBool(query['active'], withActiveDefault),
    silenced: queryBool(query['silenced'], true),
    inhibited: queryBool(query['inhibited'], true),
    matchers: filterMatchers(query['filter']),
  }
}

const UTF8 = new TextDecoder('utf-8')

function sendJson(ctx: Context, body: string | NodeJS.ReadableStream): void {
  ctx.status = 200
  ctx.type = 'application/json'
  ctx.body = body
}

// Alertmanager answers some calls with an empty body and no Content-Type (koa would turn an
// empty 200 into 204).
function emptyOk(ctx: Context, status: number): void {
  // A Content-Type present before the body keeps koa from looking up "bin" in mime-db, whose
  // first load (about 10 ms) would fall on the first POST /api/v2/alerts after a start.
  ctx.set('Content-Type', 'application/octet-stream')
  ctx.body = Buffer.alloc(0)
  ctx.status = status
  ctx.remove('Content-Type')
}

/**
 * readJsonBody reads a request body for an endpoint that consumes application/json, with
 * go-openapi's 415 for other media types and a 413 past the size limit.
 *
 * @param ctx - the request.
 * @param limit - the size limit in bytes.
 * @returns the body text.
 */
export async function readJsonBody(ctx: Context, limit: number): Promise<string> {
  const mediaType =
    (ctx.get('Content-Type') || 'application/octet-stream').split(';')[0]?.trim().toLowerCase() ??
    ''
  if (mediaType !== 'application/json') {
    throw new OpenApiError(
      415,
      415,
      `unsupported media type ${JSON.stringify(mediaType)}, only [application/json] are allowed`
    )
  }
  try {
    // Read as bytes and decoded here: with an `encoding`, raw-body decodes through iconv-lite,
    // whose code tables (about 20 ms to load) would then delay the first POST after a start,
    // and with it the first notification. TextDecoder decodes as iconv-lite's utf8 did: a
    // leading byte-order mark dropped, invalid sequences as U+FFFD.
    return UTF8.decode(await getRawBody(ctx.req, { limit }))
  } catch (err: unknown) {
    const type = (err as { type?: unknown }).type
    if (type === 'entity.too.large') {
      throw new OpenApiError(413, 413, `request body is larger than the limit of ${limit} bytes`)
    }
    throw new OpenApiError(400, 400, `reading request body failed: ${errorMessage(err)}`)
  }
}

/**
 * apiErrors renders thrown errors the way Alertmanager's API does: framework errors as
 * `{"code","message"}`, handler errors as a bare JSON string.
 *
 * @param log - where unexpected errors are logged.
 * @returns the middleware.
 */
function apiErrors(log: ApiDeps['log']) {
  return async function apiErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (err: unknown) {
      const status = statusForError(err)
      ctx.status = status
      ctx.type = 'application/json'
      if (err instanceof OpenApiError) {
        ctx.body = `${JSON.stringify({ code: err.bodyCode, message: err.message })}\n`
      } else {
        if (!(err instanceof HandlerError) && status >= 500) {
          log.error({ err: errorMessage(err), path: ctx.path }, 'API request failed')
        }
        ctx.body = `${JSON.stringify(errorMessage(err))}\n`
      }
    }
  }
}

/**
 * createApiV2Router serves Alertmanager's v2 API under /api/v2.
 *
 * @param deps - the node.
 * @param options - HTTP limits.
 * @returns the router's middleware (404/405 answered in go-openapi's form).
 */
export function createApiV2Router(deps: ApiDeps, options: ApiV2Options) {
  const caches = { receivers: new ReceiverCache(), alertJson: new AlertJsonCache() }
  const router = new Router({ prefix: '/api/v2' })
  router.use(apiErrors(deps.log))

  router.get('/status', (ctx) => {
    sendJson(ctx, statusBody(deps))
  })
  router.get('/receivers', (ctx) => {
    sendJson(ctx, receiversBody(deps))
  })
  router.get('/alerts', (ctx) => {
    sendJson(
      ctx,
      listAlerts(deps, caches, alertQuery(ctx.query), receiverRegex(ctx.query['receiver']))
    )
  })
  router.post('/alerts', async (ctx) => {
    const body = await readJsonBody(ctx, options.maxBodyBytes)
    const failed = postAlerts(deps, body)
    if (failed !== undefined) {
      throw new HandlerError(400, failed)
    }
    emptyOk(ctx, 200)
  })
  router.get('/alerts/groups', (ctx) => {
    sendJson(
      ctx,
      listAlertGroups(deps, caches, alertQuery(ctx.query), receiverRegex(ctx.query['receiver']))
    )
  })

  router.get('/silences', (ctx) => {
    sendJson(ctx, listSilencesBody(deps.silences, queryList(ctx.query['filter']), deps.now()))
  })
  router.post('/silences', async (ctx) => {
    const body = await readJsonBody(ctx, options.maxBodyBytes)
    sendJson(ctx, await postSilence(deps.silences, body, deps.now()))
  })
  router.get('/silence/:silenceID', (ctx) => {
    const id = ctx.params['silenceID'] ?? ''
    checkSilenceId(id)
    const silence = deps.silences.get(id)
    if (silence === undefined) {
      emptyOk(ctx, 404)
      return
    }
    sendJson(ctx, `${gettableSilenceJson(silence, deps.now())}\n`)
  })
  router.delete('/silence/:silenceID', async (ctx) => {
    await expireSilence(deps.silences, ctx.params['silenceID'] ?? '')
    emptyOk(ctx, 200)
  })

  const routes = router.routes()
  const methods = router.allowedMethods({ throw: false })
  return async function apiV2(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/api/v2' && !ctx.path.startsWith('/api/v2/')) {
      await next()
      return
    }
    // @koa/router types its context with router fields it adds itself at run time.
    const routerCtx = ctx as unknown as Parameters<typeof routes>[0]
    await routes(routerCtx, async () => {
      await methods(ctx as unknown as Parameters<typeof methods>[0], () => Promise.resolve())
    })
    if (ctx.status === 405) {
      const allow = (ctx.response.get('Allow') || '').split(/,\s*/).filter((m) => m !== 'HEAD')
      ctx.set('Allow', allow.join(','))
      ctx.type = 'application/json'
      ctx.body = `${JSON.stringify({ code: 405, message: `method ${ctx.method} is not allowed, but [${allow.join(',')}] are` })}\n`
    } else if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404
      ctx.type = 'application/json'
      ctx.body = `${JSON.stringify({ code: 404, message: `path ${ctx.path} was not found` })}\n`
    }
  }
}
