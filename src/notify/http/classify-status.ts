import type { FailureReason } from '../notify-error.js'
import { NotifyError } from '../notify-error.js'

/** MAX_ERROR_DETAILS_CHARS caps the response text quoted in an error message. */
export const MAX_ERROR_DETAILS_CHARS = 1024

/** Alertmanager's `truncationMarker`. */
const TRUNCATION_MARKER = '…'

/**
 * classifyStatus is Alertmanager's `Retrier.Check` (`notify/util.go`): a 2xx status succeeds;
 * otherwise the attempt failed with `unexpected status code <status>` followed by `: <details>`
 * when there are details, and it is retryable for 5xx and for the integration's extra retry
 * codes (429 for opsgenie, for instance).
 *
 * @param status - the HTTP status code.
 * @param extraRetryCodes - non-5xx codes that are worth retrying for this integration.
 * @param details - what to quote after the status, usually the response body; capped at
 *   {@link MAX_ERROR_DETAILS_CHARS} characters with Alertmanager's `…` marker. Callers quoting a
 *   URL must redact it first. A function is called only when the status is a failure.
 * @returns undefined on success, else the NotifyError to throw. Its reason is `serverError` for
 *   5xx, `clientError` for 4xx and `other` for anything else.
 *
 * @example
 * ```ts
 * classifyStatus(204) // undefined
 * classifyStatus(400, [], 'bad json')?.message // 'unexpected status code 400: bad json'
 * classifyStatus(429, [429])?.retryable // true
 * ```
 */
export function classifyStatus(
  status: number,
  extraRetryCodes: readonly number[] = [],
  details: string | (() => string) = ''
): NotifyError | undefined {
  if (Math.trunc(status / 100) === 2) {
    return undefined
  }
  // A function is only called for a failure: redacting the body of every successful response
  // showed in profiles of the notification path.
  details = typeof details === 'string' ? details : details()
  const retryable = Math.trunc(status / 100) === 5 || extraRetryCodes.includes(status)
  let message = `unexpected status code ${status}`
  if (details !== '') {
    message = `${message}: ${truncate(details, MAX_ERROR_DETAILS_CHARS)}`
  }
  return new NotifyError(message, { retryable, reason: reasonForStatus(status) })
}

/**
 * reasonForStatus maps a failed status to the failure reason label (as later Alertmanager
 * releases' `GetFailureReasonFromStatusCode`).
 *
 * @param status - a non-2xx HTTP status code.
 * @returns `clientError` for 4xx, `serverError` for 5xx, else `other`.
 */
export function reasonForStatus(status: number): FailureReason {
  switch (Math.trunc(status / 100)) {
    case 4:
      return 'clientError'
    case 5:
      return 'serverError'
    default:
      return 'other'
  }
}

/** Truncates by code points, keeping room for the marker (Alertmanager's `TruncateInRunes`). */
function truncate(text: string, max: number): string {
  // Code points, as Go runes; grapheme clusters may be split, as in Alertmanager.
  const runes = Array.from(text)
  if (runes.length <= max) {
    return text
  }
  return `${runes.slice(0, max - 1).join('')}${TRUNCATION_MARKER}`
}
