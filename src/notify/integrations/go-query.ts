import { goQueryEscape } from '../http/index.js'
import { queryUnescape } from '../template/index.js'

/**
 * parseGoQuery is Go 1.19's url.ParseQuery as URL.Query() uses it, errors ignored: pairs split
 * on `&`, those with a `;` or a bad escape dropped, values kept in order. OpsGenie and WeChat
 * rebuild their request URLs from the configured api_url's query this way.
 *
 * @param rawQuery - the query without its `?`.
 * @returns the values by key, in the order they came.
 */
export function parseGoQuery(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) {
      continue
    }
    const eq = pair.indexOf('=')
    try {
      const key = queryUnescape(eq < 0 ? pair : pair.slice(0, eq))
      const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1))
      values.set(key, [...(values.get(key) ?? []), value])
    } catch {
      continue
    }
  }
  return values
}

/**
 * encodeGoQuery is url.Values.Encode: keys sorted (by bytes), each value query-escaped.
 *
 * @param values - the values by key.
 * @returns the query without its `?`.
 */
export function encodeGoQuery(values: ReadonlyMap<string, readonly string[]>): string {
  const keys = [...values.keys()].sort((a, b) =>
    Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
  )
  return keys
    .flatMap((k) => (values.get(k) ?? []).map((v) => `${goQueryEscape(k)}=${goQueryEscape(v)}`))
    .join('&')
}

/**
 * splitAPIURL splits a configured `api_url` (Go's URL.String()) into what comes before its query
 * and the query, dropping the fragment, which Go never sends.
 *
 * @param apiURL - the URL as the config prints it.
 * @returns the base (scheme, host and path) and the query with its `?` ('' if there is none).
 */
export function splitAPIURL(apiURL: string): { base: string; query: string } {
  const hash = apiURL.indexOf('#')
  const url = hash < 0 ? apiURL : apiURL.slice(0, hash)
  const question = url.indexOf('?')
  return question < 0
    ? { base: url, query: '' }
    : { base: url.slice(0, question), query: url.slice(question) }
}
