import { AlertmeshError } from '../util/index.js'

/**
 * MatcherError reports a label matcher or Go regex that cannot be parsed or compiled. Its message
 * is Alertmanager 0.25's, e.g. `bad matcher format: sev` or `error parsing regexp: missing
 * closing ): ...`, so API and config errors read like the original.
 */
export class MatcherError extends AlertmeshError {
  constructor(message: string, options?: ErrorOptions) {
    super('AM_MATCHER_INVALID', message, options)
  }
}
