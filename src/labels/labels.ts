import { compareGoStrings } from '../util/index.js'

import { goQuote } from './go-string.js'

/**
 * LabelSet is an alert's (or a group's) labels: an immutable map from label name to value, the
 * counterpart of Go's `model.LabelSet`.
 */
export type LabelSet = Readonly<Record<string, string>>

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * isValidLabelName reports whether `name` is a valid label name in Alertmanager 0.25, i.e. matches
 * `^[a-zA-Z_][a-zA-Z0-9_]*$` (`model.LabelName.IsValid`). The matcher parser also accepts `:`;
 * callers that validate alerts and silences use this stricter check.
 *
 * @param name - the label name to check.
 * @returns true when `name` is valid.
 * @example
 * isValidLabelName('alertname') // true
 * isValidLabelName('job:rate') // false
 */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name)
}

/**
 * labelSetString renders a label set like Go's `model.LabelSet.String`: `name=<%q value>` pairs
 * sorted byte-wise as whole strings and joined by `", "`, in braces. It is the label part of a
 * group key (dispatch/dispatch.go), e.g. `{alertname="A", team="db"}`.
 *
 * Sorting the rendered pairs, not the names, is deliberate: Go sorts the pair strings, so `a1="x"`
 * comes before `a="x"` because `1` (0x31) < `=` (0x3d).
 *
 * @param labels - the label set to render.
 * @returns the rendered label set; `{}` when empty.
 * @example
 * labelSetString({ b: 'y', a: 'x"' }) // '{a="x\\"", b="y"}'
 */
export function labelSetString(labels: LabelSet): string {
  const pairs: string[] = []
  for (const name of Object.keys(labels)) {
    pairs.push(`${name}=${goQuote(labels[name] ?? '')}`)
  }
  pairs.sort(compareGoStrings)
  return `{${pairs.join(', ')}}`
}
