import { goJSONString } from '../../../util/index.js'
import { truncateInRunes } from '../../truncate.js'

import { MATTERMOST_MAX_TEXT_RUNES } from './config.js'
import type { MattermostAttachment, MattermostConfig, MattermostField } from './config.js'

/** SentField is a field as sent: rendered title and value, `short` as configured. */
export interface SentField {
  readonly title: string
  readonly value: string
  readonly short?: boolean | undefined
}

/** SentAttachment is mattermost.go's `attachment`, rendered. */
export interface SentAttachment {
  readonly fallback: string
  readonly color: string
  readonly pretext: string
  readonly text: string
  readonly author_name: string
  readonly author_link: string
  readonly author_icon: string
  readonly title: string
  readonly title_link: string
  readonly fields?: readonly SentField[]
  readonly thumb_url: string
  readonly footer: string
  readonly footer_icon: string
  readonly image_url: string
}

/** SentPriority is the priority as sent, after sanitizeRequest. */
export interface SentPriority {
  priority: string
  requested_ack: boolean
  persistent_notifications: boolean
}

/** MattermostRequest is mattermost.go's `request`: the webhook's JSON body, rendered. */
export interface MattermostRequest {
  text: string
  readonly channel: string
  readonly username: string
  readonly icon_url: string
  readonly icon_emoji: string
  readonly attachments: readonly SentAttachment[]
  readonly type: string
  readonly props?: { readonly card: string }
  readonly priority?: SentPriority
}

/** Render is notify.TmplText for one notification: a template in, its text out. */
export type Render = (template: string) => string

/** Warn logs a warning with its fields, as the notifier's logger does. */
export type Warn = (fields: Record<string, unknown>, message: string) => void

const renderFields = (
  fields: readonly MattermostField[] | undefined,
  render: Render
): SentField[] | undefined =>
  fields === undefined || fields.length === 0
    ? undefined
    : fields.map((f) => ({ title: render(f.title), value: render(f.value), short: f.short }))

/**
 * createRequest is mattermost.go's createRequest, rendering in its order (which picks the
 * first template error): the entry's text, channel, username, icons and type, the priority
 * and props when set, then either each configured attachment (and the text goes to the
 * message) or one attachment made of the entry's own fields (and the text goes into it).
 *
 * @param config - the entry.
 * @param render - renders one template.
 * @returns the request, not yet sanitised.
 */
export function createRequest(config: MattermostConfig, render: Render): MattermostRequest {
  const text = render(config.text ?? '')
  const head = {
    channel: render(config.channel ?? ''),
    username: render(config.username ?? ''),
    icon_url: render(config.icon_url ?? ''),
    icon_emoji: render(config.icon_emoji ?? ''),
    type: render(config.type ?? ''),
  }
  const priority =
    config.priority?.priority === undefined || config.priority.priority === ''
      ? undefined
      : {
          priority: render(config.priority.priority),
          requested_ack: config.priority.requested_ack ?? false,
          persistent_notifications: config.priority.persistent_notifications ?? false,
        }
  const props =
    config.props?.card === undefined || config.props.card === ''
      ? undefined
      : { card: render(config.props.card) }
  const tail = {
    ...(props === undefined ? {} : { props }),
    ...(priority === undefined ? {} : { priority }),
  }
  const configured = config.attachments ?? []
  if (configured.length > 0) {
    return {
      text,
      ...head,
      attachments: configured.map((a) => renderAttachment(a, render)),
      ...tail,
    }
  }
  // The entry itself is the attachment, its text the one rendered first.
  const own = renderAttachment(config, render, text)
  return { text: '', ...head, attachments: [own], ...tail }
}

/** renderAttachment renders one attachment's fields in Go's struct literal order. */
function renderAttachment(a: MattermostAttachment, render: Render, text?: string): SentAttachment {
  const fallback = render(a.fallback ?? '')
  const color = render(a.color ?? '')
  const pretext = render(a.pretext ?? '')
  // Configured attachments render their text here; the entry's own was rendered first.
  const body = text ?? render(a.text ?? '')
  const rest = {
    author_name: render(a.author_name ?? ''),
    author_link: render(a.author_link ?? ''),
    author_icon: render(a.author_icon ?? ''),
    title: render(a.title ?? ''),
    title_link: render(a.title_link ?? ''),
    thumb_url: render(a.thumb_url ?? ''),
    footer: render(a.footer ?? ''),
    footer_icon: render(a.footer_icon ?? ''),
    image_url: render(a.image_url ?? ''),
  }
  const fields = renderFields(a.fields, render)
  return {
    fallback,
    color,
    pretext,
    text: body,
    ...rest,
    ...(fields === undefined ? {} : { fields }),
  }
}

const PRIORITIES = new Set(['urgent', 'important', 'standard'])

/**
 * sanitizeRequest is mattermost.go's sanitizeRequest: the message text cut to 16383 runes, an
 * unknown priority made `standard`, `requested_ack` dropped for a standard priority and
 * `persistent_notifications` for a non-urgent one, each change logged with Go's message.
 *
 * @param req - the request (mutated).
 * @param groupKey - the flush's group key, logged as `key`.
 * @param warn - the logger's warn.
 */
export function sanitizeRequest(req: MattermostRequest, groupKey: string, warn: Warn): void {
  const text = truncateInRunes(req.text, MATTERMOST_MAX_TEXT_RUNES)
  if (text.truncated) {
    warn({ key: groupKey, max_runes: MATTERMOST_MAX_TEXT_RUNES }, 'Truncated text')
    req.text = text.text
  }
  const p = req.priority
  if (p === undefined) {
    return
  }
  const lower = p.priority.toLowerCase()
  if (PRIORITIES.has(lower)) {
    p.priority = lower
  } else {
    warn(
      { key: groupKey, priority: p.priority },
      'Priority is set to standard due to invalid value'
    )
    p.priority = 'standard'
  }
  if (p.requested_ack && p.priority === 'standard') {
    warn({ key: groupKey }, 'RequestedAck is set to false due to priority is standard')
    p.requested_ack = false
  }
  if (p.persistent_notifications && p.priority !== 'urgent') {
    warn({ key: groupKey }, 'PersistentNotifications is set to false due to priority is not urgent')
    p.persistent_notifications = false
  }
}

/** omitEmpty is one `"key":"value"` member of a string tagged omitempty, or nothing. */
const omitEmpty = (key: string, value: string): string[] =>
  value === '' ? [] : [`"${key}":${goJSONString(value)}`]
const omitFalse = (key: string, value: boolean): string[] => (value ? [`"${key}":true`] : [])
const object = (members: readonly string[]): string => `{${members.join(',')}}`

function encodeField(f: SentField): string {
  return object([
    ...omitEmpty('title', f.title),
    ...omitEmpty('value', f.value),
    ...(f.short === undefined ? [] : [`"short":${String(f.short)}`]),
  ])
}

function encodeAttachment(a: SentAttachment): string {
  const fields = a.fields ?? []
  return object([
    ...omitEmpty('fallback', a.fallback),
    ...omitEmpty('color', a.color),
    ...omitEmpty('pretext', a.pretext),
    ...omitEmpty('text', a.text),
    ...omitEmpty('author_name', a.author_name),
    ...omitEmpty('author_link', a.author_link),
    ...omitEmpty('author_icon', a.author_icon),
    ...omitEmpty('title', a.title),
    ...omitEmpty('title_link', a.title_link),
    ...(fields.length === 0 ? [] : [`"fields":[${fields.map(encodeField).join(',')}]`]),
    ...omitEmpty('thumb_url', a.thumb_url),
    ...omitEmpty('footer', a.footer),
    ...omitEmpty('footer_icon', a.footer_icon),
    ...omitEmpty('image_url', a.image_url),
  ])
}

/**
 * encodeRequest is json.Encoder on mattermost.go's request: struct field order, omitempty on
 * every field (pointers dropped when nil, `short` kept when set), Go's HTML-safe escaping and
 * a newline at the end.
 *
 * @param req - the sanitised request.
 * @returns the JSON text.
 *
 * @example
 * ```ts
 * encodeRequest({ text: '', channel: '', username: '', icon_url: '', icon_emoji: '', type: '',
 *   attachments: [{ ...emptyAttachment, text: 'Test Text' }] })
 * // '{"attachments":[{"text":"Test Text"}]}\n'
 * ```
 */
export function encodeRequest(req: MattermostRequest): string {
  const { props, priority } = req
  return `${object([
    ...omitEmpty('text', req.text),
    ...omitEmpty('channel', req.channel),
    ...omitEmpty('username', req.username),
    ...omitEmpty('icon_url', req.icon_url),
    ...omitEmpty('icon_emoji', req.icon_emoji),
    ...(req.attachments.length === 0
      ? []
      : [`"attachments":[${req.attachments.map(encodeAttachment).join(',')}]`]),
    ...omitEmpty('type', req.type),
    ...(props === undefined ? [] : [`"props":${object(omitEmpty('card', props.card))}`]),
    ...(priority === undefined
      ? []
      : [
          `"priority":${object([
            ...omitEmpty('priority', priority.priority),
            ...omitFalse('requested_ack', priority.requested_ack),
            ...omitFalse('persistent_notifications', priority.persistent_notifications),
          ])}`,
        ]),
  ])}\n`
}
