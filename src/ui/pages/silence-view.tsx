// The Silence page (#/silences/<id>): one silence in full and the alerts it mutes now on this
// node, with Edit, Duplicate as new and Expire.
import { useState } from 'preact/hooks'

import { ApiError, api } from '../api'
import { LabelChips, LoadError, Loading, MatcherChips, Page } from '../components'
import { useNow, usePolled } from '../hooks'
import { href } from '../router'
import { ExpireDialog, ExpireNotices, outcomeText } from '../silence-list-expire'
import { countOf } from '../silence-list-filter'
import { TimeOf, timeSummary } from '../silence-list-row'
import type { Alert, Silence } from '../types'

type Viewed =
  | { readonly kind: 'found'; readonly silence: Silence; readonly muted: readonly Alert[] }
  | { readonly kind: 'missing' }

async function loadSilence(id: string, signal: AbortSignal): Promise<Viewed> {
  try {
    const [silence, alerts] = await Promise.all([api.silence(id, signal), api.alerts({}, signal)])
    return { kind: 'found', silence, muted: alerts.filter((a) => a.status.silencedBy.includes(id)) }
  } catch (err) {
    // 404 (empty body) is an unknown ID; 422 is an ID that is not even a UUID: both "no such".
    if (err instanceof ApiError && (err.status === 404 || err.status === 422)) {
      return { kind: 'missing' }
    }
    throw err
  }
}

function MutedAlerts(props: { readonly silence: Silence; readonly muted: readonly Alert[] }) {
  const state = props.silence.status.state
  if (props.muted.length === 0) {
    return (
      <p class={state === 'active' ? 'silence-unused' : 'muted'}>
        {state === 'active'
          ? 'It matches no alert now.'
          : state === 'pending'
            ? 'None yet: it has not started.'
            : 'None: it has expired.'}
      </p>
    )
  }
  return (
    <ul class="muted-alerts" aria-label="muted alerts">
      {props.muted.map((a) => (
        <li key={a.fingerprint} class="card">
          <LabelChips labels={a.labels} />
        </li>
      ))}
    </ul>
  )
}

function SilenceDetails(props: {
  readonly silence: Silence
  readonly muted: readonly Alert[]
  readonly now: number
}) {
  const s = props.silence
  return (
    <>
      <MatcherChips matchers={s.matchers} />
      <dl class="silence-details">
        <dt>State</dt>
        <dd>
          <span class={`silence-state state-${s.status.state}`}>{s.status.state}</span>{' '}
          <span class="muted">({timeSummary(s, props.now)})</span>
        </dd>
        <dt>Starts</dt>
        <dd>
          <TimeOf iso={s.startsAt} now={props.now} />
        </dd>
        <dt>Ends</dt>
        <dd>
          <TimeOf iso={s.endsAt} now={props.now} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <TimeOf iso={s.updatedAt} now={props.now} />
        </dd>
        <dt>Created by</dt>
        <dd>{s.createdBy === '' ? <span class="muted">nobody</span> : s.createdBy}</dd>
        <dt>Comment</dt>
        <dd class="silence-comment">
          {s.comment === '' ? <span class="muted">No comment</span> : s.comment}
        </dd>
        <dt>ID</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
      </dl>
      <h2>Alerts it mutes now ({props.muted.length})</h2>
      <p class="muted">
        {`Alerts on this node whose status names this silence; ${countOf(props.muted.length, 'alert')}.`}
      </p>
      <MutedAlerts silence={s} muted={props.muted} />
    </>
  )
}

/** SilenceViewPage shows the silence `id` as this node has it. */
export function SilenceViewPage(props: { readonly id: string }) {
  const loaded = usePolled((signal) => loadSilence(props.id, signal), props.id)
  const now = useNow()
  const [confirming, setConfirming] = useState(false)
  const [outcome, setOutcome] = useState<{ done?: string; error?: string }>({})
  const data = loaded.data

  if (data?.kind === 'missing') {
    return (
      <Page title="Silence not found">
        <p>{`No silence with ID ${props.id} on this node.`}</p>
        <p>
          It may have expired long enough ago to be deleted, or not have reached this node yet from
          the one where it was created. See <a href="#/silences">all silences</a>.
        </p>
      </Page>
    )
  }

  const silence = data?.silence
  const path = `/silences/${encodeURIComponent(props.id)}`
  const live = silence !== undefined && silence.status.state !== 'expired'
  const actions =
    silence === undefined ? undefined : (
      <div class="row">
        {live ? (
          <a class="button" href={href(`${path}/edit`)}>
            Edit
          </a>
        ) : null}
        <a class="button" href={href('/silences/new', { from: props.id })}>
          Duplicate as new
        </a>
        {live ? (
          <button
            type="button"
            class="danger"
            onClick={() => {
              setOutcome({})
              setConfirming(true)
            }}
          >
            Expire
          </button>
        ) : null}
      </div>
    )

  return (
    <Page title="Silence" actions={actions}>
      <p>
        <a href="#/silences">← All silences</a>
      </p>
      <LoadError what="the silence" error={loaded.error} stale={data !== undefined} />
      <ExpireNotices outcome={outcome} />
      {data === undefined ? (
        loaded.error === undefined ? (
          <Loading what="the silence" />
        ) : null
      ) : (
        <SilenceDetails silence={data.silence} muted={data.muted} now={now} />
      )}
      <ExpireDialog
        silences={confirming && silence !== undefined ? [silence] : undefined}
        onCancel={() => {
          setConfirming(false)
        }}
        onDone={(result) => {
          setConfirming(false)
          setOutcome(outcomeText(result))
          loaded.reload()
        }}
      />
    </Page>
  )
}
