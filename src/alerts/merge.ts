import { isResolved } from './alert.js'
import type { Alert } from './alert.js'

/**
 * mergeAlerts combines two versions of the same alert as Alertmanager's `types.Alert.Merge`:
 * the result is based on the version with the later `updatedAt`, keeps the earliest start, and
 * chooses the end so that an explicit resolve or a client-given end is not lost to a
 * synthesised (resolve_timeout) one.
 *
 * @param a - one version.
 * @param b - the other version.
 * @param now - epoch ms, to tell resolved versions apart.
 * @returns the merged alert.
 */
export function mergeAlerts(a: Alert, b: Alert, now: number): Alert {
  // The younger version provides labels, annotations and the timeout flag.
  const [older, newer] = b.updatedAt < a.updatedAt ? [b, a] : [a, b]
  const startsAt = Math.min(older.startsAt, newer.startsAt)
  let endsAt = newer.endsAt
  if (isResolved(newer, now)) {
    // The latest explicit resolved timestamp wins if both are resolved.
    if (isResolved(older, now) && older.endsAt > newer.endsAt) {
      endsAt = older.endsAt
    }
  } else if (older.endsAt > newer.endsAt && !older.timeout) {
    // A client-given end that lies later always rules over a newer one.
    endsAt = older.endsAt
  }
  if (startsAt === newer.startsAt && endsAt === newer.endsAt) {
    return newer
  }
  return { ...newer, startsAt, endsAt }
}

/**
 * overlaps tells whether a new version of a stored alert lies within the stored one's activity
 * range, the condition under which Alertmanager's memory store merges instead of replacing.
 *
 * @param stored - the alert currently stored.
 * @param incoming - the new version.
 * @returns true when the two must be merged.
 */
export function overlaps(stored: Alert, incoming: Alert): boolean {
  return (
    (incoming.endsAt > stored.startsAt && incoming.endsAt < stored.endsAt) ||
    (incoming.startsAt > stored.startsAt && incoming.startsAt < stored.endsAt)
  )
}
