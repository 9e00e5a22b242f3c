/**
 * Pieces of Go's encoding/json that several kinds need when they read a receiver's JSON answer
 * the way Alertmanager does, so that their errors carry encoding/json's words.
 */

/** JSONValue is a document JSON.parse returned. */
export type JSONValue = null | boolean | number | string | JSONValue[] | JSONObject

/** JSONObject is a JSON object, keys as they came. */
export interface JSONObject {
  [key: string]: JSONValue
}

/**
 * isJSONObject tells an object from null, an array and the scalars.
 *
 * @param v - a parsed value, or undefined for a key that was absent.
 * @returns whether `v` is an object.
 */
export const isJSONObject = (v: JSONValue | undefined): v is JSONObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * goJSONKind names a JSON value as encoding/json's UnmarshalTypeError does in
 * `json: cannot unmarshal <kind> into …`.
 *
 * @param v - the parsed value that did not fit.
 * @returns `array`, `string`, `number`, `bool` or `object`.
 */
export function goJSONKind(v: unknown): string {
  if (Array.isArray(v)) {
    return 'array'
  }
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'number':
      return 'number'
    case 'boolean':
      return 'bool'
    default:
      return 'object'
  }
}
