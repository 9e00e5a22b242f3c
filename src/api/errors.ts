import { AlertmeshError } from '../util/index.js'
import type { ErrorCode } from '../util/index.js'

/**
 * OpenApiError is a framework-level refusal as go-openapi writes it: a status and a JSON body
 * `{"code": <bodyCode>, "message": <text>}` (bodyCode is the status, or 6xx for schema errors).
 */
export class OpenApiError extends AlertmeshError {
  readonly status: number
  /** bodyCode is go-openapi's numeric `code` of the answer body (`code` is alertmesh's). */
  readonly bodyCode: number

  constructor(status: number, bodyCode: number, message: string) {
    super('AM_API_REFUSED', message)
    this.name = 'OpenApiError'
    this.status = status
    this.bodyCode = bodyCode
  }
}

/**
 * HandlerError is a refusal by an API handler: Alertmanager answers those with a bare JSON
 * string body.
 */
export class HandlerError extends AlertmeshError {
  readonly status: number

  constructor(status: number, message: string) {
    super('AM_API_REFUSED', message)
    this.name = 'HandlerError'
    this.status = status
  }
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  AM_MATCHER_INVALID: 400,
  AM_SILENCE_INVALID: 400,
  AM_SILENCE_NOT_FOUND: 404,
  AM_CONFIG_INVALID: 500,
}

/**
 * statusForError is the one place that maps alertmesh error codes to HTTP statuses.
 *
 * @param err - what a handler threw.
 * @returns the HTTP status to answer with.
 */
export function statusForError(err: unknown): number {
  if (err instanceof OpenApiError || err instanceof HandlerError) {
    return err.status
  }
  if (err instanceof AlertmeshError) {
    return STATUS_BY_CODE[err.code] ?? 500
  }
  return 500
}
