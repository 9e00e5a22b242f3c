/**
 * HttpError is a refusal with Consul's status code and plain-text reason, as its HTTP layer
 * writes an HTTPError: the reason is the whole body.
 */
export class HttpError extends Error {
  readonly status: number

  /**
   * Creates the error.
   *
   * @param status - the HTTP status.
   * @param reason - the body text, Consul's exact wording where known.
   */
  constructor(status: number, reason: string) {
    super(reason)
    this.name = 'HttpError'
    this.status = status
  }
}
