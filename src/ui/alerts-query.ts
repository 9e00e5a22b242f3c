// The Alerts page's view as it lives in the hash query (Alertmanager's parameter names, so its
// bookmarks keep working), and the links the page builds from alerts.
import type { AlertQuery } from './api'
import { formatMatcher, formatMatchers, matcherOf, matchersOfLabels } from './matchers'
import type { LabelSet, Matcher } from './types'

/** AlertsView is what the Alerts page shows: the controls above the list. */
export interface AlertsView {
  /** The filter text as typed and applied, e.g. `{alertname="Disk"}`; '' for none. */
  readonly filter: string
  readonly silenced: boolean
  readonly inhibited: boolean
  /** One receiver's name; '' for all. */
  readonly receiver: string
}

/**
 * viewOfQuery reads the page's hash query. Silenced and inhibited alerts are hidden unless the
 * query says `true`: Alertmanager's default view.
 */
export function viewOfQuery(query: URLSearchParams): AlertsView {
  return {
    filter: query.get('filter') ?? '',
    silenced: query.get('silenced') === 'true',
    inhibited: query.get('inhibited') === 'true',
    receiver: query.get('receiver') ?? '',
  }
}

/** queryOfView writes a view back for replaceQuery (Alertmanager writes the flags explicitly). */
export function queryOfView(view: AlertsView): Record<string, string | undefined> {
  return {
    filter: view.filter,
    silenced: String(view.silenced),
    inhibited: String(view.inhibited),
    receiver: view.receiver,
  }
}

/** escapeRegExp quotes a receiver name: the API's `receiver` parameter is a regex. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** apiQueryOf is the API query of a view whose filter parsed to `matchers`. */
export function apiQueryOf(view: AlertsView, matchers: readonly Matcher[]): AlertQuery {
  return {
    filter: matchers,
    silenced: view.silenced,
    inhibited: view.inhibited,
    active: true,
    ...(view.receiver === '' ? {} : { receiver: escapeRegExp(view.receiver) }),
  }
}

/** withLabelMatcher adds `name="value"` to a matcher list unless an identical one is there. */
export function withLabelMatcher(matchers: readonly Matcher[], name: string, value: string) {
  const added = matcherOf(name, '=', value)
  const text = formatMatcher(added)
  const list = matchers.some((m) => formatMatcher(m) === text)
    ? [...matchers]
    : [...matchers, added]
  return formatMatchers(list)
}

/** silenceLink opens the new-silence form prefilled with one equality matcher per label. */
export function silenceLink(labels: LabelSet): string {
  return `#/silences/new?filter=${encodeURIComponent(formatMatchers(matchersOfLabels(labels)))}`
}

/**
 * safeHttpUrl returns an alert's generatorURL when it is an absolute http(s) URL, else
 * undefined: the API accepts any URI, and a `javascript:` one must never become a link.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') {
    return undefined
  }
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}
