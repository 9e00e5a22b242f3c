/**
 * @module util
 * Leaf helpers shared by every folder: errors, durations, time formatting, atomic writes,
 * backoff. Imports nothing from other src folders.
 */
export { AlertmeshError, ClosedError, InvalidArgumentError, errorMessage } from './errors.js'
export type { ErrorCode } from './errors.js'
export {
  DurationError,
  formatDuration,
  formatGoDuration,
  parseDuration,
  parseGoDuration,
} from './duration.js'
