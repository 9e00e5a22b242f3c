// One alert group of the Alerts page and its alerts. Everything from the API is rendered as text
// (JSX children and attributes); the only URL taken from an alert is an http(s) generatorURL.
import type { NotificationJson } from '../api/alertmesh/story-wire'

import { safeHttpUrl, silenceLink } from './alerts-query'
import { LabelChips } from './components'
import { href } from './router'
import { formatTime, relativeTime } from './time'
import type { Alert, AlertGroup, LabelSet } from './types'

/** Pick adds `name="value"` to the page's filter. */
export type Pick = (name: string, value: string) => void

// Summary and description say what is wrong, so they come first; the rest in name order.
const FIRST_ANNOTATIONS = ['summary', 'description']

function annotationOrder(annotations: LabelSet): string[] {
  const rest = Object.keys(annotations)
    .filter((name) => !FIRST_ANNOTATIONS.includes(name))
    .sort()
  return [...FIRST_ANNOTATIONS.filter((name) => name in annotations), ...rest]
}

// The labels that tell an alert apart within its group (the group labels are in its header).
function ownLabels(alert: Alert, groupLabels: LabelSet): LabelSet {
  return Object.fromEntries(
    Object.entries(alert.labels).filter(([name, value]) => groupLabels[name] !== value)
  )
}

function alertName(alert: Alert): string {
  return alert.labels['alertname'] ?? alert.fingerprint
}

function StateBadges(props: { readonly alert: Alert }) {
  const { silencedBy, inhibitedBy } = props.alert.status
  return (
    <>
      {silencedBy.length === 0 ? null : (
        <span class="badge silenced">
          silenced by{' '}
          {silencedBy.map((id, i) => (
            <span key={id}>
              {i === 0 ? '' : ', '}
              <a href={href(`/silences/${encodeURIComponent(id)}`)} title={`silence ${id}`}>
                {id.slice(0, 8)}
              </a>
            </span>
          ))}
        </span>
      )}
      {inhibitedBy.length === 0 ? null : (
        <span class="badge inhibited" title={`by the alert(s) ${inhibitedBy.join(', ')}`}>
          inhibited
        </span>
      )}
    </>
  )
}

function AlertItem(props: {
  readonly alert: Alert
  readonly groupLabels: LabelSet
  readonly now: number
  readonly onPick: Pick
}) {
  const { alert, now } = props
  const source = safeHttpUrl(alert.generatorURL)
  const annotations = annotationOrder(alert.annotations)
  return (
    <li class="alert-item" data-fingerprint={alert.fingerprint}>
      <div class="row alert-meta">
        <time dateTime={alert.startsAt} title={formatTime(alert.startsAt)}>
          started {relativeTime(alert.startsAt, now)}
        </time>
        <StateBadges alert={alert} />
        <span class="alert-actions row">
          {source === undefined ? null : (
            <a href={source} rel="noopener noreferrer">
              Source
            </a>
          )}
          <a
            href={href(`/alerts/${alert.fingerprint}`)}
            aria-label={`Story of ${alertName(alert)}: routes, silences, notifications`}
          >
            Story
          </a>
          <a
            class="button"
            href={silenceLink(alert.labels)}
            aria-label={`Silence ${alertName(alert)}`}
          >
            Silence
          </a>
        </span>
      </div>
      <LabelChips labels={ownLabels(alert, props.groupLabels)} onPick={props.onPick} />
      {annotations.length === 0 ? null : (
        <dl class="annotations">
          {annotations.map((name) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{alert.annotations[name]}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  )
}

/** groupKeyOf names a group by receiver and labels, as /api/alertmesh/v1/groups lists them. */
export function groupKeyOf(receiver: string, labels: LabelSet): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]])
  return JSON.stringify([receiver, sorted])
}

/** LastNotified is the group's newest notification: when, by which node, to which integration. */
function LastNotified(props: {
  readonly last: NotificationJson | null | undefined
  readonly receiver: string
  readonly now: number
}) {
  const { last } = props
  if (last === undefined) {
    return null
  }
  if (last === null) {
    return <p class="last-notified muted">not notified yet</p>
  }
  const iso = new Date(last.at).toISOString()
  return (
    <p class="last-notified">
      last notified{' '}
      <time dateTime={iso} title={formatTime(iso)}>
        {relativeTime(iso, props.now)}
      </time>
      {last.node === undefined ? '' : ` by ${last.node}`} to {props.receiver}{' '}
      <span class="muted">({last.integration})</span>
    </p>
  )
}

/** GroupCard is one aggregation group: its labels, a silence for all of it, and its alerts. */
export function GroupCard(props: {
  readonly group: AlertGroup
  readonly now: number
  readonly onPick: Pick
  /** The group's last notification: null when none, undefined while unknown. */
  readonly lastNotified?: NotificationJson | null | undefined
}) {
  const { group } = props
  const hasLabels = Object.keys(group.labels).length > 0
  const count = group.alerts.length
  return (
    <article class="card alert-group">
      <header class="card-header">
        {hasLabels ? (
          <LabelChips labels={group.labels} onPick={props.onPick} />
        ) : (
          <span class="muted">no group labels</span>
        )}
        <span class="row">
          <span class="muted">
            {count} {count === 1 ? 'alert' : 'alerts'}
          </span>
          {hasLabels ? (
            <a class="button" href={silenceLink(group.labels)}>
              Silence group
            </a>
          ) : null}
        </span>
      </header>
      <LastNotified last={props.lastNotified} receiver={group.receiver.name} now={props.now} />
      <ul class="alert-list">
        {group.alerts.map((alert) => (
          <AlertItem
            key={alert.fingerprint}
            alert={alert}
            groupLabels={group.labels}
            now={props.now}
            onPick={props.onPick}
          />
        ))}
      </ul>
    </article>
  )
}
