// The Silences page (#/silences): the node's silences by state, filtered by matchers and creator,
// with how many alerts each mutes now, and single or bulk expiry behind a confirmation. The tab
// and the filters live in the hash query, so a filtered list survives a reload and can be shared.
import { useEffect, useState } from 'preact/hooks'

import { api } from '../api'
import { LoadError, Loading, Page } from '../components'
import { useDebounced, useNow, usePolled } from '../hooks'
import { parseHash, replaceQuery } from '../router'
import { ExpireDialog, ExpireNotices, outcomeText } from '../silence-list-expire'
import type { ExpireOutcome } from '../silence-list-expire'
import {
  SILENCE_STATES,
  creatorFilter,
  matcherFilter,
  mutedAlerts,
  sortSilences,
  tabOf,
} from '../silence-list-filter'
import { SilenceCard } from '../silence-list-row'
import { SilenceTabs } from '../silence-list-tabs'
import type { Silence, SilenceState } from '../types'

// Filtering waits for a pause in typing, so a half-typed matcher is not flagged at every key.
const TYPING_PAUSE_MS = 250

const EMPTY_TEXT: Readonly<Record<SilenceState, string>> = {
  active: 'No active silences',
  pending: 'No pending silences',
  expired: 'No expired silences',
}

function liveQuery(): URLSearchParams {
  return parseHash(window.location.hash).query
}

/**
 * useQueryText is the text of an input that mirrors the query parameter `name` (`routed` is its
 * value in the route being rendered). The input owns its text while the user types; a change
 * from outside (a link, Back) flows back into it. Typing writes the URL at once (replaceQuery),
 * so the live URL is what counts: the route of a render that ran between two keys is already
 * stale, and copying it would drop the last key.
 */
function useQueryText(name: string, routed: string): [string, (text: string) => void] {
  const [text, setText] = useState(routed)
  useEffect(() => {
    setText(liveQuery().get(name) ?? '')
  }, [name, routed])
  return [text, setText]
}

/** SilencesPage lists the node's silences (`tab`, `filter`, `creator`, `unused` in the query). */
export function SilencesPage(props: { readonly query: URLSearchParams }) {
  const tab = tabOf(props.query.get('tab'))
  const queryFilter = props.query.get('filter') ?? ''
  const queryCreator = props.query.get('creator') ?? ''
  const unusedOnly = props.query.get('unused') === '1'

  const [filterText, setFilterText] = useQueryText('filter', queryFilter)
  const [creatorText, setCreatorText] = useQueryText('creator', queryCreator)

  const setQuery = (changes: Record<string, string | undefined>) => {
    replaceQuery({ ...Object.fromEntries(liveQuery()), ...changes })
  }

  const loaded = usePolled(async (signal) => {
    const [silences, alerts] = await Promise.all([api.silences(signal), api.alerts({}, signal)])
    return { silences, muted: mutedAlerts(alerts) }
  }, 'silences')
  const now = useNow()

  // Selection is by ID so that refreshes keep it; IDs that vanish or expire are dropped.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const data = loaded.data
  useEffect(() => {
    if (data === undefined) {
      return
    }
    const live = new Set(data.silences.filter((s) => s.status.state !== 'expired').map((s) => s.id))
    setSelected((prev) => {
      const next = new Set([...prev].filter((id) => live.has(id)))
      return next.size === prev.size ? prev : next
    })
  }, [data])

  const [confirming, setConfirming] = useState<readonly Silence[] | undefined>(undefined)
  const [outcome, setOutcome] = useState<{ done?: string; error?: string }>({})
  const onExpired = (result: ExpireOutcome) => {
    setConfirming(undefined)
    setOutcome(outcomeText(result))
    setSelected((prev) => new Set([...prev].filter((id) => !result.expired.includes(id))))
    loaded.reload()
  }

  const appliedFilter = useDebounced(filterText, TYPING_PAUSE_MS)
  const appliedCreator = useDebounced(creatorText, TYPING_PAUSE_MS)
  const byMatchers = matcherFilter(appliedFilter)
  const byCreator = creatorFilter(appliedCreator)
  const mutedCount = (s: Silence) => data?.muted.get(s.id)?.length ?? 0
  const passing = (data?.silences ?? []).filter(
    (s) =>
      (!byMatchers.ok || byMatchers.test(s)) && byCreator(s) && (!unusedOnly || mutedCount(s) === 0)
  )
  const counts = Object.fromEntries(
    SILENCE_STATES.map((state) => [state, passing.filter((s) => s.status.state === state).length])
  ) as Record<SilenceState, number>
  const shown = sortSilences(
    passing.filter((s) => s.status.state === tab),
    tab
  )
  const selectable = shown.filter((s) => s.status.state !== 'expired')
  const selectedShown = selectable.filter((s) => selected.has(s.id))
  const filtered = appliedFilter.trim() !== '' || appliedCreator.trim() !== '' || unusedOnly

  const setSelection = (ids: readonly string[], on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev)
      for (const id of ids) {
        if (on) {
          next.add(id)
        } else {
          next.delete(id)
        }
      }
      return next
    })
  }

  return (
    <Page
      title="Silences"
      actions={
        <a class="button primary" href="#/silences/new">
          New silence
        </a>
      }
    >
      <div class="silence-filters">
        <div class="silence-filter">
          <label for="silence-filter">Filter by matchers</label>
          <input
            id="silence-filter"
            type="search"
            value={filterText}
            placeholder={'alertname="DiskFull", team=~"db.*"'}
            autocomplete="off"
            spellcheck={false}
            aria-invalid={byMatchers.ok ? undefined : 'true'}
            aria-describedby={byMatchers.ok ? 'silence-filter-help' : 'silence-filter-error'}
            onInput={(event) => {
              const text = event.currentTarget.value
              setFilterText(text)
              setQuery({ filter: text })
            }}
          />
          {byMatchers.ok ? (
            <p id="silence-filter-help" class="muted silence-filter-help">
              A matcher must equal one of the silence's; a word is looked for in them.
            </p>
          ) : (
            <p id="silence-filter-error" class="field-error">
              Not applied: {byMatchers.message}
            </p>
          )}
        </div>
        <div class="silence-filter">
          <label for="silence-creator">Filter by creator</label>
          <input
            id="silence-creator"
            type="search"
            value={creatorText}
            autocomplete="off"
            onInput={(event) => {
              const text = event.currentTarget.value
              setCreatorText(text)
              setQuery({ creator: text })
            }}
          />
        </div>
        <label class="checkbox silence-unused-filter">
          <input
            type="checkbox"
            checked={unusedOnly}
            onChange={(event) => {
              setQuery({ unused: event.currentTarget.checked ? '1' : undefined })
            }}
          />
          Only those muting no alert now
        </label>
      </div>

      <SilenceTabs
        current={tab}
        counts={counts}
        onSelect={(state) => {
          setQuery({ tab: state === 'active' ? undefined : state })
        }}
      />

      <div
        role="tabpanel"
        id="silences-panel"
        aria-labelledby={`silences-tab-${tab}`}
        class="silences-panel"
      >
        <LoadError what="the silences" error={loaded.error} stale={data !== undefined} />
        <ExpireNotices outcome={outcome} />
        {data === undefined ? (
          loaded.error === undefined ? (
            <Loading what="silences" />
          ) : null
        ) : (
          <>
            {selectable.length === 0 ? null : (
              <div class="row silence-bulk">
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={selectedShown.length === selectable.length}
                    indeterminate={
                      selectedShown.length > 0 && selectedShown.length < selectable.length
                    }
                    onChange={(event) => {
                      setSelection(
                        selectable.map((s) => s.id),
                        event.currentTarget.checked
                      )
                    }}
                  />
                  Select all shown
                </label>
                <button
                  type="button"
                  class="danger"
                  disabled={selectedShown.length === 0}
                  onClick={() => {
                    setOutcome({})
                    setConfirming(selectedShown)
                  }}
                >
                  Expire selected ({selectedShown.length})
                </button>
              </div>
            )}
            {shown.length === 0 ? (
              <p class="muted">
                {EMPTY_TEXT[tab]}
                {filtered ? ' match the filters.' : '.'}
              </p>
            ) : (
              shown.map((s) => (
                <SilenceCard
                  key={s.id}
                  silence={s}
                  mutedCount={mutedCount(s)}
                  now={now}
                  selected={selected.has(s.id)}
                  onSelect={(on) => {
                    setSelection([s.id], on)
                  }}
                  onExpire={() => {
                    setOutcome({})
                    setConfirming([s])
                  }}
                />
              ))
            )}
          </>
        )}
      </div>

      <ExpireDialog
        silences={confirming}
        onCancel={() => {
          setConfirming(undefined)
        }}
        onDone={onExpired}
      />
    </Page>
  )
}
