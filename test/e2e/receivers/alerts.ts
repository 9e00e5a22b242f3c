// The alerts the receivers' differential tests post where more than one test posts the same:
// the case-per-receiver builder of the chat tests and the cases they all begin with, and the
// group of 1 and the group of 60 that the incident tests (opsgenie, pagerduty) send.
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
 * chatCases are the cases the chat tests post first: `fail` and `broken` (one alert each, for
 * a 400 and a template error), `defaults` (one alert with TRICKY labels) and `sixty` (a group
 * of 60 alerts, `instance` host-00 to host-59).
 *
 * @param sixtySummary - the summary of the i-th of the sixty, where a test needs it longer.
 * @param sixtyLabels - labels the i-th of the sixty has besides alertname, case and instance.
 * @returns the alerts, in that order.
 */
export function chatCases(
  sixtySummary: (i: number) => string = (i) => `büsy ${i} <${i}>`,
  sixtyLabels: (i: number) => Record<string, string> = () => ({})
): PostableAlert[] {
  return [
    alert({ alertname: 'Fail', case: 'fail' }),
    alert({ alertname: 'Broken', case: 'broken' }),
    alert({ alertname: 'Disk<&>', case: 'defaults', ...TRICKY }, { summary: 'x < y & "z"' }),
    ...Array.from({ length: 60 }, (_, i) =>
      alert(
        {
          alertname: 'Many',
          case: 'sixty',
          instance: `host-${String(i).padStart(2, '0')}`,
          ...sixtyLabels(i),
        },
        { summary: sixtySummary(i) }
      )
    ),
  ]
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
