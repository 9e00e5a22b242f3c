// Expiring silences, always behind one confirmation: a modal <dialog> (not window.confirm, which
// some browsers suppress and which cannot say which silences are meant) naming the silences and
// what expiring them does. The list's row and bulk actions and the detail page share it.
import { useEffect, useRef, useState } from 'preact/hooks'

import { api } from './api'
import { ErrorBox } from './components'
import { formatMatchers } from './matchers'
import type { Silence } from './types'

/** ExpireOutcome is what expiring a set of silences did, failures by silence ID. */
export interface ExpireOutcome {
  readonly expired: readonly string[]
  readonly failed: readonly { readonly id: string; readonly message: string }[]
}

/**
 * expireSilences expires each silence through `DELETE /api/v2/silence/<id>`, all at once, and
 * reports every failure instead of stopping at the first.
 */
export async function expireSilences(ids: readonly string[]): Promise<ExpireOutcome> {
  const results = await Promise.allSettled(ids.map((id) => api.expireSilence(id)))
  const expired: string[] = []
  const failed: { id: string; message: string }[] = []
  results.forEach((result, i) => {
    const id = ids[i] ?? ''
    if (result.status === 'fulfilled') {
      expired.push(id)
    } else {
      const reason: unknown = result.reason
      failed.push({ id, message: reason instanceof Error ? reason.message : String(reason) })
    }
  })
  return { expired, failed }
}

/** outcomeText says what an expiry did, in one sentence plus what to do about failures. */
export function outcomeText(outcome: ExpireOutcome): { done?: string; error?: string } {
  const n = outcome.expired.length
  const done = n === 0 ? undefined : `Expired ${n === 1 ? '1 silence' : `${n} silences`}.`
  if (outcome.failed.length === 0) {
    return done === undefined ? {} : { done }
  }
  const lines = outcome.failed.map((f) => `${f.id}: ${f.message}`).join('\n')
  const error = `Could not expire ${outcome.failed.length} of ${n + outcome.failed.length}:\n${lines}\nThe list has been reloaded; try again, or check the node's log.`
  return done === undefined ? { error } : { done, error }
}

/**
 * ExpireDialog asks to confirm expiring `silences` (closed while undefined), expires them on
 * "Expire" and hands the outcome to `onDone`. Focus starts on Cancel so that Enter does not
 * destroy anything; Escape cancels, as for any modal dialog.
 */
export function ExpireDialog(props: {
  readonly silences: readonly Silence[] | undefined
  readonly onCancel: () => void
  readonly onDone: (outcome: ExpireOutcome) => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)
  const open = props.silences !== undefined
  // The dialog's own close event (Escape) must not re-cancel a dialog the page already closed.
  const openRef = useRef(open)
  openRef.current = open

  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) {
      return
    }
    if (open && !dialog.open) {
      setBusy(false)
      dialog.showModal()
    } else if (!open && dialog.open) {
      dialog.close()
    }
  }, [open])

  const silences = props.silences ?? []
  const one = silences.length === 1 ? silences[0] : undefined
  const title = one === undefined ? `Expire ${silences.length} silences` : 'Expire silence'
  const question =
    one === undefined
      ? `Expire ${silences.length} silences? Alerts they mute will notify again.`
      : `Expire silence ${formatMatchers(one.matchers)}? Alerts it mutes will notify again.`

  const confirm = () => {
    setBusy(true)
    void expireSilences(silences.map((s) => s.id)).then((outcome) => {
      setBusy(false)
      props.onDone(outcome)
    })
  }

  return (
    <dialog
      ref={ref}
      class="expire-dialog"
      aria-labelledby="expire-dialog-title"
      aria-describedby="expire-dialog-question"
      onCancel={(event) => {
        // Escape while the requests run would hide their outcome; it arrives in a moment.
        event.preventDefault()
        if (!busy) {
          props.onCancel()
        }
      }}
      onClose={() => {
        if (openRef.current && !busy) {
          props.onCancel()
        }
      }}
    >
      <h2 id="expire-dialog-title">{title}</h2>
      <p id="expire-dialog-question">{question}</p>
      {one === undefined && silences.length > 0 ? (
        <ul class="expire-dialog-list">
          {silences.map((s) => (
            <li key={s.id}>
              <code>{formatMatchers(s.matchers)}</code>
            </li>
          ))}
        </ul>
      ) : null}
      <div class="row dialog-buttons">
        <button type="button" class="danger" disabled={busy} onClick={confirm}>
          {busy ? 'Expiring…' : 'Expire'}
        </button>
        <button type="button" autofocus disabled={busy} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  )
}

/** ExpireNotices shows what the last expiry did: a status line, or the failures. */
export function ExpireNotices(props: { readonly outcome: { done?: string; error?: string } }) {
  return (
    <>
      <ErrorBox title="Expiring failed" message={props.outcome.error} />
      {props.outcome.done === undefined ? null : (
        <p class="ok" role="status">
          {props.outcome.done}
        </p>
      )}
    </>
  )
}
