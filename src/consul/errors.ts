import { AlertmeshError } from '../util/index.js'
import type { ErrorCode } from '../util/index.js'

/** ConsulErrorCode is the subset of {@link ErrorCode} a {@link ConsulError} carries. */
export type ConsulErrorCode = Extract<
  ErrorCode,
  'AM_CONSUL_UNAVAILABLE' | 'AM_CONSUL_PERMISSION' | 'AM_CONSUL_REQUEST'
>

/**
 * ConsulError reports a Consul call that failed, with a message that tells the operator what to
 * check. The code says which kind: `AM_CONSUL_UNAVAILABLE` (no answer: connection refused or
 * reset, timeout, TLS handshake), `AM_CONSUL_PERMISSION` (403 from the ACL system) or
 * `AM_CONSUL_REQUEST` (any other status, or a response alertmesh cannot read). Messages never
 * contain the ACL token.
 */
export class ConsulError extends AlertmeshError {
  /** The HTTP status Consul answered with; absent when no response arrived. */
  readonly status?: number

  /**
   * ConsulError's constructor takes the code, the operator message and, when Consul answered,
   * the status.
   *
   * @param code - which kind of failure.
   * @param message - what happened and what to check.
   * @param options - the HTTP status and the lower-level cause.
   */
  constructor(
    code: ConsulErrorCode,
    message: string,
    options: { readonly status?: number; readonly cause?: unknown } = {}
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    if (options.status !== undefined) {
      this.status = options.status
    }
  }
}
