import { AlertmeshError } from '../../util/index.js'

/**
 * HttpConfigError reports an `http_config` that cannot be turned into a client (unreadable CA
 * file, cert without key, bad proxy URL...). It is raised while building integrations, so a
 * reload fails before anything live is touched. Messages follow prometheus/common's wording.
 */
export class HttpConfigError extends AlertmeshError {
  /**
   * HttpConfigError's constructor.
   *
   * @param message - what is wrong, naming the field or file.
   * @param options - the underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('AM_CONFIG_INVALID', message, options)
  }
}

/**
 * TransportError is a failure of one request below the HTTP status level that is not a plain
 * socket error: a credentials file that cannot be read, too many redirects, a token endpoint
 * that refuses. Like every `client.Do` error in Alertmanager it is retryable.
 */
export class TransportError extends AlertmeshError {
  /**
   * TransportError's constructor.
   *
   * @param message - Go-style description, e.g. `stopped after 10 redirects`.
   * @param options - the underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('AM_NOTIFY_TRANSPORT', message, options)
    this.name = 'TransportError'
  }
}
