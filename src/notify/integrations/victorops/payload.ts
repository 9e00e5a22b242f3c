import { goUrlString, parseGoUrl } from '../../../config/index.js'
import { goJSONStringMap } from '../../../util/index.js'

/**
 * victorOpsURL is where 0.25 posts an alert (notify/victorops/victorops.go): `api_key` and the
 * rendered routing key appended to the decoded path of `api_url` (which the config has already
 * ended with `/`), and the whole path escaped again by Go's URL.String(), so a routing key with
 * a space or a non-ASCII letter is percent-encoded, `?` included, while `/` stays a separator.
 * The query of `api_url` is kept as configured.
 *
 * @param apiURL - `api_url` as the config prints it (Go's URL.String()).
 * @param apiKey - the API key, inline or read from its file.
 * @param routingKey - the rendered routing key.
 * @returns the request URL.
 */
export function victorOpsURL(apiURL: string, apiKey: string, routingKey: string): string {
  const url = parseGoUrl(apiURL)
  // Changing Path makes Go ignore a RawPath that no longer decodes to it, as here.
  url.path += `${apiKey}/${routingKey}`
  return goUrlString(url)
}

/**
 * encodeVictorOpsMessage is the body 0.25 sends: a Go `map[string]string` through
 * json.Encoder, so the keys are sorted byte-wise whatever their origin (fixed fields and
 * custom_fields alike), `<`, `>` and `&` are `\u` escapes, and a newline ends it.
 *
 * @param fields - the rendered fields, custom ones included.
 * @returns the request body.
 */
export function encodeVictorOpsMessage(fields: Readonly<Record<string, string>>): string {
  return `${goJSONStringMap(fields)}\n`
}
