/** The characters Go's `regexp.QuoteMeta` escapes. */
const SPECIAL = /[\\.+*?()|[\]{}^$]/g

/**
 * quoteMeta is Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
 * Alertmanager 0.25 applies it to the receiver name in template data, so the webhook payload
 * says `"receiver":"db\\.team"` for a receiver named `db.team`.
 *
 * @param s - any text.
 * @returns the text with regexp metacharacters escaped.
 *
 * @example
 * ```ts
 * quoteMeta('db.team') // 'db\\.team'
 * ```
 */
export function quoteMeta(s: string): string {
  return s.replace(SPECIAL, '\\$&')
}
