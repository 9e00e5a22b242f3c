import { goQuote } from '../labels/index.js'

import type { Obj } from './checks.js'
import type { GoURL } from './go-url.js'

/**
 * The checks of Alertmanager's `Config.UnmarshalYAML` and `Load` that run once the whole
 * document decoded cleanly, in Go's order: global mutual exclusions → receivers (uniqueness,
 * defaults taken from `global`) → root route → undefined receivers → interval name uniqueness →
 * undefined intervals → `continue` in the root route. Like the Go code, filling in the global
 * defaults mutates the converted config (and shares objects with `global`, e.g. http_config).
 */

/** PhaseError is a top-level check failure; `pointer` locates the offending value. */
export class PhaseError extends Error {
  readonly pointer: string

  constructor(message: string, pointer: string) {
    super(message)
    this.name = 'PhaseError'
    this.pointer = pointer
  }
}

const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? o[k] : '')
const objs = (o: Obj, k: string): Obj[] => (Array.isArray(o[k]) ? (o[k] as Obj[]) : [])
const strs = (o: Obj, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : [])
const size = (v: unknown): number =>
  Array.isArray(v) ? v.length : typeof v === 'object' && v !== null ? Object.keys(v).length : 0

function globalExclusions(g: Obj): void {
  const pairs: [string, string][] = [
    ['slack_api_url', 'slack_api_url_file'],
    ['opsgenie_api_key', 'opsgenie_api_key_file'],
    ['victorops_api_key', 'victorops_api_key_file'],
    ['smtp_auth_password', 'smtp_auth_password_file'],
  ]
  for (const [a, b] of pairs) {
    if (g[a] !== undefined && g[a] !== '' && str(g, b) !== '') {
      throw new PhaseError(`at most one of ${a} & ${b} must be configured`, `/global/${b}`)
    }
  }
}

/** appendSlash is Go's `u.Path += "/"` unless the path already ends with one. */
function appendSlash(u: unknown): void {
  const url = u as GoURL
  if (!url.path.endsWith('/')) {
    url.path += '/'
  }
}

function fillFromGlobal(kind: string, c: Obj, g: Obj, where: string): void {
  const fail = (msg: string): never => {
    throw new PhaseError(msg, where)
  }
  const inherit = (field: string, globalField: string, missing?: string): void => {
    if (c[field] === undefined || c[field] === '') {
      if (g[globalField] === undefined || g[globalField] === '') {
        if (missing !== undefined) {
          fail(missing)
        }
        return
      }
      c[field] = g[globalField]
    }
  }
  if (kind !== 'email' && c['http_config'] === undefined) {
    c['http_config'] = g['http_config']
  }
  switch (kind) {
    case 'email':
      inherit('smarthost', 'smtp_smarthost', 'no global SMTP smarthost set')
      inherit('from', 'smtp_from', 'no global SMTP from set')
      inherit('hello', 'smtp_hello')
      inherit('auth_username', 'smtp_auth_username')
      if (str(c, 'auth_password') === '' && str(c, 'auth_password_file') === '') {
        c['auth_password'] = g['smtp_auth_password']
        c['auth_password_file'] = g['smtp_auth_password_file']
      }
      inherit('auth_secret', 'smtp_auth_secret')
      inherit('auth_identity', 'smtp_auth_identity')
      if (c['require_tls'] === undefined) {
        c['require_tls'] = g['smtp_require_tls']
      }
      break
    case 'slack':
      if (c['api_url'] === undefined && str(c, 'api_url_file') === '') {
        if (g['slack_api_url'] === undefined && str(g, 'slack_api_url_file') === '') {
          fail('no global Slack API URL set either inline or in a file')
        }
        c['api_url'] = g['slack_api_url']
        c['api_url_file'] = g['slack_api_url_file']
      }
      break
    case 'pagerduty':
      inherit('url', 'pagerduty_url', 'no global PagerDuty URL set')
      break
    case 'opsgenie':
      inherit('api_url', 'opsgenie_api_url', 'no global OpsGenie URL set')
      appendSlash(c['api_url'])
      if (str(c, 'api_key') === '' && str(c, 'api_key_file') === '') {
        if (str(g, 'opsgenie_api_key') === '' && str(g, 'opsgenie_api_key_file') === '') {
          fail('no global OpsGenie API Key set either inline or in a file')
        }
        c['api_key'] = g['opsgenie_api_key']
        c['api_key_file'] = g['opsgenie_api_key_file']
      }
      break
    case 'wechat':
      inherit('api_url', 'wechat_api_url', 'no global Wechat URL set')
      inherit('api_secret', 'wechat_api_secret', 'no global Wechat ApiSecret set')
      inherit('corp_id', 'wechat_api_corp_id', 'no global Wechat CorpID set')
      appendSlash(c['api_url'])
      break
    case 'victorops':
      inherit('api_url', 'victorops_api_url', 'no global VictorOps URL set')
      appendSlash(c['api_url'])
      if (str(c, 'api_key') === '' && str(c, 'api_key_file') === '') {
        if (str(g, 'victorops_api_key') === '' && str(g, 'victorops_api_key_file') === '') {
          fail('no global VictorOps API Key set')
        }
        c['api_key'] = g['victorops_api_key']
        c['api_key_file'] = g['victorops_api_key_file']
      }
      break
    case 'telegram':
      inherit('api_url', 'telegram_api_url')
      break
    case 'discord':
      if (c['webhook_url'] === undefined) {
        fail('no discord webhook URL provided')
      }
      break
    case 'webex':
      inherit('api_url', 'webex_api_url', 'no global Webex URL set')
      break
    default:
      break
  }
}

/** RECEIVER_ORDER is the order Go's receiver loop visits integration types. */
const RECEIVER_ORDER = [
  'webhook',
  'email',
  'slack',
  'pushover',
  'pagerduty',
  'opsgenie',
  'wechat',
  'victorops',
  'sns',
  'telegram',
  'discord',
  'webex',
]

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
 * @throws PhaseError with Alertmanager's message for the first failing check.
 */
export function finalizeConfig(c: Obj): void {
  const g = c['global'] as Obj
  globalExclusions(g)
  const names = new Set<string>()
  objs(c, 'receivers').forEach((rcv, i) => {
    const name = str(rcv, 'name')
    if (names.has(name)) {
      throw new PhaseError(
        `notification config name ${goQuote(name)} is not unique`,
        `/receivers/${i}/name`
      )
    }
    for (const kind of RECEIVER_ORDER) {
      objs(rcv, `${kind}_configs`).forEach((cfg, j) => {
        fillFromGlobal(kind, cfg, g, `/receivers/${i}/${kind}_configs/${j}`)
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
