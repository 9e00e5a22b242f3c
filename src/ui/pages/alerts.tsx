// The Alerts page (#/alerts), Alertmanager's landing page: the dispatcher's groups under their
// receivers, narrowed by a matcher filter, the silenced/inhibited switches and a receiver. The
// controls live in the hash query, so a filtered view survives a reload and can be shared.
import { useEffect, useRef, useState } from 'preact/hooks'

import type { GroupNotifiedJson } from '../../api/alertmesh/story-wire'
import { GroupCard, groupKeyOf } from '../alerts-group'
import { apiQueryOf, queryOfView, viewOfQuery, withLabelMatcher } from '../alerts-query'
import type { AlertsView } from '../alerts-query'
import { api } from '../api'
import { ErrorBox, Loading, Page } from '../components'
import { useDebounced, useNow, usePolled } from '../hooks'
import { parseMatcherList } from '../matchers'
import { replaceQuery } from '../router'
import type { AlertGroup } from '../types'

// Long enough not to reload on every keystroke, short enough to feel live.
const FILTER_DEBOUNCE_MS = 600

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/** byReceiver keeps the API's group order within each receiver, receivers in order of first use. */
function byReceiver(groups: readonly AlertGroup[]): [string, AlertGroup[]][] {
  const sections = new Map<string, AlertGroup[]>()
  for (const group of groups) {
    const list = sections.get(group.receiver.name) ?? []
    list.push(group)
    sections.set(group.receiver.name, list)
  }
  return [...sections.entries()]
}

/** hiddenText says which alerts the view hides: `silenced and inhibited`, or ''. */
function hiddenText(view: AlertsView): string {
  return [view.silenced ? '' : 'silenced', view.inhibited ? '' : 'inhibited']
    .filter((h) => h !== '')
    .join(' and ')
}

function Summary(props: { readonly groups: readonly AlertGroup[]; readonly view: AlertsView }) {
  // An alert routed to two receivers is in two groups but is one alert.
  const alerts = new Set(props.groups.flatMap((g) => g.alerts.map((a) => a.fingerprint))).size
  const hidden = hiddenText(props.view)
  return (
    <p class="alerts-summary" aria-live="polite">
      <strong>
        {plural(alerts, 'alert', 'alerts')} in {plural(props.groups.length, 'group', 'groups')}
      </strong>
      {hidden === '' ? null : <span class="muted"> ({hidden} alerts hidden)</span>}
    </p>
  )
}

/** FilterField is the matcher filter: applied on Enter or once typing pauses, if it parses. */
function FilterField(props: {
  readonly applied: string
  readonly onApply: (text: string) => void
}) {
  const [text, setText] = useState(props.applied)
  const [submitted, setSubmitted] = useState<string | undefined>(undefined)
  const settled = useDebounced(text, FILTER_DEBOUNCE_MS)
  const onApply = useRef(props.onApply)
  onApply.current = props.onApply

  // A filter changed from outside (a label picked, Back) replaces the text; typing does not
  // reach here until applied, so a refresh never eats what is being typed.
  useEffect(() => {
    setText(props.applied)
  }, [props.applied])

  useEffect(() => {
    if (settled.trim() !== props.applied && parseMatcherList(settled).ok) {
      onApply.current(settled.trim())
    }
    // Only a pause in typing applies (not a new `applied`, which must not re-apply older text).
  }, [settled])

  const checked = text === settled || text === submitted ? parseMatcherList(text) : undefined
  const problem = checked !== undefined && !checked.ok ? checked.message : undefined
  return (
    <form
      class="alert-filter"
      role="search"
      onSubmit={(event) => {
        event.preventDefault()
        setSubmitted(text)
        if (parseMatcherList(text).ok) {
          props.onApply(text.trim())
        }
      }}
    >
      <label for="alert-filter">Filter by matchers</label>
      <input
        id="alert-filter"
        type="text"
        value={text}
        placeholder='{alertname="Disk", severity=~"crit|page"}'
        spellcheck={false}
        autocomplete="off"
        aria-invalid={problem === undefined ? 'false' : 'true'}
        aria-describedby={problem === undefined ? undefined : 'alert-filter-error'}
        onInput={(event) => {
          setText(event.currentTarget.value)
        }}
      />
      {problem === undefined ? null : (
        <p id="alert-filter-error" class="field-error">
          {problem}
        </p>
      )}
    </form>
  )
}

/** AlertsPage is #/alerts. */
export function AlertsPage(props: { readonly query: URLSearchParams }) {
  const view = viewOfQuery(props.query)
  const parsed = parseMatcherList(view.filter)
  const apiQuery = parsed.ok ? apiQueryOf(view, parsed.matchers) : undefined
  const groups = usePolled(
    (signal) => (apiQuery === undefined ? Promise.resolve([]) : api.alertGroups(apiQuery, signal)),
    JSON.stringify(apiQuery ?? null)
  )
  const receivers = usePolled((signal) => api.receivers(signal), 'receivers')
  // Each group's last notification; the page works without it (an older node, an error).
  const notified = usePolled((signal) => api.groupsNotified(signal), 'groups-notified')
  const lastNotified = new Map(
    (notified.data ?? []).map((g) => [groupKeyOf(g.receiver, g.labels), g.lastNotified])
  )
  const now = useNow()

  const update = (change: Partial<AlertsView>) => {
    replaceQuery(queryOfView({ ...view, ...change }))
  }
  const pick = (name: string, value: string) => {
    update({ filter: withLabelMatcher(parsed.ok ? parsed.matchers : [], name, value) })
  }
  const receiverNames = receivers.data?.map((r) => r.name) ?? []
  if (view.receiver !== '' && !receiverNames.includes(view.receiver)) {
    // Keep a bookmarked receiver selectable even before (or without) the list.
    receiverNames.push(view.receiver)
  }

  return (
    <Page title="Alerts">
      <FilterField
        applied={view.filter}
        onApply={(filter) => {
          update({ filter })
        }}
      />
      <div class="row alert-switches">
        <Switch
          label="Show silenced"
          checked={view.silenced}
          onChange={(silenced) => {
            update({ silenced })
          }}
        />
        <Switch
          label="Show inhibited"
          checked={view.inhibited}
          onChange={(inhibited) => {
            update({ inhibited })
          }}
        />
        <span class="row receiver-picker">
          <label class="checkbox" for="alert-receiver">
            Receiver
          </label>
          <select
            id="alert-receiver"
            value={view.receiver}
            onChange={(event) => {
              update({ receiver: event.currentTarget.value })
            }}
          >
            <option value="">All receivers</option>
            {receiverNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </span>
        <span class="muted">Grouped by receiver and group labels</span>
      </div>
      {parsed.ok ? null : (
        <p class="notice">The filter in the address is not valid; fix it above to see alerts.</p>
      )}
      <ErrorBox title="Cannot load the alerts" message={groups.error} />
      <ErrorBox title="Cannot load the receivers" message={receivers.error} />
      <AlertGroups
        groups={groups.data}
        view={view}
        now={now}
        onPick={pick}
        lastNotified={notified.data === undefined ? undefined : lastNotified}
      />
    </Page>
  )
}

/** Switch is one labelled checkbox of the page's view. */
function Switch(props: {
  readonly label: string
  readonly checked: boolean
  readonly onChange: (checked: boolean) => void
}) {
  return (
    <label class="checkbox">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(event) => {
          props.onChange(event.currentTarget.checked)
        }}
      />
      {props.label}
    </label>
  )
}

function AlertGroups(props: {
  readonly groups: readonly AlertGroup[] | undefined
  readonly view: AlertsView
  readonly now: number
  readonly onPick: (name: string, value: string) => void
  readonly lastNotified: ReadonlyMap<string, GroupNotifiedJson['lastNotified']> | undefined
}) {
  const { groups, view } = props
  const hidden = hiddenText(view)
  if (groups === undefined) {
    return <Loading what="alerts" />
  }
  return (
    <>
      <Summary groups={groups} view={view} />
      {groups.length === 0 ? (
        <p class="empty-state">
          No alerts
          {view.filter === '' && view.receiver === '' ? '' : ' match this filter'}
          {hidden === '' ? '.' : ` (${hidden} alerts are hidden).`}
        </p>
      ) : (
        byReceiver(groups).map(([receiver, list]) => (
          <section key={receiver} class="receiver-section" aria-label={`receiver ${receiver}`}>
            <h2>
              Receiver <code>{receiver}</code>
            </h2>
            {list.map((group) => (
              <GroupCard
                key={JSON.stringify(group.labels)}
                group={group}
                now={props.now}
                onPick={props.onPick}
                lastNotified={
                  props.lastNotified === undefined
                    ? undefined
                    : (props.lastNotified.get(groupKeyOf(receiver, group.labels)) ?? null)
                }
              />
            ))}
          </section>
        ))
      )}
    </>
  )
}
