import { posix } from 'node:path'

import { goUrlString, parseGoUrl } from '../../../config/index.js'
import { goJSONString } from '../../../util/index.js'

/** RenderedField is an attachment field after templating, `short` already decided. */
export interface RenderedField {
  readonly title: string
  readonly value: string
  readonly short: boolean
}

/** RenderedAction is an action after templating; it is always sent as a button. */
export interface RenderedAction {
  readonly text: string
  readonly url: string
  readonly msg: string
}

/** PostMessageInput is what one chat.postMessage body is built from. */
export interface PostMessageInput {
  readonly channel: string
  readonly emoji: string
  /** The rendered `icon_url`, sent as `avatar`. */
  readonly avatar: string
  readonly title: string
  readonly titleLink: string
  readonly text: string
  readonly imageURL: string
  readonly thumbURL: string
  readonly color: string
  /** Absent (nil in Go) when the entry has no fields. */
  readonly fields?: readonly RenderedField[]
  /** Absent (nil in Go) when the entry has no actions. */
  readonly actions?: readonly RenderedAction[]
}

/** omitEmpty is one `"key":"value"` member of a field tagged omitempty, or nothing. */
const omitEmpty = (key: string, value: string): string[] =>
  value === '' ? [] : [`"${key}":${goJSONString(value)}`]

const object = (members: readonly string[]): string => `{${members.join(',')}}`

/** encodeField is RocketchatAttachmentField: `short` always, title and value omitempty. */
function encodeField(f: RenderedField): string {
  return object([
    `"short":${String(f.short)}`,
    ...omitEmpty('title', f.title),
    ...omitEmpty('value', f.value),
  ])
}

/**
 * encodeAction is RocketchatAttachmentAction as the notifier fills it: type `button`, the
 * rendered text, url and msg (omitempty), and the two bools without omitempty, always false.
 */
function encodeAction(a: RenderedAction): string {
  return object([
    '"type":"button"',
    ...omitEmpty('text', a.text),
    ...omitEmpty('url', a.url),
    '"is_webview":false',
    ...omitEmpty('msg', a.msg),
    '"msg_in_chat_window":false',
  ])
}

/**
 * buildPostMessage is the body newer Alertmanager's rocketchat notifier POSTs: its PostMessage
 * struct with one Attachment (notify/rocketchat/rocketchat.go), encoded by json.Encoder: struct
 * field order, omitempty on every string and slice, Go's HTML-safe escaping, a newline at the
 * end. `text`, `parseUrls`, `alias` and the message-level `actions` are never set, so never sent.
 *
 * @param input - the rendered fields.
 * @returns the JSON text.
 *
 * @example
 * ```ts
 * buildPostMessage({ channel: '#ops', emoji: '', avatar: '', title: 't', titleLink: '',
 *   text: '', imageURL: '', thumbURL: '', color: 'red' })
 * // '{"channel":"#ops","attachments":[{"title":"t","color":"red"}]}\n'
 * ```
 */
export function buildPostMessage(input: PostMessageInput): string {
  const fields = input.fields ?? []
  const actions = input.actions ?? []
  const attachment = object([
    ...omitEmpty('title', input.title),
    ...omitEmpty('title_link', input.titleLink),
    ...omitEmpty('text', input.text),
    ...omitEmpty('image_url', input.imageURL),
    ...omitEmpty('thumb_url', input.thumbURL),
    ...omitEmpty('color', input.color),
    ...(fields.length === 0 ? [] : [`"fields":[${fields.map(encodeField).join(',')}]`]),
    ...(actions.length === 0 ? [] : [`"actions":[${actions.map(encodeAction).join(',')}]`]),
  ])
  return `${object([
    ...omitEmpty('channel', input.channel),
    ...omitEmpty('emoji', input.emoji),
    ...omitEmpty('avatar', input.avatar),
    `"attachments":[${attachment}]`,
  ])}\n`
}

/** POST_MESSAGE_PATH is the REST method the notifier calls, relative to `api_url`. */
export const POST_MESSAGE_PATH = 'api/v1/chat.postMessage'

/**
 * postMessageURL is `APIURL.JoinPath("api/v1/chat.postMessage").String()` (Go's net/url): the
 * escaped path of `api_url` and the method path joined and cleaned as path.Join does (so
 * `..` and doubled slashes go), query and fragment kept.
 *
 * @param apiURL - the entry's `api_url`, as Go's URL.String() shows it.
 * @returns the URL to POST to.
 *
 * @example
 * ```ts
 * postMessageURL('https://open.rocket.chat/') // 'https://open.rocket.chat/api/v1/chat.postMessage'
 * ```
 */
export function postMessageURL(apiURL: string): string {
  const u = parseGoUrl(apiURL)
  const full = goUrlString(u)
  const bare = goUrlString({ ...u, rawQuery: '', forceQuery: false, fragment: '', rawFragment: '' })
  const prefix = goUrlString({
    ...u,
    path: '',
    rawPath: '',
    rawQuery: '',
    forceQuery: false,
    fragment: '',
    rawFragment: '',
  })
  // String() prints scheme and authority, then EscapedPath() (where JoinPath starts from), then
  // query and fragment.
  const escaped = bare.slice(prefix.length)
  // JoinPath joins from a rooted path (and strips the root again for a relative one, which
  // String() puts back after a host).
  const joined = posix.join(escaped.startsWith('/') ? escaped : `/${escaped}`, POST_MESSAGE_PATH)
  return `${prefix}${joined}${full.slice(bare.length)}`
}
