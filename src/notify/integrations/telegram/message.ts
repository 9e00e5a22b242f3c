import { goJSONStringMap } from '../../../util/index.js'

/** SendMessageInput is what one `sendMessage` call is built from. */
export interface SendMessageInput {
  readonly chatID: number
  /** The rendered, already truncated message. */
  readonly text: string
  /** `parse_mode`; '' sends none. */
  readonly parseMode: string
  readonly disableNotification: boolean
}

/**
 * sendMessageURL is where telebot.v3's Bot.Raw posts (api.go): the API URL, `/bot`, the token
 * and the method joined as plain strings, so a trailing slash or a query in `api_url` ends up
 * exactly where Alertmanager 0.25 puts it.
 *
 * @param apiURL - `api_url` as Go's URL.String() prints it.
 * @param token - the bot token.
 * @returns the request URL (it holds the token: a secret).
 */
export function sendMessageURL(apiURL: string, token: string): string {
  return `${apiURL}/bot${token}/sendMessage`
}

/**
 * buildSendMessageBody is the body telebot.v3 (3.1.2, the version Debian builds Alertmanager
 * 0.25 with) sends for `Bot.Send(ChatID, text, &SendOptions{...})`: a Go `map[string]string`
 * encoded by json.Encoder, so keys are sorted, every value is a string (the chat id too), `<`,
 * `>` and `&` are escaped, and a newline ends it. Alertmanager always asks for
 * `disable_web_page_preview`; `parse_mode` is omitted when empty (telebot's ModeDefault) and
 * `disable_notification` when false (api.go sendText, options.go embedSendOptions).
 *
 * @param input - chat, text and options.
 * @returns the JSON text.
 *
 * @example
 * ```ts
 * buildSendMessageBody({ chatID: -100, text: 'hi', parseMode: 'HTML', disableNotification: false })
 * // '{"chat_id":"-100","disable_web_page_preview":"true","parse_mode":"HTML","text":"hi"}\n'
 * ```
 */
export function buildSendMessageBody(input: SendMessageInput): string {
  const params: Record<string, string> = {
    chat_id: formatInt64(input.chatID),
    text: input.text,
    disable_web_page_preview: 'true',
  }
  if (input.disableNotification) {
    params['disable_notification'] = 'true'
  }
  if (input.parseMode !== '') {
    params['parse_mode'] = input.parseMode
  }
  return `${goJSONStringMap(params)}\n`
}

/** formatInt64 is strconv.FormatInt(n, 10), never in exponent notation. */
function formatInt64(n: number): string {
  return BigInt(Math.trunc(n)).toString()
}
