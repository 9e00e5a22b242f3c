import { goJSONString } from '../../../util/index.js'
import { encodeGoQuery, parseGoQuery, splitAPIURL } from '../go-query.js'

/**
 * WechatEndpoints builds 0.25's two request URLs from `api_url` (already ending in `/`), as
 * notify/wechat/wechat.go does with URL.Copy: `gettoken` replaces the configured query with
 * `corpid` and `corpsecret`, `message/send` keeps it and sets `access_token`; Go's url.Values
 * re-encodes either query with its keys sorted.
 */
export class WechatEndpoints {
  /** #base is the URL up to and including its path. */
  readonly #base: string
  readonly #rawQuery: string

  /**
   * WechatEndpoints's constructor splits the configured URL.
   *
   * @param apiURL - `api_url` as the config prints it (Go's URL.String()).
   */
  constructor(apiURL: string) {
    const { base, query } = splitAPIURL(apiURL)
    this.#base = base
    this.#rawQuery = query.slice(1)
  }

  /**
   * at is the base with `suffix` added to its path as Go's `u.Path += suffix` does: the path is
   * then written with Go's default escaping, since the configured spelling (URL.RawPath) no
   * longer matches, so `/a!b/` becomes `/a%21b/gettoken`.
   */
  #at(suffix: string): string {
    const slashes = this.#base.indexOf('//')
    const pathStart = this.#base.indexOf('/', slashes < 0 ? 0 : slashes + 2)
    if (pathStart < 0) {
      return `${this.#base}/${suffix}`
    }
    const path = decodeGoPath(this.#base.slice(pathStart))
    return `${this.#base.slice(0, pathStart)}${escapeGoPath(path + suffix)}`
  }

  /**
   * getToken is `<api_url>gettoken?corpid=…&corpsecret=…`.
   *
   * @param corpID - the rendered corp_id.
   * @param secret - the rendered api_secret.
   * @returns the URL.
   */
  getToken(corpID: string, secret: string): string {
    const values = new Map([
      ['corpsecret', [secret]],
      ['corpid', [corpID]],
    ])
    return `${this.#at('gettoken')}?${encodeGoQuery(values)}`
  }

  /**
   * sendMessage is `<api_url>message/send` with `access_token` set in the configured query.
   *
   * @param accessToken - the cached token.
   * @returns the URL.
   */
  sendMessage(accessToken: string): string {
    const values = parseGoQuery(this.#rawQuery)
    values.set('access_token', [accessToken])
    return `${this.#at('message/send')}?${encodeGoQuery(values)}`
  }
}

/** WechatMessage is 0.25's weChatMessage, rendered. */
export interface WechatMessage {
  readonly toUser: string
  readonly toParty: string
  readonly toTag: string
  readonly agentID: string
  /** `text` or `markdown`. */
  readonly type: string
  /** The rendered `message`, sent as the text or the markdown content by type. */
  readonly content: string
}

/**
 * encodeWechatMessage is weChatMessage as Go's json.Encoder writes it: field order, `omitempty`
 * on the strings (the two content structs are never omitted, so the unused one goes out as
 * `{"content":""}`), `safe` always "0", HTML escaping, trailing newline.
 *
 * @param message - the rendered message.
 * @returns the request body.
 */
export function encodeWechatMessage(message: WechatMessage): string {
  const markdown = message.type === 'markdown'
  const content = (text: string) => `{"content":${goJSONString(text)}}`
  const optional = (key: string, value: string) =>
    value === '' ? '' : `,"${key}":${goJSONString(value)}`
  return (
    `{"text":${content(markdown ? '' : message.content)}` +
    optional('touser', message.toUser) +
    optional('toparty', message.toParty) +
    optional('totag', message.toTag) +
    optional('agentid', message.agentID) +
    `,"safe":"0"` +
    optional('msgtype', message.type) +
    `,"markdown":${content(markdown ? message.content : '')}}\n`
  )
}

/** decodeGoPath is url.unescape in path mode, on a path the config already found valid. */
function decodeGoPath(path: string): string {
  const bytes: number[] = []
  const utf8 = Buffer.from(path, 'utf8')
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8[i] ?? 0
    if (c === 0x25 && i + 2 < utf8.length) {
      const hex = utf8.subarray(i + 1, i + 3).toString('latin1')
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16))
        i += 2
        continue
      }
    }
    bytes.push(c)
  }
  return Buffer.from(bytes).toString('utf8')
}

/** escapeGoPath is url.escape in path mode (Go's shouldEscape with encodePath). */
function escapeGoPath(path: string): string {
  let out = ''
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)
      ? c
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
