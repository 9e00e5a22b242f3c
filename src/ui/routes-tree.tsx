// The Routing page's tree: the running routing tree as nested lists, one item per route with a
// heading, its matchers and its effective options. Options a route takes from its parent are
// marked "inherited" in words (not by colour alone), and the routes a tested label set matches
// are marked with their place in the receivers list. Every value is a JSX text child.
import type { ComponentChildren } from 'preact'

import type { InheritableOption, RouteJson } from '../api/alertmesh/routes-wire'

/** MatchOrder maps a route (its path joined by `.`, '' for the root) to its 1-based match rank. */
export type MatchOrder = ReadonlyMap<string, number>

/** routeKey names a route by its path: '' for the root, `1.0` for its second child's first. */
export function routeKey(path: readonly number[]): string {
  return path.join('.')
}

/** routeTitle is a route's heading: `Root route`, or `Route 2.1` (1-based, in config order). */
export function routeTitle(path: readonly number[]): string {
  return path.length === 0 ? 'Root route' : `Route ${path.map((i) => i + 1).join('.')}`
}

// Headings follow the depth (h3 for the root, under the page's h2), so a screen reader's heading
// list shows the tree's shape; below h6, ARIA's heading role carries the level on.
const HEADING_TAGS = ['h3', 'h4', 'h5', 'h6'] as const

function RouteHeading(props: { readonly depth: number; readonly children: ComponentChildren }) {
  const Tag = HEADING_TAGS[props.depth]
  if (Tag !== undefined) {
    return <Tag class="route-title">{props.children}</Tag>
  }
  return (
    <div class="route-title" role="heading" aria-level={3 + props.depth}>
      {props.children}
    </div>
  )
}

function Option(props: {
  readonly term: string
  readonly inherited?: boolean
  readonly children: ComponentChildren
}) {
  return (
    <div class={props.inherited === true ? 'route-option is-inherited' : 'route-option'}>
      <dt>{props.term}</dt>
      <dd>
        {props.children}
        {props.inherited === true ? (
          <>
            {' '}
            <span class="inherited" title="not set on this route: taken from its parent">
              inherited
            </span>
          </>
        ) : null}
      </dd>
    </div>
  )
}

function groupByText(groupBy: readonly string[]): string {
  if (groupBy.length === 1 && groupBy[0] === '...') {
    return '... (every label)'
  }
  return groupBy.length === 0 ? 'nothing (one group)' : groupBy.join(', ')
}

function NameList(props: { readonly names: readonly string[] }) {
  return (
    <ul class="chips">
      {props.names.map((name, i) => (
        <li key={i} class="chip">
          {name}
        </li>
      ))}
    </ul>
  )
}

function RouteOptions(props: { readonly route: RouteJson }) {
  const { route } = props
  const inherited = (option: InheritableOption) => route.inherited.includes(option)
  return (
    <dl class="route-options">
      <Option term="Receiver" inherited={inherited('receiver')}>
        <code>{route.receiver}</code>
      </Option>
      <Option term="Group by" inherited={inherited('groupBy')}>
        {groupByText(route.groupBy)}
      </Option>
      <Option term="Group wait" inherited={inherited('groupWait')}>
        {route.groupWait}
      </Option>
      <Option term="Group interval" inherited={inherited('groupInterval')}>
        {route.groupInterval}
      </Option>
      <Option term="Repeat interval" inherited={inherited('repeatInterval')}>
        {route.repeatInterval}
      </Option>
      <Option term="Continue">{route.continue ? 'yes' : 'no'}</Option>
      {route.muteTimeIntervals.length === 0 ? null : (
        <Option term="Muted during">
          <NameList names={route.muteTimeIntervals} />
        </Option>
      )}
      {route.activeTimeIntervals.length === 0 ? null : (
        <Option term="Active during">
          <NameList names={route.activeTimeIntervals} />
        </Option>
      )}
    </dl>
  )
}

function RouteItem(props: {
  readonly route: RouteJson
  readonly matches: MatchOrder
  readonly matchCount: number
}) {
  const { route, matches } = props
  const key = routeKey(route.path)
  const title = routeTitle(route.path)
  const rank = matches.get(key)
  return (
    <li class={rank === undefined ? 'route' : 'route route-matched'} data-route={key}>
      <div class="route-body">
        <RouteHeading depth={route.path.length}>{title}</RouteHeading>
        {rank === undefined ? null : (
          <p class="route-match">
            <strong>Matches</strong>: receiver {rank} of {props.matchCount}
          </p>
        )}
        {route.matchers.length === 0 ? (
          <p class="route-matchers muted">
            {route.path.length === 0 ? 'Every alert starts here.' : 'No matchers: every alert.'}
          </p>
        ) : (
          <ul class="chips route-matchers" aria-label="matchers">
            {route.matchers.map((m, i) => (
              <li key={i} class="chip matcher">
                {m}
              </li>
            ))}
          </ul>
        )}
        <RouteOptions route={route} />
      </div>
      {route.routes.length === 0 ? null : (
        <ol class="route-children" aria-label={`routes under ${title}`}>
          {route.routes.map((child) => (
            <RouteItem
              key={routeKey(child.path)}
              route={child}
              matches={matches}
              matchCount={props.matchCount}
            />
          ))}
        </ol>
      )}
    </li>
  )
}

/**
 * RouteTree draws the routing tree from GET /api/alertmesh/v1/routes. Children are ordered lists:
 * their order is the order the dispatcher tries them in.
 */
export function RouteTree(props: {
  readonly root: RouteJson
  readonly matches: MatchOrder
  readonly matchCount: number
}) {
  return (
    <ol class="route-tree" aria-label="routing tree">
      <RouteItem route={props.root} matches={props.matches} matchCount={props.matchCount} />
    </ol>
  )
}
