// The New / Edit silence page (#/silences/new, #/silences/<id>/edit). Everything typed lives in
// this page's state: only the preview reloads on the refresh timer, so nothing is lost, and a
// refused save leaves the form as it was.
import { useEffect, useState } from 'preact/hooks'

import { ApiError, api } from '../api'
import { ErrorBox, Loading, Page } from '../components'
import { useNow } from '../hooks'
import { parseMatcherList } from '../matchers'
import { href, navigate } from '../router'
import { MatchersEditor } from '../silence-form-matchers'
import {
  DEFAULT_DURATION_MS,
  copyOf,
  editOf,
  editOutcome,
  matchersRuleProblem,
  newRow,
  rowProblem,
  rowsMatchers,
  timeProblems,
  timesOf,
} from '../silence-form-model'
import type { EditOutcome, FormValues, MatcherRow, TimeFields } from '../silence-form-model'
import { PreviewPanel, usePreview } from '../silence-form-preview'
import { TimesFields } from '../silence-form-times'
import { relativeTime } from '../time'
import type { Silence } from '../types'

/** CREATOR_KEY is where the last creator is remembered, to prefill the next silence. */
const CREATOR_KEY = 'alertmesh.creator'

// Storage may be unavailable (privacy modes throw): remembering the creator is only a comfort.
function rememberedCreator(): string {
  try {
    return window.localStorage.getItem(CREATOR_KEY) ?? ''
  } catch {
    return ''
  }
}

function rememberCreator(name: string): void {
  try {
    window.localStorage.setItem(CREATOR_KEY, name)
  } catch {
    // not remembered; the form still works
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** Start is how the form begins: its values, and a note about a link it could not read. */
interface Start {
  readonly values: FormValues
  readonly matchersText?: string
  readonly note?: string
}

function blankStart(query: URLSearchParams, now: number): Start {
  const values: FormValues = {
    rows: [newRow()],
    times: timesOf(now, now + DEFAULT_DURATION_MS),
    createdBy: rememberedCreator(),
    comment: '',
  }
  const filter = query.get('filter')
  if (filter === null || filter.trim() === '') {
    return { values }
  }
  const parsed = parseMatcherList(filter)
  if (!parsed.ok) {
    // Keep the link's text where the user can fix it rather than dropping it.
    return {
      values,
      matchersText: filter,
      note: `The matchers in the link could not be read: ${parsed.message}`,
    }
  }
  return {
    values: {
      ...values,
      rows: parsed.matchers.length === 0 ? values.rows : parsed.matchers.map((m) => newRow(m)),
    },
  }
}

type Source =
  | { readonly status: 'loading' }
  | { readonly status: 'missing'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'ready'; readonly silence: Silence }

/** useSource loads the silence to edit or copy, once: a refresh must not reset the form. */
function useSource(id: string | undefined, attempt: number): Source | undefined {
  const [source, setSource] = useState<Source | undefined>(
    id === undefined ? undefined : { status: 'loading' }
  )
  useEffect(() => {
    if (id === undefined) {
      return undefined
    }
    const controller = new AbortController()
    setSource({ status: 'loading' })
    api.silence(id, controller.signal).then(
      (silence) => {
        if (!controller.signal.aborted) {
          setSource({ status: 'ready', silence })
        }
      },
      (err: unknown) => {
        if (controller.signal.aborted) {
          return
        }
        const missing = err instanceof ApiError && (err.status === 404 || err.status === 422)
        setSource({
          status: missing ? 'missing' : 'failed',
          message:
            missing && err.status === 404
              ? `There is no silence ${id} on this node. It may have expired and been deleted, or the link is wrong.`
              : errorText(err),
        })
      }
    )
    return () => {
      controller.abort()
    }
  }, [id, attempt])
  return source
}

/** SilenceFormPage creates a silence, or edits the one named by `editId`. */
export function SilenceFormPage(props: {
  readonly query: URLSearchParams
  readonly editId?: string
}) {
  const fromId = props.editId === undefined ? (props.query.get('from') ?? undefined) : undefined
  const sourceId = props.editId ?? fromId
  const [attempt, setAttempt] = useState(0)
  const source = useSource(sourceId, attempt)
  // Computed once: the page remounts per route, and a re-render must not reset the form.
  const [blank] = useState(() =>
    sourceId === undefined ? blankStart(props.query, Date.now()) : undefined
  )
  const title = props.editId === undefined ? 'New silence' : 'Edit silence'

  if (source === undefined || blank !== undefined) {
    return (
      <Page title={title}>
        <SilenceForm start={blank ?? blankStart(props.query, Date.now())} />
      </Page>
    )
  }
  switch (source.status) {
    case 'loading':
      return (
        <Page title={title}>
          <Loading what="the silence" />
        </Page>
      )
    case 'missing':
    case 'failed':
      return (
        <Page title={title}>
          <ErrorBox title="Cannot open the silence" message={source.message} />
          <div class="row">
            {source.status === 'failed' ? (
              <button
                type="button"
                onClick={() => {
                  setAttempt((n) => n + 1)
                }}
              >
                Try again
              </button>
            ) : null}
            <a href="#/silences">Back to the silences</a>
            <a href="#/silences/new">New silence</a>
          </div>
        </Page>
      )
    case 'ready': {
      const silence = source.silence
      const now = Date.now()
      if (props.editId === undefined) {
        return (
          <Page title={title}>
            <p class="muted">
              A copy of silence{' '}
              <a href={href(`/silences/${encodeURIComponent(silence.id)}`)}>{silence.id}</a>,
              starting now.
            </p>
            <SilenceForm start={{ values: copyOf(silence, now) }} />
          </Page>
        )
      }
      return (
        <Page title={title}>
          <SilenceForm start={{ values: editOf(silence, now) }} original={silence} />
        </Page>
      )
    }
  }
}

function EditNotice(props: {
  readonly original: Silence
  readonly outcome: EditOutcome | undefined
}) {
  const { original, outcome } = props
  let text: string
  if (outcome === undefined) {
    text = 'Whether saving updates this silence in place depends on the times; fix them first.'
  } else if (outcome.kind === 'in-place') {
    text = 'Saving updates this silence in place.'
  } else if (outcome.kind === 'replace') {
    text = `Saving will create a new silence and expire the current one (${original.id}), because ${outcome.reason}.`
  } else {
    text =
      'This silence has expired, so saving will create a new silence with a new ID ' +
      '(the expired one stays as it is).'
  }
  return (
    <p class="notice sf-edit-notice" role="status">
      {text}
    </p>
  )
}

function SilenceForm(props: { readonly start: Start; readonly original?: Silence }) {
  const { start, original } = props
  const [rows, setRows] = useState<readonly MatcherRow[]>(start.values.rows)
  const [times, setTimes] = useState<TimeFields>(start.values.times)
  const [createdBy, setCreatedBy] = useState(start.values.createdBy)
  const [comment, setComment] = useState(start.values.comment)
  const [touched, setTouched] = useState({ createdBy: false, comment: false })
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<string | undefined>(undefined)
  const now = useNow(1000)

  const rowProblems = rows.flatMap((row, i) => {
    const problem = rowProblem(row)
    return problem === undefined ? [] : [`Matcher ${i + 1}: ${problem.message}`]
  })
  const matchers = rowsMatchers(rows)
  const ruleProblem = matchersRuleProblem(matchers)
  const locallyValid = rowProblems.length === 0 && ruleProblem === undefined
  const preview = usePreview(locallyValid ? matchers : undefined)
  const refusal = preview.kind === 'refused' ? preview.message : undefined
  const timeIssues = timeProblems(times, now)
  const creatorProblem = createdBy.trim() === '' ? 'Say who creates the silence.' : undefined
  const commentProblem =
    comment.trim() === '' ? 'Write a comment: why are these alerts silenced?' : undefined
  const outcome =
    original === undefined || times.startMs === undefined || times.endMs === undefined
      ? undefined
      : editOutcome(original, { matchers, startMs: times.startMs, endMs: times.endMs }, now)

  const blockers = [
    ...rowProblems,
    ...(ruleProblem === undefined ? [] : [ruleProblem]),
    ...(refusal === undefined ? [] : ['The node refuses these matchers (see the matchers).']),
    ...[timeIssues.start, timeIssues.duration, timeIssues.end].filter(
      (p): p is string => p !== undefined
    ),
    ...(creatorProblem === undefined ? [] : [`Created by: ${creatorProblem}`]),
    ...(commentProblem === undefined ? [] : [`Comment: ${commentProblem}`]),
  ]

  const save = async () => {
    if (times.startMs === undefined || times.endMs === undefined) {
      return
    }
    setSaving(true)
    setSaveError(undefined)
    try {
      const id = await api.saveSilence({
        ...(original === undefined ? {} : { id: original.id }),
        matchers,
        startsAt: new Date(times.startMs).toISOString(),
        endsAt: new Date(times.endMs).toISOString(),
        createdBy: createdBy.trim(),
        comment,
      })
      rememberCreator(createdBy.trim())
      navigate(href(`/silences/${encodeURIComponent(id)}`))
    } catch (err) {
      setSaveError(errorText(err))
      setSaving(false)
    }
  }

  return (
    <>
      {original === undefined ? null : (
        <p class="muted">
          Silence <a href={href(`/silences/${encodeURIComponent(original.id)}`)}>{original.id}</a> (
          {original.status.state}, ends {relativeTime(original.endsAt, now)}).
          {original.status.state === 'expired'
            ? ' Its time is over, so the form starts now with the same duration.'
            : null}
        </p>
      )}
      {start.note === undefined ? null : <p class="notice">{start.note}</p>}
      <form
        class="sf-form"
        aria-label={original === undefined ? 'new silence' : 'edit silence'}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          if (blockers.length === 0 && !saving) {
            void save()
          }
        }}
      >
        <MatchersEditor
          rows={rows}
          onChange={setRows}
          ruleProblem={matchers.length === 0 ? undefined : ruleProblem}
          refusal={refusal}
          {...(start.matchersText === undefined ? {} : { initialText: start.matchersText })}
        />
        {/* In the DOM right after the matchers, so a narrow screen shows it before the times;
            on a wide one the grid puts it in its own column. */}
        <PreviewPanel
          preview={preview}
          {...(original === undefined ? {} : { editId: original.id })}
        />
        <TimesFields times={times} problems={timeIssues} onChange={setTimes} />
        <div class="sf-details">
          <label for="silence-creator">Created by</label>
          <input
            id="silence-creator"
            class="sf-wide"
            autocomplete="username"
            value={createdBy}
            aria-invalid={touched.createdBy && creatorProblem !== undefined ? 'true' : undefined}
            aria-describedby={
              touched.createdBy && creatorProblem !== undefined
                ? 'silence-creator-error'
                : undefined
            }
            onInput={(e) => {
              setCreatedBy(e.currentTarget.value)
            }}
            onBlur={() => {
              setTouched((t) => ({ ...t, createdBy: true }))
            }}
          />
          {touched.createdBy && creatorProblem !== undefined ? (
            <p class="field-error" id="silence-creator-error">
              {creatorProblem}
            </p>
          ) : null}
          <label for="silence-comment">Comment</label>
          <textarea
            id="silence-comment"
            class="sf-wide"
            rows={3}
            value={comment}
            aria-invalid={touched.comment && commentProblem !== undefined ? 'true' : undefined}
            aria-describedby={
              touched.comment && commentProblem !== undefined ? 'silence-comment-error' : undefined
            }
            onInput={(e) => {
              setComment(e.currentTarget.value)
            }}
            onBlur={() => {
              setTouched((t) => ({ ...t, comment: true }))
            }}
          />
          {touched.comment && commentProblem !== undefined ? (
            <p class="field-error" id="silence-comment-error">
              {commentProblem}
            </p>
          ) : null}
          {original === undefined ? null : <EditNotice original={original} outcome={outcome} />}
          <ErrorBox title="Not saved" message={saveError} />
          {blockers.length === 0 ? null : (
            <div class="sf-blockers" id="save-blockers">
              <p>Save is disabled because:</p>
              <ul>
                {blockers.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            </div>
          )}
          <div class="row sf-actions">
            <button
              type="submit"
              class="primary"
              disabled={blockers.length > 0 || saving}
              aria-describedby={blockers.length === 0 ? undefined : 'save-blockers'}
            >
              {saving ? 'Saving…' : 'Save'}
            </button>
            <a class="button" href="#/silences">
              Cancel
            </a>
          </div>
        </div>
      </form>
    </>
  )
}
