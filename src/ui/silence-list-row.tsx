// One silence in the Silences list: what it matches, who made it and why, when it starts and
// ends, how many alerts it mutes now, and what can be done with it.
import { MatcherChips } from './components'
import { formatMatchers } from './matchers'
import { href } from './router'
import { countOf } from './silence-list-filter'
import { formatTime, relativeTime } from './time'
import type { Silence } from './types'

/** timeSummary is the one time that matters for a silence's state: `ends in 2h`, `ended 3m ago`. */
export function timeSummary(s: Silence, now: number): string {
  switch (s.status.state) {
    case 'active':
      return `ends ${relativeTime(s.endsAt, now)}`
    case 'pending':
      return `starts ${relativeTime(s.startsAt, now)}`
    case 'expired':
      return `ended ${relativeTime(s.endsAt, now)}`
  }
}

/** TimeOf shows an instant in the browser's zone, its exact value in a machine-readable form. */
export function TimeOf(props: { readonly iso: string; readonly now: number }) {
  return (
    <>
      <time dateTime={props.iso}>{formatTime(props.iso)}</time>{' '}
      <span class="muted">({relativeTime(props.iso, props.now)})</span>
    </>
  )
}

/**
 * MutedNow says how many alerts an active silence mutes now, linking to its page that lists
 * them; a silence that mutes nothing is marked, since it may be mistyped or obsolete.
 */
export function MutedNow(props: { readonly silence: Silence; readonly count: number }) {
  if (props.silence.status.state !== 'active') {
    return null
  }
  if (props.count === 0) {
    return <span class="silence-unused">matches no alert now</span>
  }
  return (
    <a href={href(`/silences/${encodeURIComponent(props.silence.id)}`)}>
      mutes {countOf(props.count, 'alert')}
    </a>
  )
}

/** SilenceCard is one silence of the list, with a selection checkbox unless it is expired. */
export function SilenceCard(props: {
  readonly silence: Silence
  readonly mutedCount: number
  readonly now: number
  readonly selected: boolean
  readonly onSelect: (selected: boolean) => void
  readonly onExpire: () => void
}) {
  const s = props.silence
  const matchers = formatMatchers(s.matchers)
  const path = `/silences/${encodeURIComponent(s.id)}`
  const expired = s.status.state === 'expired'
  return (
    <article class="card silence-card" aria-label={`Silence ${matchers}`}>
      <div class="card-header">
        <div class="silence-matchers">
          {expired ? null : (
            <input
              type="checkbox"
              aria-label={`Select silence ${matchers}`}
              checked={props.selected}
              onChange={(event) => {
                props.onSelect(event.currentTarget.checked)
              }}
            />
          )}
          <MatcherChips matchers={s.matchers} />
        </div>
        <span class="silence-when">{timeSummary(s, props.now)}</span>
      </div>
      {s.comment === '' ? (
        <p class="silence-comment muted">No comment</p>
      ) : (
        <p class="silence-comment">{s.comment}</p>
      )}
      <p class="silence-meta">
        <span>
          Created by{' '}
          {s.createdBy === '' ? <span class="muted">nobody</span> : <strong>{s.createdBy}</strong>}
        </span>
        <span>
          Starts <TimeOf iso={s.startsAt} now={props.now} />
        </span>
        <span>
          Ends <TimeOf iso={s.endsAt} now={props.now} />
        </span>
        <MutedNow silence={s} count={props.mutedCount} />
      </p>
      <div class="row silence-actions">
        <a class="button" href={href(path)}>
          View
        </a>
        {expired ? null : (
          <a class="button" href={href(`${path}/edit`)}>
            Edit
          </a>
        )}
        <a class="button" href={href('/silences/new', { from: s.id })}>
          Duplicate as new
        </a>
        {expired ? null : (
          <button type="button" class="danger" onClick={props.onExpire}>
            Expire
          </button>
        )}
      </div>
    </article>
  )
}
