import { goJSONString } from '../../../util/index.js'

/** DiscordEmbed is the one embed of 0.25's Discord message, rendered. */
export interface DiscordEmbed {
  readonly title: string
  readonly description: string
  readonly color: number
}

/**
 * encodeDiscordMessage is `json.NewEncoder(&payload).Encode(w)` for 0.25's Discord `webhook`
 * (notify/discord/discord.go), byte for byte: an empty `content`, one embed with title,
 * description and colour (none of them omitempty), Go's HTML-safe escaping and the encoder's
 * trailing newline. 0.25 sends title and description as rendered, however long (later
 * releases cut them to Discord's 256 and 4096 runes).
 *
 * @param embed - the rendered embed.
 * @returns the request body.
 *
 * @example
 * ```ts
 * encodeDiscordMessage({ title: 't', description: 'd', color: 0x992d22 })
 * // '{"content":"","embeds":[{"title":"t","description":"d","color":10038562}]}\n'
 * ```
 */
export function encodeDiscordMessage(embed: DiscordEmbed): string {
  return (
    `{"content":"","embeds":[{"title":${goJSONString(embed.title)}` +
    `,"description":${goJSONString(embed.description)}` +
    `,"color":${embed.color}}]}\n`
  )
}
