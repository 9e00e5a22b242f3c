import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { RouteConfig } from '#src/config/index.js'
import { DEFAULT_ROUTE_OPTS, buildRouteTree } from '#src/dispatch/index.js'
import type { Route, RouteOpts } from '#src/dispatch/index.js'
import { newMatcher, sortMatchers } from '#src/labels/index.js'
import type { LabelSet, Matcher } from '#src/labels/index.js'

import { route } from './helpers.js'

const MIN = 60_000

/** eq and re build the matchers `match` and `match_re` turn into (match_re anchored, as 0.25). */
function eq(labels: Record<string, string>): Matcher[] {
  return sortMatchers(Object.entries(labels).map(([k, v]) => newMatcher('=', k, v)))
}
function re(labels: Record<string, string>): Matcher[] {
  return sortMatchers(Object.entries(labels).map(([k, v]) => newMatcher('=~', k, `^(?:${v})$`)))
}

function opts(overrides: Partial<RouteOpts>): RouteOpts {
  return { ...DEFAULT_ROUTE_OPTS, ...overrides }
}

// The tree of Alertmanager 0.25 dispatch/route_test.go TestRouteMatch and TestRouteWalk.
const GO_TREE = route({
  receiver: 'notify-def',
  routes: [
    route({
      matchers: eq({ owner: 'team-A' }),
      receiver: 'notify-A',
      routes: [
        route({ matchers: eq({ env: 'testing' }), receiver: 'notify-testing', group_by: ['...'] }),
        route({
          matchers: eq({ env: 'production' }),
          receiver: 'notify-productionA',
          group_wait: MIN,
          continue: true,
        }),
        route({
          matchers: re({ env: 'produ.*', job: '.*' }),
          receiver: 'notify-productionB',
          group_wait: 30_000,
          group_interval: 5 * MIN,
          repeat_interval: 60 * MIN,
          group_by: ['job'],
        }),
      ],
    }),
    route({
      matchers: re({ owner: 'team-(B|C)' }),
      group_by: ['foo', 'bar'],
      group_wait: 2 * MIN,
      receiver: 'notify-BC',
    }),
    route({
      matchers: eq({ group_by: 'role' }),
      group_by: ['role'],
      routes: [
        route({
          matchers: eq({ env: 'testing' }),
          receiver: 'notify-testing',
          routes: [route({ matchers: eq({ wait: 'long' }), group_wait: 2 * MIN })],
        }),
      ],
    }),
  ],
})

describe('Route.match', () => {
  const tree = buildRouteTree(GO_TREE)
  const cases: { name: string; labels: LabelSet; opts: RouteOpts[]; keys: string[] }[] = [
    // Matches team-A; no child matches, so the team-A node itself.
    {
      name: 'owner team-A only',
      labels: { owner: 'team-A' },
      opts: [opts({ receiver: 'notify-A' })],
      keys: ['{}/{owner="team-A"}'],
    },
    // An env no child knows: still the team-A node.
    {
      name: 'owner team-A, unknown env',
      labels: { owner: 'team-A', env: 'unset' },
      opts: [opts({ receiver: 'notify-A' })],
      keys: ['{}/{owner="team-A"}'],
    },
    // Regex route: the key shows the anchored regex as 0.25 does.
    {
      name: 'owner team-C',
      labels: { owner: 'team-C' },
      opts: [opts({ receiver: 'notify-BC', groupBy: ['foo', 'bar'], groupWaitMs: 2 * MIN })],
      keys: ['{}/{owner=~"^(?:team-(B|C))$"}'],
    },
    // group_by [...] switches to all labels.
    {
      name: 'team-A testing',
      labels: { owner: 'team-A', env: 'testing' },
      opts: [opts({ receiver: 'notify-testing', groupByAll: true })],
      keys: ['{}/{owner="team-A"}/{env="testing"}'],
    },
    // continue: true on productionA lets the next sibling match as well, in order.
    {
      name: 'team-A production (continue)',
      labels: { owner: 'team-A', env: 'production' },
      opts: [
        opts({ receiver: 'notify-productionA', groupWaitMs: MIN }),
        opts({
          receiver: 'notify-productionB',
          groupBy: ['job'],
          groupWaitMs: 30_000,
          groupIntervalMs: 5 * MIN,
          repeatIntervalMs: 60 * MIN,
        }),
      ],
      keys: [
        '{}/{owner="team-A"}/{env="production"}',
        '{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}',
      ],
    },
    // No receiver on the node: the root's receiver is inherited.
    {
      name: 'group_by role',
      labels: { group_by: 'role' },
      opts: [opts({ receiver: 'notify-def', groupBy: ['role'] })],
      keys: ['{}/{group_by="role"}'],
    },
    // group_by is inherited by a child that sets none.
    {
      name: 'role testing',
      labels: { env: 'testing', group_by: 'role' },
      opts: [opts({ receiver: 'notify-testing', groupBy: ['role'] })],
      keys: ['{}/{group_by="role"}/{env="testing"}'],
    },
    // Three levels deep: receiver and group_by inherited, group_wait overridden.
    {
      name: 'role testing long wait',
      labels: { env: 'testing', group_by: 'role', wait: 'long' },
      opts: [opts({ receiver: 'notify-testing', groupBy: ['role'], groupWaitMs: 2 * MIN })],
      keys: ['{}/{group_by="role"}/{env="testing"}/{wait="long"}'],
    },
    // Nothing matches below the root: the root itself.
    {
      name: 'no child matches',
      labels: { other: 'x' },
      opts: [opts({ receiver: 'notify-def' })],
      keys: ['{}'],
    },
  ]
  for (const c of cases) {
    it(`routes depth-first with inherited options: ${c.name}`, () => {
      const matched = tree.match(c.labels)
      assert.deepEqual(
        matched.map((r) => r.opts),
        c.opts
      )
      assert.deepEqual(
        matched.map((r) => r.key),
        c.keys
      )
    })
  }

  it('returns nothing when a non-root node itself does not match', () => {
    const child = tree.routes[0] as Route
    assert.deepEqual(child.match({ owner: 'team-B' }), [])
  })

  it('stops at the first matching child without continue', () => {
    const t = buildRouteTree(
      route({
        receiver: 'root',
        routes: [
          route({ matchers: eq({ a: '1' }), receiver: 'first' }),
          route({ matchers: eq({ a: '1' }), receiver: 'second' }),
        ],
      })
    )
    assert.deepEqual(
      t.match({ a: '1' }).map((r) => r.opts.receiver),
      ['first']
    )
  })

  it('gives identical siblings the same key but different ids', () => {
    const t = buildRouteTree(
      route({
        receiver: 'root',
        routes: [
          route({ matchers: eq({ a: '1' }), receiver: 'first', continue: true }),
          route({ matchers: eq({ a: '1' }), receiver: 'second' }),
        ],
      })
    )
    const [first, second] = t.match({ a: '1' })
    assert.ok(first && second)
    assert.equal(first.key, second.key)
    assert.notEqual(first.id, second.id)
  })
})

describe('Route.walk', () => {
  it('visits nodes depth-first in config order, numbering them as it goes', () => {
    // TestRouteWalk.
    const receivers: string[] = []
    const ids: number[] = []
    buildRouteTree(GO_TREE).walk((r) => {
      receivers.push(r.opts.receiver)
      ids.push(r.id)
    })
    assert.deepEqual(receivers, [
      'notify-def',
      'notify-A',
      'notify-testing',
      'notify-productionA',
      'notify-productionB',
      'notify-BC',
      'notify-def',
      'notify-testing',
      'notify-testing',
    ])
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('route option inheritance', () => {
  /** child returns the effective options of the only child of a root built from `parent`. */
  function childOf(parent: Partial<RouteConfig>, child: Partial<RouteConfig>): RouteOpts {
    const tree = buildRouteTree(
      route({
        receiver: 'root',
        ...parent,
        routes: [route({ matchers: eq({ c: '1' }), ...child })],
      })
    )
    return (tree.routes[0] as Route).opts
  }

  const cases: {
    name: string
    parent: Partial<RouteConfig>
    child: Partial<RouteConfig>
    want: Partial<RouteOpts>
  }[] = [
    // Absent group_by inherits the parent's.
    {
      name: 'absent group_by',
      parent: { group_by: ['a'] },
      child: {},
      want: { groupBy: ['a'], groupByAll: false },
    },
    // group_by: [] also inherits (Go's nil slice after parsing), it does not reset to none.
    {
      name: 'empty group_by',
      parent: { group_by: ['a'] },
      child: { group_by: [] },
      want: { groupBy: ['a'], groupByAll: false },
    },
    // A named list replaces the parent's.
    {
      name: 'own group_by',
      parent: { group_by: ['a'] },
      child: { group_by: ['b', 'c'] },
      want: { groupBy: ['b', 'c'] },
    },
    // `...` groups by all labels.
    {
      name: "group_by ['...']",
      parent: { group_by: ['a'] },
      child: { group_by: ['...'] },
      want: { groupByAll: true },
    },
    // group by all is inherited (TestInheritParentGroupByAll child1) ...
    {
      name: 'inherited group by all',
      parent: { group_by: ['...'] },
      child: {},
      want: { groupByAll: true },
    },
    // ... and a named list turns it off again (child2).
    {
      name: 'named list under group by all',
      parent: { group_by: ['...'] },
      child: { group_by: ['foo'] },
      want: { groupByAll: false, groupBy: ['foo'] },
    },
    // Empty receiver inherits.
    { name: 'empty receiver', parent: {}, child: { receiver: '' }, want: { receiver: 'root' } },
    // Own receiver wins.
    { name: 'own receiver', parent: {}, child: { receiver: 'mine' }, want: { receiver: 'mine' } },
    // Timings inherit one by one.
    {
      name: 'timings',
      parent: { group_wait: 1000, group_interval: 2000, repeat_interval: 3000 },
      child: { group_interval: 5000 },
      want: { groupWaitMs: 1000, groupIntervalMs: 5000, repeatIntervalMs: 3000 },
    },
    // A zero duration is a value, not "absent".
    {
      name: 'zero group_wait',
      parent: { group_wait: 1000 },
      child: { group_wait: 0 },
      want: { groupWaitMs: 0 },
    },
    // Time intervals are never inherited (dispatch.NewRoute assigns the node's own lists).
    {
      name: 'time intervals',
      parent: { mute_time_intervals: ['nights'], active_time_intervals: ['office'] },
      child: {},
      want: { muteTimeIntervals: [], activeTimeIntervals: [] },
    },
  ]
  for (const c of cases) {
    it(`inherits as dispatch.NewRoute does: ${c.name}`, () => {
      const got = childOf(c.parent, c.child)
      for (const [key, value] of Object.entries(c.want)) {
        assert.deepEqual(got[key as keyof RouteOpts], value, key)
      }
    })
  }

  it("uses Alertmanager's defaults below an unconfigured root", () => {
    const tree = buildRouteTree(route({ receiver: 'r' }))
    assert.deepEqual(tree.opts, opts({ receiver: 'r' }))
    assert.deepEqual(DEFAULT_ROUTE_OPTS, {
      receiver: '',
      groupBy: [],
      groupByAll: false,
      groupWaitMs: 30_000,
      groupIntervalMs: 5 * MIN,
      repeatIntervalMs: 4 * 60 * MIN,
      muteTimeIntervals: [],
      activeTimeIntervals: [],
    })
  })

  it('keeps each node its own continue flag and matchers', () => {
    const tree = buildRouteTree(GO_TREE)
    const productionA = (tree.routes[0] as Route).routes[1] as Route
    assert.equal(productionA.continue, true)
    assert.equal(tree.continue, false)
    assert.equal(productionA.matchers.map(String).join(','), 'env="production"')
    assert.equal(tree.key, '{}')
  })
})
