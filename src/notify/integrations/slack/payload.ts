import type Logger from 'bunyan'

import { goJSONString } from '../../../util/index.js'
import type { FieldRenderer } from '../fields.js'
import { truncateField } from '../fields.js'

import { SLACK_DEFAULT_MRKDWN_IN, SLACK_MAX_TITLE_RUNES } from './config.js'
import type { SlackAction, SlackConfig, SlackConfirmationField, SlackField } from './config.js'

/** SlackMessage is 0.25's `request` (notify/slack/slack.go) with its one attachment, rendered. */
export interface SlackMessage {
  readonly channel: string
  readonly username: string
  readonly iconEmoji: string
  readonly iconURL: string
  readonly linkNames: boolean
  readonly attachment: SlackAttachment
}

/** SlackAttachment is 0.25's `attachment`, every template rendered. */
export interface SlackAttachment {
  readonly title: string
  readonly titleLink: string
  readonly pretext: string
  readonly text: string
  readonly fallback: string
  readonly callbackID: string
  /** Every field with `short` resolved (its own, else `short_fields`). */
  readonly fields: readonly Required<SlackField>[]
  readonly actions: readonly SlackAction[]
  readonly imageURL: string
  readonly thumbURL: string
  readonly footer: string
  readonly color: string
  readonly mrkdwnIn: readonly string[]
}

/**
 * renderSlackMessage renders every templated field of a `slack_configs` entry in the order
 * 0.25's Notify does, which decides whose error wins when several templates fail: the
 * attachment's title (truncated to 1024 runes, with 0.25's `Truncated title` warning), title
 * link, pretext, text, fallback, callback id, image and thumb URLs, footer and colour, then the
 * fields, the actions (confirmation last), and finally channel, username and the icons.
 *
 * @param config - the entry.
 * @param fields - the flush's renderer; the caller checks its error afterwards.
 * @param groupKey - the flush's group key, logged with a truncation.
 * @param log - the integration's logger.
 * @returns the message; meaningless when `fields.error` is set.
 */
export function renderSlackMessage(
  config: SlackConfig,
  fields: FieldRenderer,
  groupKey: string,
  log: Logger
): SlackMessage {
  const tmpl = (text: string | undefined): string => fields.text(text ?? '')
  const title = truncateField(
    tmpl(config.title),
    { message: 'Truncated title', max: SLACK_MAX_TITLE_RUNES, unit: 'max_runes' },
    groupKey,
    log
  )
  const titleLink = tmpl(config.title_link)
  const pretext = tmpl(config.pretext)
  const text = tmpl(config.text)
  const fallback = tmpl(config.fallback)
  const callbackID = tmpl(config.callback_id)
  const imageURL = tmpl(config.image_url)
  const thumbURL = tmpl(config.thumb_url)
  const footer = tmpl(config.footer)
  const color = tmpl(config.color)
  const mrkdwnIn =
    config.mrkdwn_in === undefined || config.mrkdwn_in.length === 0
      ? SLACK_DEFAULT_MRKDWN_IN
      : config.mrkdwn_in
  const renderedFields = (config.fields ?? []).map((field) => ({
    title: tmpl(field.title),
    value: tmpl(field.value),
    short: field.short ?? config.short_fields,
  }))
  const actions = (config.actions ?? []).map((action): SlackAction => {
    const rendered = {
      type: tmpl(action.type),
      text: tmpl(action.text),
      url: tmpl(action.url),
      style: tmpl(action.style),
      name: tmpl(action.name),
      value: tmpl(action.value),
    }
    if (action.confirm === undefined) {
      return rendered
    }
    // Go's literal renders Title before Text; object literals evaluate in the same order.
    const confirm: SlackConfirmationField = {
      title: tmpl(action.confirm.title),
      text: tmpl(action.confirm.text),
      ok_text: tmpl(action.confirm.ok_text),
      dismiss_text: tmpl(action.confirm.dismiss_text),
    }
    return { ...rendered, confirm }
  })
  return {
    channel: tmpl(config.channel),
    username: tmpl(config.username),
    iconEmoji: tmpl(config.icon_emoji),
    iconURL: tmpl(config.icon_url),
    linkNames: config.link_names,
    attachment: {
      title,
      titleLink,
      pretext,
      text,
      fallback,
      callbackID,
      fields: renderedFields,
      actions,
      imageURL,
      thumbURL,
      footer,
      color,
      mrkdwnIn,
    },
  }
}

/**
 * encodeSlackMessage is `json.NewEncoder(&buf).Encode(req)` for 0.25's Slack request, byte for
 * byte: Go's field order and HTML-safe escaping, the `omitempty` fields left out when empty
 * (`text`, `fallback`, `callback_id` and `footer` are always there), each field's `short`
 * always present, and the encoder's trailing newline.
 *
 * @param message - the rendered message.
 * @returns the request body.
 */
export function encodeSlackMessage(message: SlackMessage): string {
  const a = message.attachment
  const attachment = object([
    ['title', omitEmpty(a.title)],
    ['title_link', omitEmpty(a.titleLink)],
    ['pretext', omitEmpty(a.pretext)],
    ['text', goJSONString(a.text)],
    ['fallback', goJSONString(a.fallback)],
    ['callback_id', goJSONString(a.callbackID)],
    ['fields', omitEmptyList(a.fields.map(encodeField))],
    ['actions', omitEmptyList(a.actions.map(encodeAction))],
    ['image_url', omitEmpty(a.imageURL)],
    ['thumb_url', omitEmpty(a.thumbURL)],
    ['footer', goJSONString(a.footer)],
    ['color', omitEmpty(a.color)],
    ['mrkdwn_in', omitEmptyList(a.mrkdwnIn.map(goJSONString))],
  ])
  const request = object([
    ['channel', omitEmpty(message.channel)],
    ['username', omitEmpty(message.username)],
    ['icon_emoji', omitEmpty(message.iconEmoji)],
    ['icon_url', omitEmpty(message.iconURL)],
    ['link_names', message.linkNames ? 'true' : undefined],
    ['attachments', `[${attachment}]`],
  ])
  return `${request}\n`
}

/** encodeField is config.SlackField's JSON: title and value omitempty, short a non-nil pointer. */
function encodeField(field: Required<SlackField>): string {
  return object([
    ['title', omitEmpty(field.title)],
    ['value', omitEmpty(field.value)],
    ['short', field.short ? 'true' : 'false'],
  ])
}

/** encodeAction is config.SlackAction's JSON: every field omitempty. */
function encodeAction(action: SlackAction): string {
  const confirm = action.confirm
  return object([
    ['type', omitEmpty(action.type)],
    ['text', omitEmpty(action.text)],
    ['url', omitEmpty(action.url)],
    ['style', omitEmpty(action.style)],
    ['name', omitEmpty(action.name)],
    ['value', omitEmpty(action.value)],
    [
      'confirm',
      confirm === undefined
        ? undefined
        : object([
            ['text', omitEmpty(confirm.text)],
            ['title', omitEmpty(confirm.title)],
            ['ok_text', omitEmpty(confirm.ok_text)],
            ['dismiss_text', omitEmpty(confirm.dismiss_text)],
          ]),
    ],
  ])
}

/** object joins already-encoded members in order, leaving out the undefined ones. */
function object(members: readonly (readonly [string, string | undefined])[]): string {
  const parts: string[] = []
  for (const [key, json] of members) {
    if (json !== undefined) {
      parts.push(`${goJSONString(key)}:${json}`)
    }
  }
  return `{${parts.join(',')}}`
}

/** omitEmpty is a string field tagged `omitempty`. */
function omitEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : goJSONString(value)
}

/** omitEmptyList is a slice field tagged `omitempty`: left out when nil or empty. */
function omitEmptyList(items: readonly string[]): string | undefined {
  return items.length === 0 ? undefined : `[${items.join(',')}]`
}
