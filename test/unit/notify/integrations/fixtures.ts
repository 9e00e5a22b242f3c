// What the notifier tests share: one flush of one alert, Alertmanager's User-Agent and a logger
// that records what a notifier logs. Each kind's config and payload facts stay in its own test.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'

import bunyan from 'bunyan'

import type { Alert } from '#src/alerts/index.js'
import { classifyStatus } from '#src/notify/http/index.js'
import { NotifyError } from '#src/notify/index.js'
import type { AlertTemplate, NotifyContext } from '#src/notify/index.js'

import type { Recorded, Running } from '../http/servers.js'

/** UA is the User-Agent Alertmanager 0.25 sends, which the notifiers are built with. */
export const UA = 'Alertmanager/0.25.0'

/** NOW is the instant the flush judges alerts at: five minutes after FIRING started. */
export const NOW = Date.UTC(2024, 0, 1, 0, 5)

/** FIRING is alert `A`, firing since 2024-01-01 (no end). */
export const FIRING: Alert = {
  labels: { alertname: 'A' },
  annotations: {},
  startsAt: Date.UTC(2024, 0, 1),
  endsAt: 0,
  generatorURL: '',
  updatedAt: Date.UTC(2024, 0, 1),
  timeout: false,
  fingerprint: '0123456789abcdef',
}

/**
 * context is one flush of group `{}:{alertname="A"}` for receiver `team` at {@link NOW}, with a
 * signal of its own that never aborts.
 *
 * @param overrides - fields to replace, e.g. the signal or the group key.
 * @returns the flush.
 */
export function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    receiver: 'team',
    groupKey: '{}:{alertname="A"}',
    groupLabels: { alertname: 'A' },
    repeatIntervalMs: 4 * 3600_000,
    now: NOW,
    signal: new AbortController().signal,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    ...overrides,
  }
}

/**
 * capture is a logger that keeps each record it is given, parsed.
 *
 * @param level - the lowest level kept: what the test means to observe.
 * @returns the records (filled as the notifier logs) and the logger.
 */
export function capture(level: bunyan.LogLevel) {
  const records: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { records, log: bunyan.createLogger({ name: 't', level, stream }) }
}

/**
 * alert is a firing (or, with `endsAt`, resolved) alert with the given labels, the summary
 * `x < y` (an HTML-escaping probe) and a generator URL, as the chat notifiers' tests use it.
 *
 * @param labels - the alert's labels.
 * @param endsAt - its end (epoch ms), 0 for none.
 * @returns the alert.
 */
export function alert(labels: Record<string, string>, endsAt = 0): Alert {
  return {
    labels,
    annotations: { summary: 'x < y' },
    startsAt: Date.UTC(2024, 0, 1),
    endsAt,
    generatorURL: 'http://prom/graph',
    updatedAt: Date.UTC(2024, 0, 1),
    timeout: false,
    fingerprint: '0123456789abcdef',
  }
}

/**
 * twoFiring is the group the "POSTs the defaults as Go encodes them" tests send: two firing
 * alerts of alertname A, one with an HTML-escaping probe for its instance.
 *
 * @returns the alerts.
 */
export function twoFiring(): Alert[] {
  return [alert({ alertname: 'A', instance: 'a<1>' }), alert({ alertname: 'A', instance: 'b' })]
}

/**
 * renderFlush renders template texts with the data a notifier renders them with in a flush of
 * `alerts` at {@link context}: receiver `team`, group alertname A, at {@link NOW}.
 *
 * @param template - the templates the notifier was built with.
 * @param alerts - the flushed alerts.
 * @returns a renderer of template texts.
 */
export function renderFlush(
  template: AlertTemplate,
  alerts: readonly Alert[]
): (text: string) => string {
  const data = template.data('team', { alertname: 'A' }, alerts, NOW)
  return (text) => template.executeTextString(text, data)
}

/**
 * lastRequest is the last request a test server recorded; it fails the test when there is none.
 *
 * @param server - the server.
 * @returns its last request.
 */
export function lastRequest(server: Running): Recorded {
  const request = server.requests.at(-1)
  assert.ok(request !== undefined)
  return request
}

/** GO_STATUSES are the statuses upstream's test.RetryTests walks (every status Go names). */
export const GO_STATUSES = [
  100, 101, 102, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
  307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
  417, 418, 422, 423, 424, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
  510, 511,
]

/**
 * assertFinalUnsent checks that `send` fails for good (a NotifyError, not retryable, with a
 * message matching `message`) and that the server received no request meanwhile.
 *
 * @param server - the server the notifier posts to.
 * @param send - the notification.
 * @param message - what the error message must match.
 */
export async function assertFinalUnsent(
  server: Running,
  send: () => Promise<unknown>,
  message: RegExp
): Promise<void> {
  const before = server.requests.length
  await assert.rejects(send(), (err: unknown) => {
    assert.ok(err instanceof NotifyError)
    assert.equal(err.retryable, false)
    assert.match(err.message, message)
    return true
  })
  assert.equal(server.requests.length, before)
}

/**
 * assertPostJSON checks that a request is a POST to `url` with PostJSON's headers: the JSON
 * content type and Alertmanager's User-Agent.
 *
 * @param request - the recorded request.
 * @param url - its expected path and query.
 */
export function assertPostJSON(request: Recorded, url: string): void {
  assert.equal(request.method, 'POST')
  assert.equal(request.url, url)
  assert.equal(request.headers['content-type'], 'application/json')
  assert.equal(request.headers['user-agent'], UA)
}

/**
 * assertRetriesGo5xx checks, over GO_STATUSES, that exactly the 5xx statuses are retried with
 * the given retry codes (upstream's test.RetryTests(test.DefaultRetryCodes())).
 *
 * @param retryCodes - the integration's extra retry codes.
 * @param why - the assertion message for a status.
 */
export function assertRetriesGo5xx(
  retryCodes: readonly number[],
  why: (code: number) => string
): void {
  for (const code of GO_STATUSES) {
    const retry = classifyStatus(code, retryCodes)?.retryable ?? false
    assert.equal(retry, code >= 500, why(code))
  }
}
