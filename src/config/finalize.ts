import { goQuote } from '../labels/index.js'
import { AlertmeshError } from '../util/index.js'

import type { Obj } from './checks.js'
import { byUnmarshalOrder } from './integration-spec.js'
import type { IntegrationConfigSpec } from './integration-spec.js'
import { propertiesOf } from './schema/index.js'

/**
 * The checks of Alertmanager's `Config.UnmarshalYAML` and `Load` that run once the whole
 * document decoded cleanly, in Go's order: global mutual exclusions → receivers (uniqueness,
 * defaults taken from `global`, each integration's as its spec says) → root route → undefined receivers → interval name uniqueness →
 * undefined intervals → `continue` in the root route. Like the Go code, filling in the global
 * defaults mutates the converted config (and shares objects with `global`, e.g. http_config).
 */

/** PhaseError is a top-level check failure; `pointer` locates the offending value. */
export class PhaseError extends AlertmeshError {
  readonly pointer: string

  constructor(message: string, pointer: string) {
    super('AM_CONFIG_INVALID', message)
    this.name = 'PhaseError'
    this.pointer = pointer
  }
}

const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? o[k] : '')
const objs = (o: Obj, k: string): Obj[] => (Array.isArray(o[k]) ? (o[k] as Obj[]) : [])
const strs = (o: Obj, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : [])
const size = (v: unknown): number =>
  Array.isArray(v) ? v.length : typeof v === 'object' && v !== null ? Object.keys(v).length : 0

/** globalExclusions refuses the pairs of global fields the integrations declare exclusive. */
function globalExclusions(g: Obj, integrations: readonly IntegrationConfigSpec[]): void {
  const checks = integrations
    .flatMap((spec) => spec.global?.exclusive ?? [])
    .sort((x, y) => x.order - y.order)
  for (const {
    pair: [a, b],
  } of checks) {
    if (g[a] !== undefined && g[a] !== '' && str(g, b) !== '') {
      throw new PhaseError(`at most one of ${a} & ${b} must be configured`, `/global/${b}`)
    }
  }
}

/**
 * fillFromGlobal gives an entry what it inherits from `global`: the global http_config as a
 * whole object when the kind has one and the entry none, then the kind's own defaults.
 */
function fillFromGlobal(spec: IntegrationConfigSpec, c: Obj, g: Obj, where: string): void {
  if (hasHttpConfig(spec) && c['http_config'] === undefined) {
    c['http_config'] = g['http_config']
  }
  try {
    spec.fromGlobal?.(c, g)
  } catch (err) {
    throw new PhaseError(err instanceof Error ? err.message : String(err), where)
  }
}

function hasHttpConfig(spec: IntegrationConfigSpec): boolean {
  return Object.hasOwn(propertiesOf(spec.schema), 'http_config')
}

function checkReceivers(route: Obj, names: ReadonlySet<string>, pointer: string): void {
  objs(route, 'routes').forEach((child, i) => {
    checkReceivers(child, names, `${pointer}/routes/${i}`)
  })
  const r = str(route, 'receiver')
  if (r !== '' && !names.has(r)) {
    throw new PhaseError(`undefined receiver ${goQuote(r)} used in route`, `${pointer}/receiver`)
  }
}

function checkIntervals(route: Obj, names: ReadonlySet<string>, pointer: string): void {
  objs(route, 'routes').forEach((child, i) => {
    checkIntervals(child, names, `${pointer}/routes/${i}`)
  })
  for (const field of ['active_time_intervals', 'mute_time_intervals']) {
    strs(route, field).forEach((name, i) => {
      if (!names.has(name)) {
        throw new PhaseError(
          `undefined time interval ${goQuote(name)} used in route`,
          `${pointer}/${field}/${i}`
        )
      }
    })
  }
}

/**
 * finalizeConfig runs the top-level checks on a converted config and applies the global
 * defaults to every receiver.
 *
 * @param c - the converted root object (mutated).
 * @param integrations - the integration specs, visited in Config.UnmarshalYAML's order.
 * @throws PhaseError with Alertmanager's message for the first failing check.
 */
export function finalizeConfig(c: Obj, integrations: readonly IntegrationConfigSpec[]): void {
  const g = c['global'] as Obj
  globalExclusions(g, integrations)
  const ordered = byUnmarshalOrder(integrations)
  const names = new Set<string>()
  objs(c, 'receivers').forEach((rcv, i) => {
    const name = str(rcv, 'name')
    if (names.has(name)) {
      throw new PhaseError(
        `notification config name ${goQuote(name)} is not unique`,
        `/receivers/${i}/name`
      )
    }
    for (const spec of ordered) {
      objs(rcv, `${spec.name}_configs`).forEach((cfg, j) => {
        fillFromGlobal(spec, cfg, g, `/receivers/${i}/${spec.name}_configs/${j}`)
      })
    }
    names.add(name)
  })
  const route = c['route'] as Obj | undefined
  if (route === undefined) {
    throw new PhaseError('no routes provided', '')
  }
  if (str(route, 'receiver') === '') {
    throw new PhaseError('root route must specify a default receiver', '/route')
  }
  for (const field of ['match', 'match_re', 'matchers']) {
    if (size(route[field]) > 0) {
      throw new PhaseError('root route must not have any matchers', `/route/${field}`)
    }
  }
  if (size(route['mute_time_intervals']) > 0) {
    throw new PhaseError(
      'root route must not have any mute time intervals',
      '/route/mute_time_intervals'
    )
  }
  if (size(route['active_time_intervals']) > 0) {
    throw new PhaseError(
      'root route must not have any active time intervals',
      '/route/active_time_intervals'
    )
  }
  checkReceivers(route, names, '/route')
  const intervals = new Set<string>()
  for (const [list, label] of [
    ['mute_time_intervals', 'mute time interval'],
    ['time_intervals', 'time interval'],
  ] as const) {
    objs(c, list).forEach((ti, i) => {
      const name = str(ti, 'name')
      if (intervals.has(name)) {
        throw new PhaseError(`${label} ${goQuote(name)} is not unique`, `/${list}/${i}/name`)
      }
      intervals.add(name)
    })
  }
  checkIntervals(route, intervals, '/route')
  if (route['continue'] === true) {
    throw new PhaseError('cannot have continue in root route', '/route/continue')
  }
}
