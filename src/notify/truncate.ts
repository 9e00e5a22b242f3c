/**
 * TRUNCATION_MARKER ends a truncated notification field (Alertmanager's notify/util.go).
 */
export const TRUNCATION_MARKER = '…'

const MARKER_BYTES = Buffer.byteLength(TRUNCATION_MARKER, 'utf8')

/**
 * truncateInRunes is Alertmanager 0.25's notify.TruncateInRunes: the string cut to `n` runes
 * (code points), the last one replaced by `…` when anything was cut; fields limited by their
 * receiver in characters (Slack titles, PagerDuty summaries, OpsGenie messages) use it.
 *
 * @param s - the rendered field.
 * @param n - the receiver's limit in runes.
 * @returns the text and whether it was truncated.
 */
export function truncateInRunes(s: string, n: number): { text: string; truncated: boolean } {
  const runes = Array.from(s)
  if (runes.length <= n) {
    return { text: s, truncated: false }
  }
  if (n <= 3) {
    return { text: runes.slice(0, n).join(''), truncated: true }
  }
  return { text: runes.slice(0, n - 1).join('') + TRUNCATION_MARKER, truncated: true }
}

/**
 * truncateInBytes is Alertmanager 0.25's notify.TruncateInBytes: the string cut to at most `n`
 * bytes of UTF-8, never inside a rune, ending in `…` (3 bytes) when anything was cut; fields
 * limited in bytes (Webex messages) use it.
 *
 * @param s - the rendered field.
 * @param n - the receiver's limit in bytes.
 * @returns the text and whether it was truncated.
 */
export function truncateInBytes(s: string, n: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(s, 'utf8') <= n) {
    return { text: s, truncated: false }
  }
  // The marker alone is 3 bytes: below that Go returns dots, not part of the string.
  if (n <= MARKER_BYTES) {
    return { text: n === MARKER_BYTES ? TRUNCATION_MARKER : '.'.repeat(n), truncated: true }
  }
  // Go takes `target` runes, then drops runes until their bytes fit: as every rune has at least
  // one byte, that is the longest run of whole runes within `target` bytes.
  const target = n - MARKER_BYTES
  let bytes = 0
  let text = ''
  for (const rune of s) {
    const size = Buffer.byteLength(rune, 'utf8')
    if (bytes + size > target) {
      break
    }
    bytes += size
    text += rune
  }
  return { text: text + TRUNCATION_MARKER, truncated: true }
}
