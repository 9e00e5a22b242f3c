// Small pieces every page uses. Label names and values are always rendered as text nodes (JSX
// children and attributes), never as HTML: Preact escapes them, and nothing here sets innerHTML.
import type { ComponentChildren } from 'preact'

import { refreshMs } from './hooks'
import { formatMatcher } from './matchers'
import type { LabelSet, Matcher } from './types'

/** ErrorBox shows a failure in words, with what to do next when we know it. */
export function ErrorBox(props: { readonly message: string | undefined; readonly title?: string }) {
  if (props.message === undefined) {
    return null
  }
  return (
    <div class="error" role="alert">
      {props.title === undefined ? null : <strong>{props.title}: </strong>}
      {props.message}
    </div>
  )
}

/** Loading is the line shown before the first answer of a page's data. */
export function Loading(props: { readonly what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {props.what}…
    </p>
  )
}

/** LabelChips shows a label set as `name="value"` chips in name order. */
export function LabelChips(props: {
  readonly labels: LabelSet
  readonly onPick?: (name: string, value: string) => void
}) {
  return (
    <ul class="chips" aria-label="labels">
      {Object.keys(props.labels)
        .sort()
        .map((name) => {
          const value = props.labels[name] ?? ''
          const text = `${name}="${value}"`
          return (
            <li key={name} class="chip">
              {props.onPick === undefined ? (
                text
              ) : (
                <button
                  type="button"
                  class="chip-button"
                  title={`Filter by ${text}`}
                  onClick={() => {
                    props.onPick?.(name, value)
                  }}
                >
                  {text}
                </button>
              )}
            </li>
          )
        })}
    </ul>
  )
}

/** MatcherChips shows matchers as Alertmanager writes them: `name=~"value"`. */
export function MatcherChips(props: { readonly matchers: readonly Matcher[] }) {
  return (
    <ul class="chips" aria-label="matchers">
      {props.matchers.map((m, i) => (
        <li key={i} class="chip matcher">
          {formatMatcher(m)}
        </li>
      ))}
    </ul>
  )
}

/** Page is a page's frame: its heading and content. */
export function Page(props: {
  readonly title: string
  readonly actions?: ComponentChildren
  readonly children: ComponentChildren
}) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{props.title}</h1>
        {props.actions === undefined ? null : <div class="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  )
}

/**
 * LoadError explains a failed load: with nothing loaded yet, what to check; with earlier data on
 * screen, that it is the last answer and when the page tries again.
 */
export function LoadError(props: {
  readonly what: string
  readonly error: string | undefined
  readonly stale: boolean
}) {
  if (props.error === undefined) {
    return null
  }
  const next = props.stale
    ? `Showing the last answer; trying again every ${Math.round(refreshMs() / 1000)} s.`
    : 'Check that the node is running, then reload the page.'
  return <ErrorBox title={`Could not load ${props.what}`} message={`${props.error}. ${next}`} />
}
