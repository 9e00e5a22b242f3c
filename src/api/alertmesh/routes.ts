import type { RouteConfig } from '../../config/index.js'
import type { Route } from '../../dispatch/index.js'
import { parseMatcher } from '../../labels/index.js'
import type { LabelSet } from '../../labels/index.js'
import { errorMessage, formatDuration } from '../../util/index.js'
import { HandlerError } from '../errors.js'

import type { InheritableOption, RouteJson, RouteTestJson } from './routes-wire.js'

/**
 * routeTreeJson describes the running routing tree with each node's effective options.
 *
 * @param root - the dispatcher's routing tree.
 * @returns the root node's description.
 */
export function routeTreeJson(root: Route): RouteJson {
  return describe(root, [], true)
}

// Whether a route's config writes each option itself (dispatch.NewRoute's inheritance rules:
// an empty receiver or group_by counts as omitted).
const INHERITABLE: readonly (readonly [InheritableOption, (config: RouteConfig) => boolean])[] = [
  ['receiver', (c) => c.receiver !== undefined && c.receiver !== ''],
  ['groupBy', (c) => c.group_by !== undefined && c.group_by.length > 0],
  ['groupWait', (c) => c.group_wait !== undefined],
  ['groupInterval', (c) => c.group_interval !== undefined],
  ['repeatInterval', (c) => c.repeat_interval !== undefined],
]

function describe(route: Route, path: readonly number[], isRoot: boolean): RouteJson {
  const { opts, config } = route
  // The root's omitted options come from Alertmanager's defaults, not from a parent.
  const inherited = isRoot
    ? []
    : INHERITABLE.filter(([, written]) => !written(config)).map(([name]) => name)
  return {
    path,
    matchers: route.matchers.map((m) => m.toString()),
    receiver: opts.receiver,
    groupBy: opts.groupByAll ? ['...'] : opts.groupBy,
    groupWait: formatDuration(opts.groupWaitMs),
    groupInterval: formatDuration(opts.groupIntervalMs),
    repeatInterval: formatDuration(opts.repeatIntervalMs),
    continue: route.continue,
    muteTimeIntervals: opts.muteTimeIntervals,
    activeTimeIntervals: opts.activeTimeIntervals,
    inherited,
    routes: route.routes.map((child, i) => describe(child, [...path, i], false)),
  }
}

/**
 * parseTestLabels reads `name=value` pairs as amtool's `config routes test` does: each is a
 * matcher (so `name="a b"` quotes a value) that must be an equality; a later name wins.
 *
 * @param pairs - the `label` query parameters.
 * @returns the label set.
 * @throws HandlerError (400) for a malformed pair or another operator.
 */
export function parseTestLabels(pairs: readonly string[]): LabelSet {
  const labels: Record<string, string> = {}
  for (const pair of pairs) {
    let matcher
    try {
      matcher = parseMatcher(pair)
    } catch (err: unknown) {
      throw new HandlerError(400, `bad label ${JSON.stringify(pair)}: ${errorMessage(err)}`)
    }
    if (matcher.type !== '=') {
      throw new HandlerError(400, 'labels must be specified as key=value pairs')
    }
    labels[matcher.name] = matcher.value
  }
  return labels
}

/**
 * routeTestJson routes a label set through the tree with the dispatcher's own matching.
 *
 * @param root - the dispatcher's routing tree.
 * @param labels - the label set to route.
 * @returns the matching routes and their receivers.
 */
export function routeTestJson(root: Route, labels: LabelSet): RouteTestJson {
  const paths = new Map<Route, number[]>()
  const index = (route: Route, path: number[]): void => {
    paths.set(route, path)
    route.routes.forEach((child, i) => {
      index(child, [...path, i])
    })
  }
  index(root, [])
  const matched = root.match(labels)
  return {
    labels,
    routes: matched.map((r) => ({ path: paths.get(r) ?? [], receiver: r.opts.receiver })),
    receivers: matched.map((r) => r.opts.receiver),
  }
}
