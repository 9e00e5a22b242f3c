// The "test labels" box of the Routing page: label pairs as `amtool config routes test` takes
// its arguments. The shell splits amtool's arguments; here spaces do, except inside a double-
// quoted value (`owner="db team"`), where `\"` is a quote. Each pair goes to the node as it was
// typed, so the node's matcher parser (the same as amtool's) decides what it means and words
// the error for a bad one.

/**
 * splitLabelPairs splits the box's text into pairs: `service=db severity="page"` is
 * `['service=db', 'severity="page"']`. An unterminated quote runs to the end of the text (the
 * node then refuses that pair).
 *
 * @param text - the text as typed.
 * @returns the pairs, in order.
 */
export function splitLabelPairs(text: string): string[] {
  const pairs: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i)
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text.charAt(i + 1)
      i++
      continue
    }
    if (char === '"') {
      quoted = !quoted
    }
    if (!quoted && /\s/.test(char)) {
      if (current !== '') {
        pairs.push(current)
      }
      current = ''
      continue
    }
    current += char
  }
  if (current !== '') {
    pairs.push(current)
  }
  return pairs
}

/**
 * routeTestPath is the routes/test request for the pairs: one `label` parameter each.
 *
 * @param pairs - from {@link splitLabelPairs}.
 * @returns the path under /api/alertmesh/v1.
 */
export function routeTestPath(pairs: readonly string[]): string {
  const params = new URLSearchParams()
  for (const pair of pairs) {
    params.append('label', pair)
  }
  return `routes/test?${params.toString()}`
}
