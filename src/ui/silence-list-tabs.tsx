// The Active / Pending / Expired tabs of the Silences page, with the ARIA tabs pattern: one tab
// in the Tab order (the selected one), arrow keys, Home and End move between tabs.
import { SILENCE_STATES } from './silence-list-filter'
import type { SilenceState } from './types'

const LABELS: Readonly<Record<SilenceState, string>> = {
  active: 'Active',
  pending: 'Pending',
  expired: 'Expired',
}

/** SilenceTabs selects a silence state; each tab controls the panel `#silences-panel`. */
export function SilenceTabs(props: {
  readonly current: SilenceState
  readonly counts: Readonly<Record<SilenceState, number>>
  readonly onSelect: (state: SilenceState) => void
}) {
  const move = (from: number, key: string) => {
    const last = SILENCE_STATES.length - 1
    const to =
      key === 'ArrowRight'
        ? (from + 1) % SILENCE_STATES.length
        : key === 'ArrowLeft'
          ? (from + last) % SILENCE_STATES.length
          : key === 'Home'
            ? 0
            : key === 'End'
              ? last
              : undefined
    const state = to === undefined ? undefined : SILENCE_STATES[to]
    if (state === undefined) {
      return false
    }
    props.onSelect(state)
    document.getElementById(`silences-tab-${state}`)?.focus()
    return true
  }
  return (
    <div role="tablist" aria-label="Silence states" class="tabs">
      {SILENCE_STATES.map((state, i) => (
        <button
          key={state}
          type="button"
          role="tab"
          id={`silences-tab-${state}`}
          aria-selected={state === props.current ? 'true' : 'false'}
          aria-controls="silences-panel"
          tabIndex={state === props.current ? 0 : -1}
          onClick={() => {
            props.onSelect(state)
          }}
          onKeyDown={(event) => {
            if (move(i, event.key)) {
              event.preventDefault()
            }
          }}
        >
          {LABELS[state]} <span class="tab-count">({props.counts[state]})</span>
        </button>
      ))}
    </div>
  )
}
