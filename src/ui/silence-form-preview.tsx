// The live preview: which alerts the silence would mute, asked of the node itself. The node
// matches with Go's RE2, so its answer is also the server-side check of the matchers: a regex the
// browser accepts but RE2 refuses (lookahead, backreferences) comes back as a 400 with the reason.
import { ApiError, api } from './api'
import { LabelChips } from './components'
import { useDebounced, usePolled } from './hooks'
import { href } from './router'
import type { Alert, Matcher } from './types'

/** PREVIEW_DEBOUNCE_MS lets the user finish typing before the node is asked. */
const PREVIEW_DEBOUNCE_MS = 300
/** PREVIEW_LIMIT keeps a page with thousands of matching alerts responsive. */
const PREVIEW_LIMIT = 50

/** Preview is what the node said about the current matchers. */
export type Preview =
  /** The matchers have local problems (or there are none): nothing was asked. */
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'alerts'; readonly alerts: readonly Alert[]; readonly error?: string }
  | { readonly kind: 'refused'; readonly message: string }
  /** The node could not be asked (it is down, or answered 5xx). */
  | { readonly kind: 'failed'; readonly message: string }

type Answer =
  | { readonly key: string; readonly alerts: readonly Alert[] }
  | { readonly key: string; readonly refused: string }

/**
 * usePreview asks the node for the alerts matching `matchers` (undefined while they are locally
 * invalid), debounced, and again on every page refresh. Only an answer for the current matchers
 * counts, so a stale count never shows under new matchers.
 */
export function usePreview(matchers: readonly Matcher[] | undefined): Preview {
  const key = matchers === undefined ? '' : JSON.stringify(matchers)
  const settled = useDebounced(key, PREVIEW_DEBOUNCE_MS)
  const loaded = usePolled<Answer | undefined>(async (signal) => {
    if (settled === '') {
      return undefined
    }
    const filter = JSON.parse(settled) as Matcher[]
    try {
      return { key: settled, alerts: await api.alerts({ filter }, signal) }
    } catch (err) {
      // 400 is the node refusing the matchers; anything else is a failure to ask.
      if (err instanceof ApiError && err.status === 400) {
        return { key: settled, refused: err.message }
      }
      throw err
    }
  }, settled)

  if (key === '') {
    return { kind: 'idle' }
  }
  const answer = loaded.data
  if (key !== settled || answer?.key !== key) {
    if (loaded.error !== undefined && !loaded.loading && key === settled) {
      return { kind: 'failed', message: loaded.error }
    }
    return { kind: 'checking' }
  }
  if ('refused' in answer) {
    return { kind: 'refused', message: answer.refused }
  }
  return loaded.error === undefined
    ? { kind: 'alerts', alerts: answer.alerts }
    : { kind: 'alerts', alerts: answer.alerts, error: loaded.error }
}

function AlertNotes(props: { readonly alert: Alert; readonly editId: string | undefined }) {
  const others = props.alert.status.silencedBy.filter((id) => id !== props.editId)
  const inhibitors = props.alert.status.inhibitedBy.length
  if (others.length === 0 && inhibitors === 0) {
    return null
  }
  return (
    <p class="sf-alert-note muted">
      {others.length === 0 ? null : (
        <>
          Already silenced by{' '}
          {others.map((id, i) => (
            <span key={id}>
              {i > 0 ? ', ' : null}
              <a href={href(`/silences/${encodeURIComponent(id)}`)}>{id}</a>
            </span>
          ))}
          .{' '}
        </>
      )}
      {inhibitors === 0
        ? null
        : `Inhibited by ${inhibitors} other alert${inhibitors > 1 ? 's' : ''}.`}
    </p>
  )
}

function muteCount(n: number): string {
  return n === 1 ? '1 alert will be muted' : `${n} alerts will be muted`
}

/** PreviewPanel shows the preview; `editId` marks the silence being edited (not "another"). */
export function PreviewPanel(props: { readonly preview: Preview; readonly editId?: string }) {
  const { preview } = props
  let body
  switch (preview.kind) {
    case 'idle':
      body = <p class="muted">Enter valid matchers to see which alerts the silence mutes.</p>
      break
    case 'checking':
      body = <p class="muted">Checking which alerts match…</p>
      break
    case 'refused':
      body = <p class="muted">The node refused these matchers (see above).</p>
      break
    case 'failed':
      body = (
        <p class="error" role="alert">
          Could not ask the node which alerts match: {preview.message}
        </p>
      )
      break
    case 'alerts': {
      const shown = preview.alerts.slice(0, PREVIEW_LIMIT)
      const hidden = preview.alerts.length - shown.length
      body = (
        <>
          <p class="sf-preview-count">
            <strong>{muteCount(preview.alerts.length)}</strong>
            {preview.alerts.length === 0
              ? ' now; the silence will also mute matching alerts that fire later.'
              : ' (and any matching alert that fires later).'}
          </p>
          {preview.error === undefined ? null : (
            <p class="error">Could not refresh this list: {preview.error}</p>
          )}
          <ul class="sf-preview-list" aria-label="alerts the silence will mute">
            {shown.map((alert) => (
              <li key={alert.fingerprint} class="sf-preview-alert">
                <LabelChips labels={alert.labels} />
                <AlertNotes alert={alert} editId={props.editId} />
              </li>
            ))}
          </ul>
          {hidden > 0 ? <p class="muted">…and {hidden} more.</p> : null}
        </>
      )
      break
    }
  }
  return (
    <section class="card sf-preview" aria-labelledby="preview-title" aria-live="polite">
      <h2 id="preview-title">Affected alerts</h2>
      {body}
    </section>
  )
}
