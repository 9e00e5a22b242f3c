import { goJSONString } from '../../../util/index.js'

/** MSTEAMS_THEME_COLORS are the card colours by group status (notify/msteams/msteams.go). */
export const MSTEAMS_THEME_COLORS = {
  firing: '8C1A1A',
  resolved: '2DC72D',
} as const

/** MessageCardInput is what one card is built from: the rendered fields and the status. */
export interface MessageCardInput {
  readonly title: string
  readonly summary: string
  readonly text: string
  /** `firing` when any alert of the notification fires, else `resolved`. */
  readonly status: 'firing' | 'resolved'
}

/**
 * buildMessageCard is the body newer Alertmanager's msteams notifier POSTs: its `teamsMessage`
 * struct (an Office 365 connector MessageCard) encoded by json.Encoder, so the fields come in
 * the struct's order (`@context`, `type`, `title`, `summary`, `text`, `themeColor`), strings
 * use Go's HTML-safe escaping, and a newline ends it.
 *
 * @param input - rendered title, summary and text, and the status that picks the colour.
 * @returns the JSON text.
 *
 * @example
 * ```ts
 * buildMessageCard({ title: 't', summary: 's', text: 'x', status: 'firing' })
 * // '{"@context":"http://schema.org/extensions","type":"MessageCard","title":"t",...}\n'
 * ```
 */
export function buildMessageCard(input: MessageCardInput): string {
  return (
    `{"@context":"http://schema.org/extensions","type":"MessageCard"` +
    `,"title":${goJSONString(input.title)}` +
    `,"summary":${goJSONString(input.summary)}` +
    `,"text":${goJSONString(input.text)}` +
    `,"themeColor":${goJSONString(MSTEAMS_THEME_COLORS[input.status])}}\n`
  )
}
