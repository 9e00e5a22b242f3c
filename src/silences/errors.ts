import { AlertmeshError } from '../util/index.js'

/** SILENCE_NOT_FOUND_MESSAGE is 0.25's `silence.ErrNotFound` text, which the API returns as is. */
export const SILENCE_NOT_FOUND_MESSAGE = 'silence not found'

/**
 * SilenceInvalidError reports a silence that fails validation, with 0.25's message, e.g.
 * `silence invalid: at least one matcher required` (silence/silence.go validateSilence). The API answers it with 400.
 */
export class SilenceInvalidError extends AlertmeshError {
  /**
   * SilenceInvalidError's constructor prefixes the reason as 0.25's `errors.Wrap` does.
   *
   * @param reason - what is wrong, e.g. `invalid zero start timestamp`.
   * @param options - the underlying cause, if any.
   */
  constructor(reason: string, options?: ErrorOptions) {
    super('AM_SILENCE_INVALID', `silence invalid: ${reason}`, options)
  }
}

/**
 * SilenceNotFoundError reports an id the store does not hold (0.25's `silence.ErrNotFound`);
 * its message is exactly `silence not found`.
 */
export class SilenceNotFoundError extends AlertmeshError {
  /** SilenceNotFoundError's constructor takes no arguments: the message is fixed. */
  constructor() {
    super('AM_SILENCE_NOT_FOUND', SILENCE_NOT_FOUND_MESSAGE)
  }
}
