import type { LabelSet } from '../labels/index.js'
import { compareGoStrings } from '../util/index.js'

import type { Alert } from './alert.js'

/**
 * labelSetBefore is prometheus/common's LabelSet.Before: fewer labels first, then the first
 * differing value over the union of names in sorted order (a missing name sorts first).
 *
 * @param a - one label set.
 * @param b - the other.
 * @returns true when `a` sorts before `b`.
 */
export function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  const namesA = Object.keys(a)
  const namesB = Object.keys(b)
  if (namesA.length !== namesB.length) {
    return namesA.length < namesB.length
  }
  const names = [...new Set([...namesA, ...namesB])].sort()
  for (const name of names) {
    const va = a[name]
    if (va === undefined) {
      return true
    }
    const vb = b[name]
    if (vb === undefined) {
      return false
    }
    if (va !== vb) {
      // Go compares strings by UTF-8 bytes, which differs from `<` on UTF-16 units.
      return compareGoStrings(va, vb) < 0
    }
  }
  return false
}

/**
 * compareLabelSets orders label sets as labelSetBefore, for Array.prototype.sort.
 *
 * @param a - one label set.
 * @param b - the other.
 * @returns negative, zero or positive.
 */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  if (labelSetBefore(a, b)) {
    return -1
  }
  return labelSetBefore(b, a) ? 1 : 0
}

const OVERRIDE_KEYS = ['job', 'instance'] as const

/**
 * compareAlerts orders alerts as Alertmanager's types.AlertSlice does in notifications and
 * groups: by `job`, then `instance` (an alert having the label first), then by label set.
 *
 * @param a - one alert.
 * @param b - the other.
 * @returns negative, zero or positive (use with a stable sort).
 */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const key of OVERRIDE_KEYS) {
    const va = a.labels[key]
    const vb = b.labels[key]
    if (va === undefined && vb === undefined) {
      continue
    }
    if (va === undefined) {
      return 1
    }
    if (vb === undefined) {
      return -1
    }
    if (va !== vb) {
      return compareGoStrings(va, vb) < 0 ? -1 : 1
    }
  }
  return compareLabelSets(a.labels, b.labels)
}
