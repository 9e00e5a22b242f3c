import type Logger from 'bunyan'

import { goQueryEscape } from '../../http/index.js'
import { goTrimSpace } from '../../template/index.js'
import { truncateInRunes } from '../../truncate.js'
import type { FieldRenderer } from '../fields.js'

import {
  PUSHOVER_MAX_MESSAGE_RUNES,
  PUSHOVER_MAX_TITLE_RUNES,
  PUSHOVER_MAX_URL_RUNES,
} from './config.js'
import type { PushoverConfig } from './config.js'

/** EMPTY_MESSAGE is what 0.25 sends instead of a blank message, which Pushover rejects. */
const EMPTY_MESSAGE = '(no details)'

/**
 * renderPushoverParameters renders a `pushover_configs` entry into the parameters of one
 * message, in the order 0.25's Notify adds them to its `url.Values` (notify/pushover/pushover.go),
 * which decides whose error wins when several templates fail: token and user (templates too),
 * title (cut to 250 runes), `html=1` when set, message (html/template when `html`, cut to 1024
 * runes, then trimmed, `(no details)` when blank), url (cut to 512 runes), url_title, priority,
 * retry and expire in whole seconds, sound. Each cut logs 0.25's warning with the group key under
 * `incident`, as this notifier (unlike most) names it.
 *
 * @param config - the entry.
 * @param fields - the notification's renderer; a failed field renders as ''.
 * @param groupKey - the flush's group key, for the truncation warnings.
 * @param log - the integration's logger.
 * @returns name and value pairs, in 0.25's order of addition.
 */
export function renderPushoverParameters(
  config: PushoverConfig,
  fields: FieldRenderer,
  groupKey: string,
  log: Logger
): [string, string][] {
  const cut = (text: string, max: number, what: string): string => {
    const result = truncateInRunes(text, max)
    if (result.truncated) {
      log.warn({ incident: groupKey, max_runes: max }, `Truncated ${what}`)
    }
    return result.text
  }
  const parameters: [string, string][] = [
    ['token', fields.text(config.token)],
    ['user', fields.text(config.user_key)],
    ['title', cut(fields.text(config.title), PUSHOVER_MAX_TITLE_RUNES, 'title')],
  ]
  let message: string
  if (config.html) {
    parameters.push(['html', '1'])
    message = fields.html(config.message)
  } else {
    message = fields.text(config.message)
  }
  message = goTrimSpace(cut(message, PUSHOVER_MAX_MESSAGE_RUNES, 'message'))
  parameters.push(
    ['message', message === '' ? EMPTY_MESSAGE : message],
    ['url', cut(fields.text(config.url), PUSHOVER_MAX_URL_RUNES, 'URL')],
    ['url_title', fields.text(config.url_title ?? '')],
    ['priority', fields.text(config.priority)],
    ['retry', wholeSeconds(config.retry)],
    ['expire', wholeSeconds(config.expire)],
    ['sound', fields.text(config.sound ?? '')]
  )
  return parameters
}

/**
 * encodePushoverParameters is Go's `url.Values.Encode`: pairs sorted by name (stable, so a
 * name's values keep their order), each as `QueryEscape(name)=QueryEscape(value)`, joined
 * with `&`.
 *
 * @param parameters - name and value pairs.
 * @returns the encoded query, without `?`.
 */
export function encodePushoverParameters(parameters: readonly [string, string][]): string {
  return [...parameters]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${goQueryEscape(name)}=${goQueryEscape(value)}`)
    .join('&')
}

/**
 * wholeSeconds is 0.25's `fmt.Sprintf("%d", int64(time.Duration(d).Seconds()))`: Seconds() adds
 * the whole seconds and the nanosecond remainder in float64, and the conversion truncates toward
 * zero.
 */
function wholeSeconds(ms: number): string {
  const ns = BigInt(Math.round(ms * 1e6))
  const seconds = Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9
  return String(Math.trunc(seconds))
}
