// The alert story (#/alerts/<fingerprint>): one alert's labels and annotations, the routes and
// receivers it matches, the silences and inhibitions on it, and for each of its groups the
// notifications the cluster sent and every node's decisions — why n0 sent and n1 and n2 stayed
// quiet. Everything from the API is rendered as text.
import type {
  AlertStoryJson,
  DecisionJson,
  GroupStoryJson,
  NotificationJson,
} from '../../api/alertmesh/story-wire'
import { ApiError, api } from '../api'
import { LabelChips, LoadError, Loading, MatcherChips, Page } from '../components'
import { useNow, usePolled } from '../hooks'
import { href } from '../router'
import { formatTime, relativeTime } from '../time'

type Loaded =
  { readonly kind: 'found'; readonly story: AlertStoryJson } | { readonly kind: 'missing' }

async function loadStory(fingerprint: string, signal: AbortSignal): Promise<Loaded> {
  try {
    return { kind: 'found', story: await api.alertStory(fingerprint, signal) }
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) {
      return { kind: 'missing' }
    }
    throw err
  }
}

/** isoOf turns epoch ms into the ISO text the time helpers read. */
const isoOf = (ms: number): string => new Date(ms).toISOString()

/** clock shows an instant to the second, in the browser's zone: decisions are seconds apart. */
function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

const KIND_TEXT: Readonly<Record<DecisionJson['kind'], string>> = {
  sent: 'sent',
  deduplicated: 'deduplicated',
  waited: 'waited',
  silenced: 'silenced',
  inhibited: 'inhibited',
  'muted-by-time': 'muted by time',
  'outside-active-time': 'outside active time',
  failed: 'failed',
  abandoned: 'abandoned',
}

/** decisionText is a decision in words, naming the node whose notification made it moot. */
export function decisionText(d: DecisionJson): string {
  if (d.notifiedBy !== undefined && d.notifiedAt !== undefined) {
    const who = `${d.notifiedBy} sent at ${clock(d.notifiedAt)}`
    return `${who}: ${d.detail}`
  }
  return d.detail
}

function Annotations(props: { readonly annotations: Readonly<Record<string, string>> }) {
  const names = Object.keys(props.annotations).sort()
  if (names.length === 0) {
    return <p class="muted">No annotations.</p>
  }
  return (
    <dl class="annotations">
      {names.map((name) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{props.annotations[name]}</dd>
        </div>
      ))}
    </dl>
  )
}

function Routing(props: { readonly story: AlertStoryJson }) {
  const { story } = props
  const labels = Object.entries(story.alert.labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(' ')
  return (
    <section aria-labelledby="story-routing">
      <h2 id="story-routing">Routes and receivers</h2>
      {story.routes.length === 0 ? (
        <p class="muted">It matches no route.</p>
      ) : (
        <ol class="story-routes">
          {story.routes.map((r) => (
            <li key={r.path.join('.')}>
              <span class="muted">
                {r.path.length === 0 ? 'root route' : `route ${r.path.join('.')}`}
              </span>{' '}
              → receiver <code>{r.receiver}</code>
            </li>
          ))}
        </ol>
      )}
      <p>
        <a href={href('/routes', { labels })}>See these routes in the routing tree</a>
      </p>
    </section>
  )
}

function Mutes(props: { readonly story: AlertStoryJson; readonly now: number }) {
  const { silences, inhibitedBy } = props.story
  return (
    <section aria-labelledby="story-mutes">
      <h2 id="story-mutes">Silences and inhibitions</h2>
      {silences.length === 0 && inhibitedBy.length === 0 ? (
        <p class="muted">Nothing mutes it now.</p>
      ) : null}
      {silences.length === 0 ? null : (
        <ul class="story-silences" aria-label="silences on this alert">
          {silences.map((s) => (
            <li key={s.id} class="card">
              <a href={href(`/silences/${encodeURIComponent(s.id)}`)}>Silence {s.id.slice(0, 8)}</a>{' '}
              <span class="muted">
                by {s.createdBy === '' ? 'nobody' : s.createdBy}, ends{' '}
                {relativeTime(s.endsAt, props.now)}
              </span>
              <MatcherChips
                matchers={s.matchers.map((m) => ({
                  name: m.name,
                  value: m.value,
                  isRegex: m.isRegex,
                  isEqual: m.isEqual,
                }))}
              />
              {s.comment === '' ? null : <p class="silence-comment">{s.comment}</p>}
            </li>
          ))}
        </ul>
      )}
      {inhibitedBy.length === 0 ? null : (
        <ul class="story-inhibitors" aria-label="alerts inhibiting this one">
          {inhibitedBy.map((i) => (
            <li key={i.fingerprint} class="card">
              Inhibited by <a href={href(`/alerts/${i.fingerprint}`)}>alert {i.fingerprint}</a>
              {i.labels === null ? (
                <span class="muted"> (no longer on this node)</span>
              ) : (
                <LabelChips labels={i.labels} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Cluster(props: { readonly story: AlertStoryJson }) {
  const { cluster, node } = props.story
  if (cluster.status === 'disabled') {
    return <p class="muted">This node runs alone (no cluster): it notifies at once.</p>
  }
  const first = cluster.members[0]
  return (
    <section aria-labelledby="story-cluster">
      <h2 id="story-cluster">Cluster</h2>
      <p class="story-position">
        {first === undefined
          ? 'No member is known.'
          : `${first} holds position 0 now: it notifies first; each next position waits one more peer_timeout.`}
      </p>
      <ol class="story-members" aria-label="members by position" start={0}>
        {cluster.members.map((m) => (
          <li key={m}>
            {m}
            {m === node ? <span class="muted"> (this node)</span> : null}
          </li>
        ))}
      </ol>
      {cluster.unanswered.map((u) => (
        <p key={u.peer} class="notice">
          {`No decisions from ${u.peer}: ${u.error}.`}
        </p>
      ))}
    </section>
  )
}

function NotificationRow(props: { readonly n: NotificationJson; readonly now: number }) {
  const { n } = props
  return (
    <tr>
      <td>
        <time dateTime={isoOf(n.at)} title={formatTime(isoOf(n.at))}>
          {clock(n.at)}
        </time>{' '}
        <span class="muted">({relativeTime(isoOf(n.at), props.now)})</span>
      </td>
      <td>{n.node ?? <span class="muted">unknown</span>}</td>
      <td>
        <code>{n.integration}</code>
      </td>
      <td>{n.firing}</td>
      <td>{n.resolved}</td>
    </tr>
  )
}

function GroupHistory(props: { readonly group: GroupStoryJson; readonly now: number }) {
  const { group } = props
  const id = `story-group-${group.groupKey.length}-${group.receiver.length}`
  return (
    <section class="story-group" aria-labelledby={id}>
      <h2 id={id}>
        Notifications to <code>{group.receiver}</code>
      </h2>
      <LabelChips labels={group.labels} />
      {group.notifications.length === 0 ? (
        <p class="muted">Not notified yet (as far as this node has seen since it started).</p>
      ) : (
        <div class="table-wrap">
          <table class="story-notifications">
            <caption>Notifications sent for this group</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">By node</th>
                <th scope="col">Integration</th>
                <th scope="col">Firing</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {group.notifications.map((n) => (
                <NotificationRow key={`${n.integration} ${n.at}`} n={n} now={props.now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Decisions by node</h3>
      {group.decisions.length === 0 ? (
        <p class="muted">No decisions recorded yet.</p>
      ) : (
        <ol class="story-decisions">
          {group.decisions.map((d, i) => (
            <li key={i} class={`decision decision-${d.kind}`} data-node={d.node} data-kind={d.kind}>
              <time dateTime={isoOf(d.at)}>{clock(d.at)}</time> <strong>{d.node}</strong>{' '}
              <span class="badge">{KIND_TEXT[d.kind]}</span>
              {d.integration === '' ? null : (
                <>
                  {' '}
                  <code>{d.integration}</code>
                </>
              )}
              : <span class="decision-detail">{decisionText(d)}</span>
              {d.repeats === undefined || d.lastAt === undefined ? null : (
                <span class="muted">
                  {' '}
                  (×{d.repeats}, last at <time dateTime={isoOf(d.lastAt)}>{clock(d.lastAt)}</time>)
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function Story(props: { readonly story: AlertStoryJson; readonly now: number }) {
  const { story, now } = props
  const { alert } = story
  return (
    <>
      <section aria-labelledby="story-alert">
        <h2 id="story-alert">Alert</h2>
        <LabelChips labels={alert.labels} />
        <p>
          <span class={`badge state-${alert.status.state}`}>{alert.status.state}</span>{' '}
          <span class="muted">
            started {relativeTime(alert.startsAt, now)}, fingerprint{' '}
            <code>{alert.fingerprint}</code>, as node {story.node} has it
          </span>
        </p>
        <Annotations annotations={alert.annotations} />
      </section>
      <Routing story={story} />
      <Mutes story={story} now={now} />
      <Cluster story={story} />
      {story.groups.map((g) => (
        <GroupHistory key={`${g.groupKey}\n${g.receiver}`} group={g} now={now} />
      ))}
    </>
  )
}

/** AlertStoryPage is #/alerts/<fingerprint>. */
export function AlertStoryPage(props: { readonly fingerprint: string }) {
  const loaded = usePolled((signal) => loadStory(props.fingerprint, signal), props.fingerprint)
  // Notifications are seconds apart: "3s ago" must not lag half a minute behind.
  const now = useNow(1_000)
  const data = loaded.data
  if (data?.kind === 'missing') {
    return (
      <Page title="Alert not found">
        <p>{`No alert with fingerprint ${props.fingerprint} on this node.`}</p>
        <p>
          It may have resolved and been removed, or not have reached this node. See{' '}
          <a href="#/alerts">all alerts</a>.
        </p>
      </Page>
    )
  }
  const name = data?.story.alert.labels['alertname']
  return (
    <Page title={name === undefined ? 'Alert story' : `Alert story: ${name}`}>
      <p>
        <a href="#/alerts">← All alerts</a>
      </p>
      <LoadError what="the alert story" error={loaded.error} stale={data !== undefined} />
      {data === undefined ? (
        loaded.error === undefined ? (
          <Loading what="the alert story" />
        ) : null
      ) : (
        <Story story={data.story} now={now} />
      )}
    </Page>
  )
}
