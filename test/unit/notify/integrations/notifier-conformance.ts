// What every HTTP notifier must do, whatever it sends (in the spirit of hono's shared
// common.case.test.ts): one suite, run by each integration's test against a real HTTP server
// on 127.0.0.1. Integration-specific facts (payload bytes, headers) stay in its own test.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { NotifyError } from '#src/notify/index.js'
import type { Notifier } from '#src/notify/index.js'

import { closedPort, listen } from '../http/servers.js'
import type { Running } from '../http/servers.js'

import { context, FIRING } from './fixtures.js'

/** NotifierConformance describes the integration under test. */
export interface NotifierConformance {
  /** The integration's name, for test titles. */
  readonly name: string
  /**
   * build makes a notifier that sends to `url`. The URL carries secrets (`s3cr3t` in the path,
   * `t0k` in the query), as webhook and chat URLs do.
   */
  readonly build: (url: string) => Notifier
  /** Statuses below 500 this integration retries (opsgenie's 429 later); [] for webhook. */
  readonly retryCodes: readonly number[]
  /**
   * The body of the server's 2xx answers (default empty): for an API that reads success from
   * the body, e.g. Telegram's `{"ok":true,...}`.
   */
  readonly okBody?: string
  /**
   * The 2xx statuses that succeed (default 200, 202 and 204); 0.25's WeChat notifier accepts
   * 200 only and retries the others, which the suite then checks.
   */
  readonly okStatuses?: readonly number[]
  /**
   * Whether the error for a non-2xx status quotes the (redacted) URL, as Alertmanager's
   * `unexpected status code` errors do (default true). Telegram's errors come from the body.
   */
  readonly statusErrorQuotesURL?: boolean
  /**
   * How many requests one notification of a firing alert sends to a server that answers every
   * one with 2xx and `okBody` (default 1); Jira searches before it creates an issue.
   */
  readonly requestsPerNotify?: number
  /** Further secrets the notifier is built with that must never show in an error. */
  readonly secrets?: readonly string[]
  /** Alertmanager's exact texts, when the integration reproduces them. */
  readonly messages?: {
    /** For a non-2xx status whose body is `body` (the URL already redacted in it). */
    readonly status?: (code: number, body: string) => string
    /** For the flush deadline. */
    readonly deadline?: string
    /** For a flush cancelled (reload, shutdown). */
    readonly canceled?: string
  }
}

/**
 * RETRIER_MESSAGES are the texts of newer Alertmanager's Retrier (`unexpected status code <code>:
 * <body>`, no URL) and of notify.RedactURL for transport errors, which most integrations share.
 */
export const RETRIER_MESSAGES: NonNullable<NotifierConformance['messages']> = {
  status: (code, body) => `unexpected status code ${code}: ${body}`,
  deadline: 'Post "<redacted>": context deadline exceeded',
  canceled: 'Post "<redacted>": context canceled',
}

/**
 * channelMessages are RETRIER_MESSAGES with the status error wrapped with the channel, as the
 * chat notifiers that post to a channel (slack, mattermost, rocketchat) wrap it; their transport
 * errors are not wrapped.
 *
 * @param channel - the channel the conformance config posts to.
 * @returns the texts.
 */
export function channelMessages(channel: string): NonNullable<NotifierConformance['messages']> {
  return {
    ...RETRIER_MESSAGES,
    status: (code, body) => `channel "${channel}": unexpected status code ${code}: ${body}`,
  }
}

const SECRETS = ['s3cr3t', 't0k']
/** rejection awaits a NotifyError and checks that no secret leaks through it. */
async function rejection(promise: Promise<unknown>, secrets: readonly string[]) {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof NotifyError, String(err))
    const shown = JSON.stringify({ message: err.message, cause: String(err.cause) })
    for (const secret of secrets) {
      assert.ok(!shown.includes(secret), `${secret} leaked: ${shown}`)
    }
    return err
  }
  assert.fail('expected a rejection')
}

/**
 * runNotifierConformance declares the shared notifier tests: 2xx succeeds; statuses below 500
 * are final except the integration's retry codes; 5xx, refused and reset connections are
 * retryable; the URL and secrets are `<redacted>` in every error; the flush signal stops a
 * hanging request promptly; close() is idempotent and later sends fail clearly.
 *
 * @param c - the integration under test.
 */
export function runNotifierConformance(c: NotifierConformance): void {
  const secrets = [...SECRETS, ...(c.secrets ?? [])]
  describe(`${c.name} notifier conformance`, () => {
    let server: Running
    const notifiers: Notifier[] = []
    const build = (url: string): Notifier => {
      const notifier = c.build(url)
      notifiers.push(notifier)
      return notifier
    }
    const at = (path: string): string => `${server.origin}${path}/s3cr3t?token=t0k`

    before(async () => {
      server = await listen((req, res) => {
        const status = /^\/status\/(\d+)\//.exec(req.url)?.[1]
        if (status !== undefined) {
          // The body echoes the (secret) path back, as some receivers do.
          res.writeHead(Number(status)).end(`bad payload for ${req.url}`)
        } else if (req.url.startsWith('/reset/')) {
          res.socket?.destroy()
        } else if (req.url.startsWith('/hang/')) {
          // never answers
        } else {
          res.writeHead(200).end(c.okBody ?? '')
        }
      })
    })
    after(async () => {
      await Promise.all(
        notifiers.map(async (n) => {
          await n.close?.()
        })
      )
      await server.close()
    })

    const okStatuses = c.okStatuses ?? [200, 202, 204]
    it('succeeds on 2xx and POSTs to the URL', async () => {
      for (const code of okStatuses) {
        const before = server.requests.length
        await build(at(`/ok/${code}`)).notify(context(), [FIRING])
        const seen = server.requests.at(-1)
        assert.equal(server.requests.length, before + (c.requestsPerNotify ?? 1))
        assert.equal(seen?.method, 'POST')
      }
    })

    for (const code of [202, 204].filter((code) => !okStatuses.includes(code))) {
      it(`retries ${code}, which this integration does not count as sent`, async () => {
        const err = await rejection(
          build(at(`/status/${code}`)).notify(context(), [FIRING]),
          secrets
        )
        assert.equal(err.retryable, true)
      })
    }

    for (const code of [400, 401, 403, 404, 413, 429]) {
      const retryable = c.retryCodes.includes(code)
      it(`${retryable ? 'retries' : 'gives up on'} ${code}, without the URL`, async () => {
        const err = await rejection(
          build(at(`/status/${code}`)).notify(context(), [FIRING]),
          secrets
        )
        assert.equal(err.retryable, retryable)
        const body = `bad payload for <redacted>`
        if (c.messages?.status !== undefined) {
          assert.equal(err.message, c.messages.status(code, body))
        } else if (c.statusErrorQuotesURL ?? true) {
          // Without an exact text, at least the echoed URL must show redacted; kinds that do
          // not quote the body give their exact text (PagerDuty) or say so (Telegram).
          assert.ok(err.message.includes('<redacted>'), err.message)
        }
      })
    }

    for (const code of [500, 502, 503]) {
      it(`retries ${code}, without the URL`, async () => {
        const err = await rejection(
          build(at(`/status/${code}`)).notify(context(), [FIRING]),
          secrets
        )
        assert.equal(err.retryable, true)
        assert.equal(err.reason, 'serverError')
        if (c.messages?.status !== undefined) {
          assert.equal(err.message, c.messages.status(code, 'bad payload for <redacted>'))
        }
      })
    }

    it('retries a refused connection, without the URL', async () => {
      const port = await closedPort()
      const url = `http://127.0.0.1:${port}/hooks/s3cr3t?token=t0k`
      const err = await rejection(build(url).notify(context(), [FIRING]), secrets)
      assert.equal(err.retryable, true)
      assert.equal(err.reason, 'connectionError')
      assert.ok(err.message.includes('<redacted>'), err.message)
    })

    it('retries a reset connection, without the URL', async () => {
      const err = await rejection(build(at('/reset')).notify(context(), [FIRING]), secrets)
      assert.equal(err.retryable, true)
      assert.ok(err.message.includes('<redacted>'), err.message)
    })

    // The flush deadline aborts with a TimeoutError (src/util Deadline); a reload or shutdown
    // aborts with anything else. Both stop the request at once and may be retried.
    const aborts = [
      ['the flush deadline', () => new DOMException('flush deadline', 'TimeoutError'), 'deadline'],
      ['a reload cancelling the flush', () => new Error('reload'), 'canceled'],
    ] as const
    for (const [what, reason, kind] of aborts) {
      it(`stops promptly at ${what}, as a retryable timeout`, async () => {
        const flush = new AbortController()
        const started = performance.now()
        const pending = build(at('/hang')).notify(context({ signal: flush.signal }), [FIRING])
        setTimeout(() => {
          flush.abort(reason())
        }, 50)
        const err = await rejection(pending, secrets)
        assert.ok(performance.now() - started < 2_000, 'the abort was not prompt')
        assert.equal(err.retryable, true)
        assert.equal(err.reason, 'timeout')
        const message = c.messages?.[kind]
        if (message !== undefined) {
          assert.equal(err.message, message)
        }
      })
    }

    it('closes idempotently, and a send after close fails clearly and finally', async () => {
      const notifier = build(at('/ok/200'))
      await notifier.notify(context(), [FIRING])
      await notifier.close?.()
      await notifier.close?.()
      const err = await rejection(notifier.notify(context(), [FIRING]), secrets)
      assert.equal(err.retryable, false)
      assert.match(err.message, /closed/)
    })
  })
}
