import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { LabelSet, Matcher } from '#src/labels/index.js'
import { isValidLabelName, labelSetString } from '#src/labels/labels.js'
import { parseMatchers } from '#src/labels/matcher-parser.js'
import { matchersToString, newMatcher, sortMatchers } from '#src/labels/matcher.js'

import { loadGoOracle, loadGolden } from './golden.js'
import type { GoldenRoute } from './golden.js'

describe('isValidLabelName', () => {
  it('accepts ^[a-zA-Z_][a-zA-Z0-9_]*$ only', () => {
    const cases: [string, boolean][] = [
      // Typical name.
      ['alertname', true],
      // Leading underscore and digits later.
      ['_a1', true],
      // Reserved-looking names are still valid.
      ['__name__', true],
      // Upper case.
      ['Z', true],
      // Empty.
      ['', false],
      // Leading digit.
      ['1a', false],
      // Colon is accepted by the matcher parser but not here.
      ['a:b', false],
      // Dash.
      ['a-b', false],
      // Non-ASCII letter.
      ['é', false],
      // Trailing newline (a JS `$` pitfall).
      ['a\n', false],
    ]
    for (const [name, want] of cases) {
      assert.equal(isValidLabelName(name), want, JSON.stringify(name))
    }
  })
})

describe('labelSetString', () => {
  it('renders like Go model.LabelSet.String', () => {
    const cases: [LabelSet, string][] = [
      // Empty set.
      [{}, '{}'],
      // Sorted, ", " separated.
      [{ b: 'y', a: 'x' }, '{a="x", b="y"}'],
      // Values are %q quoted.
      [{ q: 'v"é\\\n\t' }, '{q="v\\"é\\\\\\n\\t"}'],
      // Whole "name=value" strings are sorted: "a1=" < "a=" because '1' < '='.
      [{ a: '1', a1: '2', a_: '3' }, '{a1="2", a="1", a_="3"}'],
      // Non-printable characters are escaped.
      [{ c: '\u0000\u00a0' }, '{c="\\x00\\u00a0"}'],
    ]
    for (const [labels, want] of cases) {
      assert.equal(labelSetString(labels), want, JSON.stringify(labels))
    }
  })

  it('agrees with prometheus/common on the oracle corpus', () => {
    for (const { labels, string } of loadGoOracle().labelSets) {
      assert.equal(labelSetString(labels), string, JSON.stringify(labels))
    }
  })
})

/** routeMatchers builds a route's matchers the way 0.25's dispatch.NewRoute does. */
function routeMatchers(route: GoldenRoute): Matcher[] {
  const ms: Matcher[] = []
  for (const [name, value] of Object.entries(route.match ?? {})) {
    ms.push(newMatcher('=', name, value))
  }
  // 0.25's config.Regexp.String() returns the anchored pattern, so match_re shows as ^(?:...)$.
  for (const [name, value] of Object.entries(route.match_re ?? {})) {
    ms.push(newMatcher('=~', name, `^(?:${value})$`))
  }
  for (const line of route.matchers ?? []) {
    ms.push(...parseMatchers(line))
  }
  return sortMatchers(ms)
}

/** RouteInfo is a route's key and effective group_by. */
interface RouteInfo {
  key: string
  groupBy: readonly string[]
}

/**
 * routeKeys maps each receiver of the recorded config to its route key and effective group_by;
 * an empty `group_by` inherits the parent's, as the real Alertmanager showed.
 */
function routeKeys(
  route: GoldenRoute,
  parent?: RouteInfo,
  out = new Map<string, RouteInfo>()
): Map<string, RouteInfo> {
  const own = matchersToString(routeMatchers(route))
  const info: RouteInfo = {
    key: parent === undefined ? own : `${parent.key}/${own}`,
    groupBy: route.group_by?.length ? route.group_by : (parent?.groupBy ?? []),
  }
  out.set(route.receiver, info)
  for (const child of route.routes ?? []) {
    routeKeys(child, info, out)
  }
  return out
}

describe('group keys of the real Alertmanager 0.25', () => {
  it('are <route key>:<labelSetString(group labels)>, group labels being the alert labels in group_by', () => {
    const golden = loadGolden()
    const routes = routeKeys(golden.routes)
    const byFingerprint = new Map(golden.alerts.map((a) => [a.fingerprint, a.labels]))
    assert.ok(golden.notifications.length >= 10, 'the fixture should hold notifications')
    for (const n of golden.notifications) {
      const entry = routes.get(n.receiver)
      assert.ok(entry, n.receiver)
      const alertLabels = byFingerprint.get(n.fingerprints[0] ?? '') ?? {}
      const { groupBy } = entry
      const groupLabels = groupBy.includes('...')
        ? alertLabels
        : Object.fromEntries(Object.entries(alertLabels).filter(([name]) => groupBy.includes(name)))
      assert.deepEqual(groupLabels, n.groupLabels, n.groupKey)
      assert.equal(`${entry.key}:${labelSetString(groupLabels)}`, n.groupKey)
    }
  })

  it('include the spec example verbatim', () => {
    const keys = loadGolden().notifications.map((n) => n.groupKey)
    assert.ok(keys.includes('{}/{k=~"x\\"y|\\\\d",z!="a\\\\nb"}:{q="v\\"é\\\\\\n\\t"}'))
    assert.ok(keys.includes('{}/{team="db"}:{alertname="A"}'))
  })
})
