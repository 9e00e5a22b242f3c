/**
 * @module util
 * Leaf helpers shared by every folder: errors, durations, time formatting, Go-compatible JSON,
 * retry backoff, deadlines, URL redaction, a quantile-less summary metric. Imports nothing from other src
 * folders.
 */
export { atomicWrite, syncDir } from './atomic-write.js'
export { ExponentialBackoff, BACKOFF_DEFAULTS } from './backoff.js'
export { Deadline } from './deadline.js'
export type { ExponentialBackoffOptions } from './backoff.js'
export {
  DurationError,
  formatDuration,
  formatGoDuration,
  parseDuration,
  parseGoDuration,
} from './duration.js'
export { AlertmeshError, ClosedError, InvalidArgumentError, errorMessage } from './errors.js'
export type { ErrorCode } from './errors.js'
export { GO_ERRNO_TEXT, goPathErrorText } from './go-path-error.js'
export { compareGoStrings, goJSONString, goJSONStringMap, goJSONStringify } from './go-json.js'
export { PlainSummary } from './plain-summary.js'
export type { SummarySnapshot } from './plain-summary.js'
export { REDACTED, redactURL, redactURLInMessage } from './redact.js'
export {
  GO_ZERO_TIME_MS,
  ZERO_TIME_TEXT,
  formatRFC3339Millis,
  formatRFC3339Nano,
  parseRFC3339,
} from './time.js'
export { WarnLimiter } from './warn-limiter.js'
