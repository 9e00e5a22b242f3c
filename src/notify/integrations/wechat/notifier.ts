import type { Alert } from '../../../alerts/index.js'
import { REDACTED } from '../../../util/index.js'
import { reasonForStatus } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { FieldRenderer } from '../fields.js'
import {
  finalError,
  HttpNotifier,
  JSON_CONTENT_TYPE,
  throwOnTemplateError,
} from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import type { WechatConfig } from './config.js'
import { encodeWechatMessage, WechatEndpoints } from './message.js'
import { readSendResponse, readToken } from './response.js'

/** WECHAT_TOKEN_TTL_MS is how long 0.25 uses an access token before fetching a new one. */
export const WECHAT_TOKEN_TTL_MS = 2 * 3600_000

/** WECHAT_TOKEN_EXPIRED is the code that makes 0.25 drop its token and retry. */
export const WECHAT_TOKEN_EXPIRED = 42001

/**
 * AccessTokenCache is the token one WeChat notifier holds, as 0.25's Notifier holds
 * `accessToken` and `accessTokenAt`: used while younger than {@link WECHAT_TOKEN_TTL_MS}, dropped
 * on {@link WECHAT_TOKEN_EXPIRED}. A reload builds new notifiers, so new caches, as in 0.25.
 */
export class AccessTokenCache {
  readonly #now: () => number
  #token = ''
  #fetchedAt = 0

  /**
   * AccessTokenCache's constructor takes the clock token ages are measured with.
   *
   * @param now - the clock. @default Date.now
   */
  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** current is the token if there is one younger than two hours (0.25's `time.Since > 2h`). */
  current(): string | undefined {
    if (this.#token === '' || this.#now() - this.#fetchedAt > WECHAT_TOKEN_TTL_MS) {
      return undefined
    }
    return this.#token
  }

  /**
   * store keeps a freshly fetched token, aged from now.
   *
   * @param token - the token, not empty.
   */
  store(token: string): void {
    this.#token = token
    this.#fetchedAt = this.#now()
  }

  /** drop forgets the token, so the next notification fetches one. */
  drop(): void {
    this.#token = ''
  }
}

/**
 * WechatNotifierOptions are what one `wechat_configs` entry needs to send; `tokens` lets a test
 * start with a token or control its age.
 */
export type WechatNotifierOptions = HttpNotifierOptions<WechatConfig> & {
  readonly tokens?: AccessTokenCache
}

/**
 * WechatNotifier is Alertmanager 0.25's WeChat integration (notify/wechat/wechat.go). Without a
 * token younger than two hours it GETs `<api_url>gettoken?corpid=…&corpsecret=…` (both
 * templated) and keeps the `access_token` of the answer; then it POSTs the message to
 * `<api_url>message/send?access_token=…`.
 *
 * As in 0.25:
 * - the `gettoken` status is not looked at: an answer that is not JSON fails for good with
 *   encoding/json's error, one without a token with `invalid APISecret for CorpID: <corp_id>`;
 *   only a failure to get an answer is retried;
 * - `message/send` succeeds on status 200 alone (any other status, 2xx included, is retried as
 *   `unexpected status code <code>`), then on an answer whose `code` is 0; code 42001 drops the
 *   token and is retried, any other code fails for good, with the answer's `error` as the
 *   message; an answer that is not JSON is retried;
 * - a template error fails the notification for good as `templating error: <message>`.
 *
 * Unlike 0.25, the access token and the secret never show in errors: the URLs are `<redacted>`.
 */
export class WechatNotifier extends HttpNotifier<WechatConfig> {
  readonly #endpoints: WechatEndpoints
  readonly #tokens: AccessTokenCache

  /**
   * WechatNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, logger, user agent and, for tests, the token cache.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: WechatNotifierOptions) {
    super(options)
    this.#endpoints = new WechatEndpoints(options.config.api_url)
    this.#tokens = options.tokens ?? new AccessTokenCache()
  }

  /**
   * notify sends one attempt for the flush, fetching a token first when needed.
   *
   * @param ctx - the flush: receiver, group key and labels, judging instant, deadline signal.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's WeChat notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    this.log.debug({ incident: ctx.groupKey }, 'wechat notification')
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const token = this.#tokens.current() ?? (await this.#fetchToken(fields, ctx.signal))
    const body = encodeWechatMessage({
      toUser: fields.text(config.to_user),
      toParty: fields.text(config.to_party),
      toTag: fields.text(config.to_tag),
      agentID: fields.text(config.agent_id),
      type: config.message_type,
      content: fields.text(config.message),
    })
    throwOnTemplateError(fields, 'templating error: ')
    const url = this.#endpoints.sendMessage(token)
    const response = await this.client.post(
      url,
      body,
      { 'Content-Type': JSON_CONTENT_TYPE },
      ctx.signal
    )
    if (response.status !== 200) {
      // 0.25 judges this request itself rather than with the Retrier: only 200 is a success,
      // every other status is retried, and the body is not quoted.
      throw new NotifyError(`unexpected status code ${response.status}`, {
        retryable: true,
        reason: reasonForStatus(response.status),
      })
    }
    this.log.debug({ response: response.body, incident: ctx.groupKey }, 'wechat response')
    const answer = readSendResponse(response.body)
    if (!answer.ok) {
      throw new NotifyError(answer.error, { retryable: true, reason: 'other' })
    }
    if (answer.code === 0) {
      return
    }
    if (answer.code === WECHAT_TOKEN_EXPIRED) {
      this.#tokens.drop()
      throw new NotifyError(this.#redact(answer.error, token), { retryable: true, reason: 'other' })
    }
    throw finalError(this.#redact(answer.error, token))
  }

  /**
   * fetchToken is 0.25's token refresh: corp_id and api_secret rendered, `gettoken` fetched and
   * its token cached.
   */
  async #fetchToken(fields: FieldRenderer, signal: AbortSignal): Promise<string> {
    const secret = fields.text(this.config.api_secret)
    const corpID = fields.text(this.config.corp_id)
    throwOnTemplateError(fields, 'templating error: ')
    const response = await this.client.post(
      this.#endpoints.getToken(corpID, secret),
      '',
      {},
      signal,
      'GET'
    )
    const answer = readToken(response.body)
    if (!answer.ok) {
      throw finalError(answer.error)
    }
    if (answer.accessToken === '') {
      // 0.25 names the corp_id as configured, not as rendered.
      throw finalError(`invalid APISecret for CorpID: ${this.config.corp_id}`)
    }
    this.#tokens.store(answer.accessToken)
    return answer.accessToken
  }

  /** redact hides a secret (the API secret or the token) that an answer quotes back. */
  #redact(text: string, secret: string): string {
    return secret === '' ? text : text.split(secret).join(REDACTED)
  }
}
