import { goJSONString } from '../../../util/index.js'

/**
 * encodeWebexMessage is `json.NewEncoder(&payload).Encode(w)` for 0.25's Webex `webhook`
 * (notify/webex/webex.go), byte for byte: `markdown`, then `roomId` (omitempty), Go's
 * HTML-safe escaping and the encoder's trailing newline.
 *
 * @param markdown - the rendered (and truncated) message.
 * @param roomID - the configured room.
 * @returns the request body.
 *
 * @example
 * ```ts
 * encodeWebexMessage('a < b', 'r1') // '{"markdown":"a \\u003c b","roomId":"r1"}\n'
 * ```
 */
export function encodeWebexMessage(markdown: string, roomID: string): string {
  const room = roomID === '' ? '' : `,"roomId":${goJSONString(roomID)}`
  return `{"markdown":${goJSONString(markdown)}${room}}\n`
}
