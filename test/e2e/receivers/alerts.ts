// The alerts the receivers' differential tests post where more than one test posts the same:
// the case-per-receiver builder of the chat tests, and the group of 1 and the group of 60
// that the incident tests (opsgenie, pagerduty) send.
import type { PostableAlert } from './by-path.js'

/** TRICKY are labels whose values need escaping in JSON, HTML and Go's quoting alike. */
export const TRICKY = { note: 'é "q" <b>&amp;</b> 😀 \u2028', quote: "it's \\ fine" }

/**
 * alert is a postable alert without times; see startingNow.
 *
 * @param labels - its labels, `case` naming the receiver it is routed to.
 * @param annotations - its annotations.
 * @returns the alert.
 */
export function alert(
  labels: Record<string, string>,
  annotations: Record<string, string> = {}
): PostableAlert {
  return { labels, annotations }
}

/**
 * oneAndSixty is a group of 1 and a group of 60. They start now: 0.25 flushes a new group at
 * once when its first alert started more than group_wait ago, racing the rest of the POST (seen
 * as [FIRING:27] of 60); a fresh start makes both nodes wait group_wait (3s) for the whole
 * batch. The resolved alerts are posted right after a flush, so the next one is group_interval
 * away.
 *
 * @param startsAt - when they start: now, as an ISO timestamp.
 * @returns the 61 alerts, the single one first.
 */
export function oneAndSixty(startsAt: string) {
  const single = {
    labels: { alertname: 'Disk<&>', instance: 'a', note: 'é "q" 😀 <b>' },
    annotations: { summary: 'x < y & "z"' },
    startsAt,
  }
  const sixty = Array.from({ length: 60 }, (_, i) => ({
    labels: {
      alertname: 'Many',
      instance: `host-${String(i).padStart(2, '0')}`,
      note: `n°${i} ✓`,
    },
    annotations: { summary: `load ${i} > 1` },
    startsAt,
  }))
  return [single, ...sixty]
}
