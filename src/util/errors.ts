/**
 * ErrorCode lists every stable error code alertmesh raises; API status mapping and tests key on
 * these, never on message text.
 */
export type ErrorCode =
  | 'AM_INVALID_ARGUMENT'
  | 'AM_CLOSED'
  | 'AM_CONFIG_INVALID'
  | 'AM_MATCHER_INVALID'
  | 'AM_DURATION_INVALID'
  | 'AM_TEMPLATE_INVALID'
  | 'AM_TEMPLATE_EXEC'
  | 'AM_NOTIFY_FAILED'
  | 'AM_NOTIFY_TRANSPORT'
  | 'AM_NOTIFY_PAYLOAD'
  | 'AM_SECRET_FILE_UNREADABLE'
  | 'AM_FLAG_INVALID'
  | 'AM_API_REFUSED'
  | 'AM_SILENCE_NOT_FOUND'
  | 'AM_SILENCE_INVALID'
  | 'AM_CONSUL_UNAVAILABLE'
  | 'AM_CONSUL_PERMISSION'
  | 'AM_CONSUL_REQUEST'
  | 'AM_CLUSTER_LISTEN'
  | 'AM_CLUSTER_PROTOCOL'
  | 'AM_WEB_CONFIG_INVALID'

/**
 * AlertmeshError is the base of every error alertmesh throws on purpose: a stable `code`, a
 * message meant for the operator, and the underlying `cause` when one exists.
 */
export class AlertmeshError extends Error {
  readonly code: ErrorCode

  /**
   * AlertmeshError's constructor.
   *
   * @param code - the stable code.
   * @param message - the operator's text; omitted only by a subclass whose `message` is a getter
   *   (Error's constructor would otherwise shadow it with an own property).
   * @param options - the underlying `cause`, if any.
   */
  constructor(code: ErrorCode, message?: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** InvalidArgumentError reports an option out of range in a constructor, naming the option. */
export class InvalidArgumentError extends AlertmeshError {
  constructor(message: string) {
    super('AM_INVALID_ARGUMENT', message)
  }
}

/** ClosedError is thrown by a component used after its `stop()` was called. */
export class ClosedError extends AlertmeshError {
  constructor(component: string) {
    super('AM_CLOSED', `${component} is stopped`)
  }
}

/**
 * errorMessage narrows an unknown thrown value to a message, for logs and API bodies.
 *
 * @param err - what a `catch` received.
 * @returns the error's message, or its string form when it is not an Error.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
