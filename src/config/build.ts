import { isAbsolute, join } from 'node:path'

import { Matcher, newMatcher, sortMatchers } from '../labels/index.js'

import type { Obj } from './checks.js'
import { goUrlString } from './goyaml/index.js'
import type { GoURL } from './goyaml/index.js'
import type { IntegrationConfigSpec } from './integration-spec.js'
import type {
  Config,
  HttpClientConfig,
  InhibitRuleConfig,
  IntegrationConfig,
  NamedTimeInterval,
  ReceiverConfig,
  RouteConfig,
  TLSConfig,
} from './types.js'

/**
 * Turns the converted, finalized document into the typed {@link Config}: URLs rendered as Go
 * does, relative file paths joined with the config directory (Alertmanager's
 * `resolveFilepaths`), route and inhibit matchers assembled, root route defaults filled.
 * What the typed config cannot express but `config.original` shows (the deprecated match
 * forms, which root timings were written) is kept in {@link MARSHAL_HINTS}.
 */

/** RouteHints records how a route was written. */
export interface RouteHints {
  readonly match: Readonly<Record<string, string>> | undefined
  readonly match_re: Readonly<Record<string, string>> | undefined
  /** Only the matchers from the `matchers` field, sorted. */
  readonly matchers: readonly Matcher[]
  /** Root route fields filled with defaults rather than written. */
  readonly defaulted: ReadonlySet<string>
}

/** InhibitHints records the deprecated forms of an inhibit rule. */
export interface InhibitHints {
  readonly source_match: Readonly<Record<string, string>> | undefined
  readonly source_match_re: Readonly<Record<string, string>> | undefined
  readonly source_matchers: readonly Matcher[]
  readonly target_match: Readonly<Record<string, string>> | undefined
  readonly target_match_re: Readonly<Record<string, string>> | undefined
  readonly target_matchers: readonly Matcher[]
}

/** MARSHAL_HINTS maps typed route and inhibit rule objects built by loadConfig to their hints. */
export const MARSHAL_HINTS = new WeakMap<object, RouteHints | InhibitHints>()

/** ROOT_ROUTE_DEFAULTS are dispatch's DefaultRouteOpts timings, in ms. */
export const ROOT_ROUTE_DEFAULTS = {
  group_wait: 30_000,
  group_interval: 300_000,
  repeat_interval: 14_400_000,
} as const

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isUrl = (v: unknown): v is GoURL =>
  isObj(v) && typeof v['scheme'] === 'string' && 'rawPath' in v

/**
 * typed converts a converted value to its typed form: URLs to strings, the rest as is.
 *
 * @param v - a converted value.
 * @returns the typed value (plain data, matchers kept as Matcher objects).
 */
function typed(v: unknown): unknown {
  if (isUrl(v)) {
    return goUrlString(v)
  }
  if (Array.isArray(v)) {
    return v.map(typed)
  }
  if (isObj(v) && !(v instanceof Matcher)) {
    const out: Obj = {}
    for (const [k, val] of Object.entries(v)) {
      if (val !== undefined) {
        Object.defineProperty(out, k, {
          value: typed(val),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
    }
    return out
  }
  return v
}

class Builder {
  readonly #baseDir: string
  readonly #http = new Map<Obj, HttpClientConfig>()

  constructor(baseDir: string) {
    this.#baseDir = baseDir
  }

  /** joinDir is prometheus/common's JoinDir. */
  joinDir(p: unknown): string | undefined {
    if (typeof p !== 'string') {
      return undefined
    }
    return p === '' || isAbsolute(p) ? p : join(this.#baseDir, p)
  }

  tls(v: unknown): TLSConfig {
    const t = isObj(v) ? (typed(v) as Obj) : {}
    for (const f of ['ca_file', 'cert_file', 'key_file']) {
      if (typeof t[f] === 'string') {
        t[f] = this.joinDir(t[f])
      }
    }
    const out: TLSConfig = { ...t, insecure_skip_verify: t['insecure_skip_verify'] === true }
    return out
  }

  /** http builds an HTTP client config once per converted object: Go shares the pointer. */
  http(v: unknown): HttpClientConfig {
    const src = isObj(v) ? v : {}
    const cached = this.#http.get(src)
    if (cached !== undefined) {
      return cached
    }
    const h = typed(src) as Obj
    const basic = h['basic_auth'] as Obj | undefined
    if (basic !== undefined) {
      h['basic_auth'] = { username: '', ...basic, ...this.file(basic, 'password_file') }
    }
    const auth = h['authorization'] as Obj | undefined
    if (auth !== undefined) {
      h['authorization'] = { type: 'Bearer', ...auth, ...this.file(auth, 'credentials_file') }
    }
    const oauth2 = h['oauth2'] as Obj | undefined
    if (oauth2 !== undefined) {
      h['oauth2'] = {
        client_id: '',
        token_url: '',
        scopes: [],
        endpoint_params: {},
        ...oauth2,
        ...this.file(oauth2, 'client_secret_file'),
        tls_config: this.tls(oauth2['tls_config']),
      }
    }
    Object.assign(h, this.file(h, 'bearer_token_file'))
    h['tls_config'] = this.tls(h['tls_config'])
    h['follow_redirects'] = h['follow_redirects'] !== false
    h['enable_http2'] = h['enable_http2'] !== false
    const out = h as unknown as HttpClientConfig
    this.#http.set(src, out)
    return out
  }

  file(o: Obj, field: string): Obj {
    return typeof o[field] === 'string' ? { [field]: this.joinDir(o[field]) } : {}
  }

  route(r: Obj, root: boolean): RouteConfig {
    const match = r['match'] as Record<string, string> | undefined
    const matchRe = r['match_re'] as Record<string, string> | undefined
    const own = (r['matchers'] as Matcher[] | undefined) ?? []
    // dispatch/route.go builds match_re matchers from the compiled regexp's String(), i.e. the
    // anchored `^(?:re)$`; the value shows in route keys and group keys, so we keep it.
    const all = sortMatchers([
      ...Object.entries(match ?? {}).map(([k, v]) => newMatcher('=', k, v)),
      ...Object.entries(matchRe ?? {}).map(([k, v]) => newMatcher('=~', k, `^(?:${v})$`)),
      ...own,
    ])
    const defaulted = new Set<string>()
    const timing = (f: keyof typeof ROOT_ROUTE_DEFAULTS): Partial<Record<string, number>> => {
      if (typeof r[f] === 'number') {
        return { [f]: r[f] }
      }
      if (root) {
        defaulted.add(f)
        return { [f]: ROOT_ROUTE_DEFAULTS[f] }
      }
      return {}
    }
    const groupBy = r['group_by'] as string[] | undefined
    const route = {
      ...(typeof r['receiver'] === 'string' && r['receiver'] !== ''
        ? { receiver: r['receiver'] }
        : {}),
      ...(groupBy !== undefined && groupBy.length > 0
        ? { group_by: groupBy }
        : root
          ? { group_by: [] }
          : {}),
      continue: r['continue'] === true,
      matchers: all,
      ...timing('group_wait'),
      ...timing('group_interval'),
      ...timing('repeat_interval'),
      mute_time_intervals: (r['mute_time_intervals'] as string[] | undefined) ?? [],
      active_time_intervals: (r['active_time_intervals'] as string[] | undefined) ?? [],
      routes: ((r['routes'] as Obj[] | undefined) ?? []).map((c) => this.route(c, false)),
    } as RouteConfig
    MARSHAL_HINTS.set(route, { match, match_re: matchRe, matchers: own, defaulted })
    return route
  }

  inhibit(r: Obj): InhibitRuleConfig {
    const side = (s: 'source' | 'target'): Matcher[] => [
      ...Object.entries((r[`${s}_match`] as Record<string, string> | undefined) ?? {}).map(
        ([k, v]) => newMatcher('=', k, v)
      ),
      ...Object.entries((r[`${s}_match_re`] as Record<string, string> | undefined) ?? {}).map(
        ([k, v]) => newMatcher('=~', k, `^(?:${v})$`)
      ),
      ...((r[`${s}_matchers`] as Matcher[] | undefined) ?? []),
    ]
    const rule: InhibitRuleConfig = {
      source_matchers: side('source'),
      target_matchers: side('target'),
      equal: (r['equal'] as string[] | undefined) ?? [],
    }
    const get = (k: string): Record<string, string> | undefined =>
      r[k] as Record<string, string> | undefined
    MARSHAL_HINTS.set(rule, {
      source_match: get('source_match'),
      source_match_re: get('source_match_re'),
      source_matchers: (r['source_matchers'] as Matcher[] | undefined) ?? [],
      target_match: get('target_match'),
      target_match_re: get('target_match_re'),
      target_matchers: (r['target_matchers'] as Matcher[] | undefined) ?? [],
    })
    return rule
  }

  integration(c: Obj): Obj {
    const out = typed(c) as Obj
    if (c['http_config'] !== undefined) {
      out['http_config'] = this.http(c['http_config'])
    }
    if (isObj(c['tls_config'])) {
      out['tls_config'] = this.tls(c['tls_config'])
    }
    return out
  }

  receiver(
    rcv: Obj,
    yamlOrder: readonly string[],
    used: boolean,
    integrations: readonly IntegrationConfigSpec[]
  ): ReceiverConfig {
    const specs = new Map(integrations.map((spec) => [spec.name, spec]))
    const out: Partial<Record<string, IntegrationConfig[]>> = {}
    // YAML order first; keys only a merge (`<<`) brought in follow in the list's order.
    const names = [...yamlOrder.map((k) => k.replace(/_configs$/, '')), ...specs.keys()]
    for (const name of names) {
      const spec = specs.get(name)
      const key = `${name}_configs`
      if (spec === undefined || Object.hasOwn(out, name) || !Object.hasOwn(rcv, key)) {
        continue
      }
      out[name] = ((rcv[key] as Obj[] | undefined) ?? []).map((c) => {
        const cfg = this.integration(c)
        if (used) {
          spec.whenRouted?.(cfg)
        }
        return cfg as IntegrationConfig
      })
    }
    return { name: String(rcv['name']), integrations: out }
  }
}

function usedReceivers(route: Obj, out: Set<string>): Set<string> {
  if (typeof route['receiver'] === 'string' && route['receiver'] !== '') {
    out.add(route['receiver'])
  }
  for (const child of (route['routes'] as Obj[] | undefined) ?? []) {
    usedReceivers(child, out)
  }
  return out
}

function intervals(list: unknown): NamedTimeInterval[] {
  return ((list as Obj[] | undefined) ?? []).map((ti) => ({
    name: String(ti['name']),
    time_intervals: ((ti['time_intervals'] as Obj[] | undefined) ?? []).map((t) => {
      const out = typed(t) as Obj
      if (out['location'] === '') {
        out['location'] = 'UTC'
      }
      return out
    }),
  }))
}

/**
 * buildConfig produces the typed config.
 *
 * @param c - the converted, finalized root object.
 * @param decoded - the decoded (pre-conversion) data, for the YAML order of integration types.
 * @param baseDir - directory relative paths are resolved against.
 * @param integrations - the integration specs the config was decoded with.
 * @returns the typed config.
 */
export function buildConfig(
  c: Obj,
  decoded: Obj,
  baseDir: string,
  integrations: readonly IntegrationConfigSpec[]
): Config {
  const b = new Builder(baseDir)
  const g = c['global'] as Obj
  const global = { ...(typed(g) as Obj), http_config: b.http(g['http_config']) }
  const route = c['route'] as Obj
  const used = usedReceivers(route, new Set())
  const decodedReceivers = (decoded['receivers'] as Obj[] | undefined) ?? []
  return {
    global: global as unknown as Config['global'],
    route: b.route(route, true),
    inhibit_rules: ((c['inhibit_rules'] as Obj[] | undefined) ?? []).map((r) => b.inhibit(r)),
    receivers: ((c['receivers'] as Obj[] | undefined) ?? []).map((rcv, i) =>
      b.receiver(
        rcv,
        Object.keys(decodedReceivers[i] ?? {}),
        used.has(String(rcv['name'])),
        integrations
      )
    ),
    templates: ((c['templates'] as string[] | undefined) ?? []).map((t) => b.joinDir(t) ?? t),
    time_intervals: intervals(c['time_intervals']),
    mute_time_intervals: intervals(c['mute_time_intervals']),
  }
}
