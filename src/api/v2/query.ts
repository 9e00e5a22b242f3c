import { compileGoRegex, parseMatcher } from '../../labels/index.js'
import type { GoRegex, Matcher } from '../../labels/index.js'
import { errorMessage } from '../../util/index.js'
import { HandlerError } from '../errors.js'

const TRUE_WORDS = new Set([
  'true',
  '1',
  'yes',
  'ok',
  'y',
  'on',
  'selected',
  'checked',
  't',
  'enabled',
])

// go-swagger's generated binders read the last value of a repeated parameter and treat an
// empty value as absent (api/v2/restapi/operations/alert/get_alerts_parameters.go).
function lastValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[value.length - 1] : value
  return text === '' ? undefined : text
}

/**
 * queryBool reads a boolean query parameter as go-openapi's swag.ConvertBool: a known "true"
 * word is true (case-insensitive, not trimmed), anything else (even garbage) false, and an
 * absent or empty parameter the default. A repeated parameter counts by its last value.
 *
 * @param value - the parameter's value(s).
 * @param fallback - the value when absent.
 * @returns the boolean.
 */
export function queryBool(value: string | string[] | undefined, fallback: boolean): boolean {
  const text = lastValue(value)
  if (text === undefined) {
    return fallback
  }
  return TRUE_WORDS.has(text.toLowerCase())
}

/**
 * queryList returns a repeatable query parameter as a list.
 *
 * @param value - the parameter's value(s).
 * @returns the values, in order.
 */
export function queryList(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return []
  }
  return Array.isArray(value) ? value : [value]
}

/**
 * filterMatchers parses the `filter` parameters of the alert and silence endpoints.
 *
 * @param value - the `filter` parameter(s).
 * @returns one matcher per filter.
 * @throws HandlerError 400 with the parser's message.
 */
export function filterMatchers(value: string | string[] | undefined): Matcher[] {
  try {
    return queryList(value).map((text) => parseMatcher(text))
  } catch (err: unknown) {
    throw new HandlerError(400, errorMessage(err))
  }
}

/**
 * receiverRegex compiles the `receiver` parameter (its last value) anchored as `^(?:…)$`.
 *
 * @param value - the parameter.
 * @returns the regex, or undefined when the parameter is absent or empty.
 * @throws HandlerError 400 `failed to parse receiver param: …`.
 */
export function receiverRegex(value: string | string[] | undefined): GoRegex | undefined {
  const text = lastValue(value)
  if (text === undefined) {
    return undefined
  }
  try {
    return compileGoRegex(`^(?:${text})$`)
  } catch (err: unknown) {
    throw new HandlerError(400, `failed to parse receiver param: ${errorMessage(err)}`)
  }
}
