// The Routing page (#/routes): the running config's routing tree, and a "test labels" box that
// answers as `amtool config routes test` does (the node routes the labels with its dispatcher's
// own matching). The tested labels live in the hash query, so a reload or a shared link keeps
// them.
import { useEffect, useState } from 'preact/hooks'

import type { RouteJson, RouteTestJson } from '../../api/alertmesh/routes-wire'
import { ApiError, getAlertmeshJson } from '../api'
import { LabelChips, LoadError, Loading, Page } from '../components'
import { usePolled } from '../hooks'
import { replaceQuery } from '../router'
import { routeTestPath, splitLabelPairs } from '../routes-labels'
import { RouteTree, routeKey, routeTitle } from '../routes-tree'
import type { MatchOrder } from '../routes-tree'

/** RouteTest is the answer for one text of the box: the node's routing, or its refusal. */
type RouteTest =
  | { readonly text: string; readonly kind: 'none' }
  | { readonly text: string; readonly kind: 'routed'; readonly answer: RouteTestJson }
  | { readonly text: string; readonly kind: 'refused'; readonly message: string }

async function testLabels(text: string, signal: AbortSignal): Promise<RouteTest> {
  const pairs = splitLabelPairs(text)
  if (pairs.length === 0) {
    return { text, kind: 'none' }
  }
  try {
    const answer = await getAlertmeshJson<RouteTestJson>(routeTestPath(pairs), signal)
    return { text, kind: 'routed', answer }
  } catch (err: unknown) {
    // A 400 is the node's word on the labels (a bad pair), not a failure to load.
    if (err instanceof ApiError && err.status === 400) {
      return { text, kind: 'refused', message: err.message }
    }
    throw err
  }
}

function TestForm(props: { readonly applied: string }) {
  const [text, setText] = useState(props.applied)
  // A change from outside (Back, an edited address) replaces what the box shows.
  useEffect(() => {
    setText(props.applied)
  }, [props.applied])
  return (
    <form
      class="route-test"
      role="search"
      onSubmit={(event) => {
        event.preventDefault()
        replaceQuery({ labels: text.trim() })
      }}
    >
      <label for="route-test-labels">Test labels</label>
      <p id="route-test-help" class="route-test-help muted">
        Label pairs as <code>amtool config routes test</code> takes them, separated by spaces:{' '}
        <code>service=db severity="page"</code>. Quote a value that has spaces.
      </p>
      <div class="route-test-row">
        <input
          id="route-test-labels"
          type="text"
          value={text}
          placeholder='service=db severity="page"'
          spellcheck={false}
          autocomplete="off"
          aria-describedby="route-test-help"
          onInput={(event) => {
            setText(event.currentTarget.value)
          }}
        />
        <button type="submit" class="primary">
          Test
        </button>
      </div>
    </form>
  )
}

function TestResult(props: { readonly test: RouteTest }) {
  const { test } = props
  switch (test.kind) {
    case 'none':
      return null
    case 'refused':
      return (
        <div class="error" role="alert" data-labels={test.text}>
          <strong>The node refused these labels: </strong>
          {test.message}
        </div>
      )
    case 'routed': {
      const { answer } = test
      return (
        <div class="route-result" data-labels={test.text}>
          <LabelChips labels={answer.labels} />
          <p>
            Routed to{' '}
            {answer.receivers.length === 1 ? '1 receiver' : `${answer.receivers.length} receivers`},
            in amtool's order:
          </p>
          <ol class="route-receivers" aria-label="receivers">
            {answer.routes.map((route, i) => (
              <li key={i}>
                <code>{route.receiver}</code>{' '}
                <span class="muted">({routeTitle(route.path).toLowerCase()})</span>
              </li>
            ))}
          </ol>
        </div>
      )
    }
  }
}

function matchOrder(test: RouteTest | undefined): MatchOrder {
  const order = new Map<string, number>()
  if (test?.kind === 'routed') {
    test.answer.routes.forEach((route, i) => order.set(routeKey(route.path), i + 1))
  }
  return order
}

/** RoutesPage is #/routes; `labels` in the query is the tested text. */
export function RoutesPage(props: { readonly query: URLSearchParams }) {
  const applied = props.query.get('labels') ?? ''
  const tree = usePolled((signal) => getAlertmeshJson<RouteJson>('routes', signal), 'routes')
  const tested = usePolled((signal) => testLabels(applied, signal), `routes-test:${applied}`)
  // Until the answer for the current text arrives, the previous one is not shown as its answer.
  const test = tested.data?.text === applied ? tested.data : undefined
  const matches = matchOrder(test)
  return (
    <Page title="Routing">
      <section aria-labelledby="routes-test-heading">
        <h2 id="routes-test-heading">Where would an alert go?</h2>
        <TestForm applied={applied} />
        <div aria-live="polite">
          {test === undefined ? null : <TestResult test={test} />}
          <LoadError what="the routing test" error={tested.error} stale={test !== undefined} />
        </div>
      </section>
      <section aria-labelledby="routes-tree-heading">
        <h2 id="routes-tree-heading">Routing tree</h2>
        <LoadError what="the routing tree" error={tree.error} stale={tree.data !== undefined} />
        {tree.data === undefined ? (
          tree.error === undefined ? (
            <Loading what="the routing tree" />
          ) : null
        ) : (
          <>
            <p class="muted route-legend">
              Routes are tried in order; a route that matches stops its later siblings unless it
              says continue. Values marked <span class="inherited">inherited</span> are not set on
              the route but taken from its parent.
            </p>
            <RouteTree root={tree.data} matches={matches} matchCount={matches.size} />
          </>
        )}
      </section>
    </Page>
  )
}
