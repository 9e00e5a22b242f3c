import { goJSONString } from '../../../util/index.js'

/**
 * MSTEAMSV2_COLORS are the title's Adaptive Card colours by group status
 * (notify/msteamsv2/msteamsv2.go: colorRed, colorGreen).
 */
export const MSTEAMSV2_COLORS = {
  firing: 'Attention',
  resolved: 'Good',
} as const

/** AdaptiveCardInput is what one card is built from: the rendered fields and the status. */
export interface AdaptiveCardInput {
  readonly title: string
  readonly text: string
  /** `firing` when any alert of the notification fires, else `resolved`. */
  readonly status: 'firing' | 'resolved'
}

/**
 * buildAdaptiveCard is the body newer Alertmanager's msteamsv2 notifier POSTs: its
 * `teamsMessage` struct (a message with one Adaptive Card attachment) encoded by json.Encoder.
 * The fields come in the structs' order; `contentUrl` is a nil pointer, so `null`; the title
 * block sets every omitempty field, the text block only `wrap`; `msteams` has omitempty on a
 * struct, which Go ignores. Strings use Go's HTML-safe escaping and a newline ends the body.
 *
 * @param input - rendered title and text, and the status that picks the title's colour.
 * @returns the JSON text.
 *
 * @example
 * ```ts
 * buildAdaptiveCard({ title: 't', text: 'x', status: 'firing' })
 * // '{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",...}]}\n'
 * ```
 */
export function buildAdaptiveCard(input: AdaptiveCardInput): string {
  return (
    `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive"` +
    `,"contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json"` +
    `,"type":"AdaptiveCard","version":"1.2","body":[` +
    `{"type":"TextBlock","text":${goJSONString(input.title)},"weight":"Bolder","size":"Medium"` +
    `,"wrap":true,"style":"heading","color":${goJSONString(MSTEAMSV2_COLORS[input.status])}}` +
    `,{"type":"TextBlock","text":${goJSONString(input.text)},"wrap":true}]` +
    `,"msteams":{"width":"full"}}}]}\n`
  )
}
