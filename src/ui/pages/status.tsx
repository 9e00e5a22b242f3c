// The Status page (#/status): this node (version, uptime, cluster state), where its config came
// from, every peer with its config hash (drift stands out), and the running config's text.
import type { ComponentChildren } from 'preact'

import { api } from '../api'
import { ErrorBox, Loading, Page } from '../components'
import { useNow, usePolled } from '../hooks'
import { PeersTable, peerRows } from '../status-peers'
import { formatDuration, formatTime, relativeTime } from '../time'
import type { ConfigSourceView, Status } from '../types'

/** Fact is one `term: value` line of a facts list. */
function Fact(props: { readonly term: string; readonly children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  )
}

function When(props: { readonly iso: string; readonly now: number }) {
  if (props.iso === '') {
    return <span class="muted">never</span>
  }
  return (
    <time dateTime={props.iso}>
      {formatTime(props.iso)} <span class="muted">({relativeTime(props.iso, props.now)})</span>
    </time>
  )
}

function ClusterState(props: { readonly status: Status['cluster']['status'] }) {
  switch (props.status) {
    case 'ready':
      return <span class="ok">ready</span>
    case 'settling':
      return <span class="bad">settling (gossip not yet merged)</span>
    case 'disabled':
      return <span class="muted">disabled</span>
  }
}

function ThisNode(props: { readonly status: Status; readonly now: number }) {
  const { status, now } = props
  const v = status.versionInfo
  const started = Date.parse(status.uptime)
  return (
    <section aria-labelledby="status-node">
      <h2 id="status-node">This node</h2>
      <dl class="facts">
        {status.alertmesh === undefined ? null : <Fact term="Name">{status.alertmesh.name}</Fact>}
        <Fact term="Cluster status">
          <ClusterState status={status.cluster.status} />
        </Fact>
        <Fact term="Cluster name">{status.cluster.name ?? <span class="muted">none</span>}</Fact>
        <Fact term="Version">
          {v.version}{' '}
          <span class="muted">
            (revision {v.revision || 'unknown'}, branch {v.branch || 'unknown'}, built{' '}
            {v.buildDate || 'unknown'})
          </span>
        </Fact>
        <Fact term="Uptime">
          {Number.isNaN(started) ? (
            status.uptime
          ) : (
            <>
              up {formatDuration(now - started)} since{' '}
              <time dateTime={status.uptime}>{formatTime(status.uptime)}</time>
            </>
          )}
        </Fact>
      </dl>
    </section>
  )
}

function ConfigSourceFacts(props: { readonly config: ConfigSourceView; readonly now: number }) {
  const { config, now } = props
  return (
    <section aria-labelledby="status-source">
      <h2 id="status-source">Config source</h2>
      {config.source === 'cache' ? (
        <p class="notice">
          Consul could not be read: this node runs the cached copy of the last config it got.
        </p>
      ) : null}
      <dl class="facts">
        <Fact term="Mode">{config.mode}</Fact>
        <Fact term="Read from">{config.source}</Fact>
        <Fact term="Location">
          <code>{config.location}</code>
        </Fact>
        <Fact term="Hash">
          {config.hash === '' ? <span class="bad">no config yet</span> : <code>{config.hash}</code>}
        </Fact>
        {config.version === undefined ? null : <Fact term="Consul index">{config.version}</Fact>}
        <Fact term="Applied">
          <When iso={config.appliedAt} now={now} />
        </Fact>
        {config.consul === undefined ? null : (
          <Fact term="Consul">
            <code>{config.consul.address}</code>{' '}
            {config.consul.reachable ? (
              <span class="ok">reachable</span>
            ) : (
              <span class="bad">unreachable</span>
            )}
          </Fact>
        )}
      </dl>
    </section>
  )
}

function ConfigText(props: { readonly text: string }) {
  const lines = props.text === '' ? 0 : props.text.replace(/\n$/, '').split('\n').length
  return (
    <section aria-labelledby="status-config">
      <h2 id="status-config">Config</h2>
      <details open>
        <summary>The running config ({lines} lines)</summary>
        <pre class="config-text">{props.text}</pre>
      </details>
    </section>
  )
}

/** StatusPage is #/status. */
export function StatusPage() {
  const loaded = usePolled((signal) => api.status(signal), 'status')
  const now = useNow(5_000)
  const status = loaded.data
  const source = status?.alertmesh?.config
  const configError = source?.error
  return (
    <Page title="Status">
      <ErrorBox title="Cannot load the status" message={loaded.error} />
      {configError === undefined ? null : (
        <ErrorBox
          title={`The latest config was refused (${formatTime(configError.at)}); ${
            source?.hash === '' ? 'no config is running' : 'still running the previous one'
          }`}
          message={configError.message}
        />
      )}
      {status === undefined ? (
        loaded.error === undefined ? (
          <Loading what="the status" />
        ) : null
      ) : (
        <>
          <ThisNode status={status} now={now} />
          {status.alertmesh === undefined ? null : (
            <ConfigSourceFacts config={status.alertmesh.config} now={now} />
          )}
          <section aria-labelledby="status-peers">
            <h2 id="status-peers">Cluster peers</h2>
            <PeersTable rows={peerRows(status)} />
          </section>
          <ConfigText text={status.config.original} />
        </>
      )}
    </Page>
  )
}
