/** REDACTED is what replaces a secret URL in errors and logs, as Alertmanager's `notify.RedactURL`. */
export const REDACTED = '<redacted>'

/**
 * redactURL hides a URL that may carry a secret, the way Alertmanager 0.25's `notify.RedactURL`
 * does: it replaces the whole URL with `<redacted>`. Nothing is kept (not even scheme and host)
 * because webhook, Slack and similar URLs put their secret in any part: userinfo, host (custom
 * subdomains), path or query. 0.25's RedactURL only rewrites a Go `*url.Error`; this helper takes
 * the URL itself and {@link redactURLInMessage} covers free text.
 *
 * @param url - the URL to hide.
 * @returns `<redacted>`, or `''` for an empty URL (there is nothing to hide and an empty
 *   string tells the reader no URL was configured).
 *
 * @example
 * ```ts
 * redactURL('https://hooks.example.com/T000/B000/XXXX') // '<redacted>'
 * ```
 */
export function redactURL(url: string | URL): string {
  return String(url) === '' ? '' : REDACTED
}

/**
 * redactURLInMessage replaces every spelling of `url` inside `text` with `<redacted>`: as
 * given, as WHATWG-normalised, with and without a trailing slash, without userinfo, with Go's
 * `***` password mask, percent-decoded, its path-and-query alone (when not just `/`) and its
 * password alone. Use it on any message built from a lower layer's error before it reaches a
 * log line or the API, since those layers may quote the URL in ways the caller cannot foresee.
 *
 * @param text - an error message or log text.
 * @param url - the secret URL.
 * @returns the text with each occurrence replaced.
 *
 * @example
 * ```ts
 * redactURLInMessage('POST http://x/s3cr3t failed', 'http://x/s3cr3t') // 'POST <redacted> failed'
 * ```
 */
export function redactURLInMessage(text: string, url: string | URL): string {
  let out = text
  for (const spelling of spellings(url)) {
    out = out.split(spelling).join(REDACTED)
  }
  return out
}

/** spellings lists the ways a URL may appear in text, longest first so parts don't win. */
function spellings(url: string | URL): string[] {
  const raw = String(url)
  const found = new Set<string>([raw])
  let parsed: URL | undefined
  try {
    parsed = new URL(raw)
  } catch {
    parsed = undefined
  }
  if (parsed !== undefined) {
    const withoutUser = new URL(parsed.href)
    withoutUser.username = ''
    withoutUser.password = ''
    const masked = new URL(parsed.href)
    if (masked.password !== '') {
      masked.password = '***'
    }
    for (const href of [parsed.href, withoutUser.href, masked.href]) {
      found.add(href)
      found.add(href.replace(/\/$/, ''))
      found.add(safeDecode(href))
    }
    const pathAndQuery = `${parsed.pathname}${parsed.search}`
    if (pathAndQuery.length > 1) {
      found.add(pathAndQuery)
      found.add(safeDecode(pathAndQuery))
    }
    if (parsed.password !== '') {
      found.add(parsed.password)
      found.add(safeDecode(parsed.password))
    }
  }
  found.delete('')
  return [...found].sort((a, b) => b.length - a.length)
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
