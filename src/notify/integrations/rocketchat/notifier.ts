import type { Alert } from '../../../alerts/index.js'
import { goQuote } from '../../../labels/index.js'
import { errorMessage, redactURLInMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { readSecretFileSync } from '../../secret-file.js'
import { truncateInRunes } from '../../truncate.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier, JSON_CONTENT_TYPE, throwOnTemplateError } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { ROCKETCHAT_MAX_TITLE_RUNES, ROCKETCHAT_RETRY_CODES } from './config.js'
import type { RocketchatConfig } from './config.js'
import { buildPostMessage, postMessageURL } from './payload.js'
import { checkJSONResponseError } from './response.js'

/**
 * RocketchatNotifierOptions are what one `rocketchat_configs` entry needs to send. `log` gets
 * the title truncation warning; `userAgent` is `Alertmanager/<version>` as notify.PostJSON
 * sends it.
 */
export type RocketchatNotifierOptions = HttpNotifierOptions<RocketchatConfig>

/**
 * readToken is rocketchat.go's getToken/getTokenID: the file, trimmed, when one is configured
 * (even next to an inline value inherited from `global`), else the inline value.
 */
function readToken(inline: string | undefined, file: string | undefined): string {
  if (file !== undefined && file !== '') {
    try {
      return readSecretFileSync(file, 'trim')
    } catch (err: unknown) {
      throw new Error(`could not read ${file}: ${errorMessage(err)}`, { cause: err })
    }
  }
  return inline ?? ''
}

/**
 * RocketchatNotifier is newer Alertmanager's Rocket.Chat integration (notify/rocketchat/
 * rocketchat.go at 68fb2d5): it reads token and token id once, when built (a file that cannot
 * be read fails the build, so the config is refused), renders one attachment (title truncated
 * to 1024 runes with a warning) and POSTs it to `<api_url>/api/v1/chat.postMessage` with the
 * `X-Auth-Token` and `X-User-Id` headers. A non-2xx status fails as Retrier.Check says (5xx
 * retried), prefixed with the channel; a 2xx answer must be JSON with `"success": true`:
 * `"success": false` is final, a body that is not that JSON is retried.
 */
export class RocketchatNotifier extends HttpNotifier<RocketchatConfig> {
  readonly #headers: Readonly<Record<string, string>>

  /**
   * RocketchatNotifier's constructor builds the HTTP client and reads the tokens, in New's
   * order.
   *
   * @param options - config, templates, logger, user agent.
   * @throws HttpConfigError for an unusable http_config; Error `could not read <file>: <Go's
   *   error>` for a token file that cannot be read.
   */
  constructor(options: RocketchatNotifierOptions) {
    super(options)
    const config = options.config
    const token = readToken(config.token, config.token_file)
    const tokenID = readToken(config.token_id, config.token_id_file)
    // rocketchatRoundTripper sets them on every request the client sends.
    this.#headers = { 'X-Auth-Token': token, 'X-User-Id': tokenID }
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the rocketchat notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const log = this.log.child({ group_key: ctx.groupKey })
    log.debug('extracted group key')
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const rendered = fields.text(config.title)
    // Notify returns right after the title when it fails, before anything else renders.
    throwOnTemplateError(fields)
    const title = truncateInRunes(rendered, ROCKETCHAT_MAX_TITLE_RUNES)
    if (title.truncated) {
      log.warn({ max_runes: ROCKETCHAT_MAX_TITLE_RUNES }, 'Truncated title')
    }
    // The order Notify renders them in: with first-error semantics it picks the error.
    const titleLink = fields.text(config.title_link)
    const text = fields.text(config.text)
    const imageURL = fields.text(config.image_url ?? '')
    const thumbURL = fields.text(config.thumb_url ?? '')
    const color = fields.text(config.color)
    const attachmentFields = config.fields?.map((field) => ({
      title: fields.text(field.title ?? ''),
      value: fields.text(field.value ?? ''),
      short: field.short ?? config.short_fields,
    }))
    const actions = config.actions?.map((action) => ({
      text: fields.text(action.text ?? ''),
      url: fields.text(action.url ?? ''),
      msg: fields.text(action.msg ?? ''),
    }))
    const channel = fields.text(config.channel ?? '')
    const emoji = fields.text(config.emoji)
    const avatar = fields.text(config.icon_url)
    throwOnTemplateError(fields)
    const body = buildPostMessage({
      channel,
      emoji,
      avatar,
      title: title.text,
      titleLink,
      text,
      imageURL,
      thumbURL,
      color,
      ...(attachmentFields === undefined ? {} : { fields: attachmentFields }),
      ...(actions === undefined ? {} : { actions }),
    })
    const url = postMessageURL(config.api_url)
    // Transport errors come back redacted and without the channel, as notify.RedactURL(err).
    const response = await this.client.post(
      url,
      body,
      { 'Content-Type': JSON_CONTENT_TYPE, ...this.#headers },
      ctx.signal
    )
    const failure = classifyStatus(response.status, ROCKETCHAT_RETRY_CODES, () =>
      redactURLInMessage(response.body, url)
    )
    if (failure !== undefined) {
      throw new NotifyError(`channel ${goQuote(channel)}: ${failure.message}`, {
        retryable: failure.retryable,
        reason: failure.reason,
        cause: failure,
      })
    }
    const verdict = checkJSONResponseError(response.body)
    if (!verdict.ok) {
      throw new NotifyError(
        `channel ${goQuote(channel)}: ${redactURLInMessage(verdict.error, url)}`,
        { retryable: verdict.retryable, reason: 'clientError' }
      )
    }
  }
}
