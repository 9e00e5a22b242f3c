import type { RouteConfig } from '../config/index.js'
import { matchersToString } from '../labels/index.js'
import type { LabelSet, Matcher } from '../labels/index.js'

/** RouteOpts are the effective (inherited) options of a route node. */
export interface RouteOpts {
  readonly receiver: string
  /** Label names to group by; ignored when groupByAll. */
  readonly groupBy: readonly string[]
  readonly groupByAll: boolean
  readonly groupWaitMs: number
  readonly groupIntervalMs: number
  readonly repeatIntervalMs: number
  readonly muteTimeIntervals: readonly string[]
  readonly activeTimeIntervals: readonly string[]
}

/** DEFAULT_ROUTE_OPTS are Alertmanager's defaults below the root route. */
export const DEFAULT_ROUTE_OPTS: RouteOpts = {
  receiver: '',
  groupBy: [],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
}

/**
 * Route is one node of the routing tree with options inherited from its parent, as
 * Alertmanager's dispatch.Route. Its key identifies it in group keys and so in the nflog.
 */
export class Route {
  readonly opts: RouteOpts
  /** The route as configured, before inheritance: shows which options were written here. */
  readonly config: RouteConfig
  readonly matchers: readonly Matcher[]
  readonly continue: boolean
  readonly routes: readonly Route[]
  /** Route key, e.g. `{}/{team="db"}`. Not unique: identical siblings share it. */
  readonly key: string
  /** Position of this node in a depth-first walk, unique within one tree. */
  readonly id: number

  constructor(config: RouteConfig, parent: Route | undefined, nextId: { value: number }) {
    this.id = nextId.value++
    this.config = config
    this.opts = inheritOpts(config, parent?.opts ?? DEFAULT_ROUTE_OPTS)
    this.matchers = config.matchers
    this.continue = config.continue
    this.key = (parent === undefined ? '' : `${parent.key}/`) + matchersToString(config.matchers)
    this.routes = config.routes.map((child) => new Route(child, this, nextId))
  }

  /**
   * match returns the nodes an alert is routed to: depth-first, left to right, stopping after
   * the first matching child unless it has `continue`; the node itself when no child matches.
   *
   * @param labels - the alert's labels.
   * @returns matching nodes in routing order (empty when this node does not match).
   */
  match(labels: LabelSet): Route[] {
    for (const matcher of this.matchers) {
      if (!matcher.matchesLabels(labels)) {
        return []
      }
    }
    const result: Route[] = []
    for (const child of this.routes) {
      const matches = child.match(labels)
      if (matches.length > 0) {
        result.push(...matches)
        if (!child.continue) {
          break
        }
      }
    }
    if (result.length === 0) {
      result.push(this)
    }
    return result
  }

  /**
   * walk visits this node and its descendants depth-first.
   *
   * @param visit - called for every node.
   */
  walk(visit: (route: Route) => void): void {
    visit(this)
    for (const child of this.routes) {
      child.walk(visit)
    }
  }
}

/**
 * buildRouteTree turns the configured root route into the routing tree.
 *
 * @param root - `config.route`.
 * @returns the root node.
 */
export function buildRouteTree(root: RouteConfig): Route {
  return new Route(root, undefined, { value: 0 })
}

// Mirrors dispatch.NewRoute: an empty or absent group_by inherits, `...` switches to all labels.
function inheritOpts(config: RouteConfig, parent: RouteOpts): RouteOpts {
  let { groupBy, groupByAll } = parent
  const configured = config.group_by ?? []
  const named = configured.filter((name) => name !== '...')
  if (named.length > 0) {
    groupBy = named
    groupByAll = false
  } else if (configured.includes('...')) {
    groupByAll = true
  }
  return {
    receiver:
      config.receiver !== undefined && config.receiver !== '' ? config.receiver : parent.receiver,
    groupBy,
    groupByAll,
    groupWaitMs: config.group_wait ?? parent.groupWaitMs,
    groupIntervalMs: config.group_interval ?? parent.groupIntervalMs,
    repeatIntervalMs: config.repeat_interval ?? parent.repeatIntervalMs,
    muteTimeIntervals: config.mute_time_intervals,
    activeTimeIntervals: config.active_time_intervals,
  }
}
