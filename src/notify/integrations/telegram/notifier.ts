import type { Alert } from '../../../alerts/index.js'
import { errorMessage, REDACTED, redactURLInMessage } from '../../../util/index.js'
import { reasonForStatus } from '../../http/index.js'
import type { HttpResponse } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { ExecError } from '../../template/index.js'
import { truncateInRunes } from '../../truncate.js'
import { HttpNotifier } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { TELEGRAM_CONTENT_TYPE, TELEGRAM_MAX_MESSAGE_RUNES } from './config.js'
import type { TelegramConfig } from './config.js'
import { buildSendMessageBody, sendMessageURL } from './message.js'
import { readSendMessageResponse } from './response.js'

/**
 * TELEGRAM_USER_AGENT is the User-Agent 0.25's Telegram requests carry: Go's default, because
 * telegram.New builds its client without Alertmanager's user agent option (unlike the
 * integrations that post through notify.PostJSON).
 */
export const TELEGRAM_USER_AGENT = 'Go-http-client/1.1'

/**
 * TelegramNotifierOptions are what one `telegram_configs` entry needs to send: no user agent,
 * since a client built here always sends {@link TELEGRAM_USER_AGENT}.
 */
export type TelegramNotifierOptions = Omit<HttpNotifierOptions<TelegramConfig>, 'userAgent'>

/**
 * TelegramNotifier is Alertmanager 0.25's Telegram integration (notify/telegram/telegram.go,
 * sending through telebot.v3): it renders `message` (with html/template when `parse_mode` is
 * `HTML`, text/template otherwise), cuts it to 4096 runes, and POSTs telebot's sendMessage body
 * to `<api_url>/bot<token>/sendMessage`.
 *
 * As in 0.25:
 * - every failure is retryable, a Telegram 400 included: 0.25 returns `true` with any error;
 * - success is read from the JSON answer (`"ok": true`), never from the HTTP status, and the
 *   error is telebot's wording of Telegram's `description` (see readSendMessageResponse);
 * - a template error does not stop the notification: 0.25 overwrites the template error with
 *   the send's result, so it sends what the template wrote before failing. alertmesh sends the
 *   same and logs the template error, which 0.25 loses.
 *
 * Unlike 0.25, the request URL (which holds the bot token) is `<redacted>` in every error.
 */
export class TelegramNotifier extends HttpNotifier<TelegramConfig> {
  /**
   * TelegramNotifier's constructor builds the HTTP client, with Go's User-Agent.
   *
   * @param options - config, templates, logger.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: TelegramNotifierOptions) {
    super({ ...options, userAgent: TELEGRAM_USER_AGENT })
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError, retryable except after close().
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const rendered = this.#render(ctx, alerts)
    const cut = truncateInRunes(rendered, TELEGRAM_MAX_MESSAGE_RUNES)
    if (cut.truncated) {
      // 0.25 logs the group key under "alert" here.
      this.log.warn(
        { alert: ctx.groupKey, max_runes: TELEGRAM_MAX_MESSAGE_RUNES },
        'Truncated message'
      )
    }
    const body = buildSendMessageBody({
      chatID: config.chat_id,
      text: cut.text,
      parseMode: config.parse_mode,
      disableNotification: config.disable_notifications,
    })
    const url = sendMessageURL(config.api_url, config.bot_token)
    let response: HttpResponse
    try {
      response = await this.client.post(
        url,
        body,
        { 'Content-Type': TELEGRAM_CONTENT_TYPE },
        ctx.signal
      )
    } catch (err: unknown) {
      // The client's errors are redacted already; telebot wraps transport errors this way.
      if (err instanceof NotifyError) {
        throw new NotifyError(`telebot: ${err.message}`, {
          retryable: err.retryable,
          reason: err.reason,
          cause: err,
        })
      }
      throw err
    }
    const result = readSendMessageResponse(response.body)
    if (!result.ok) {
      if (result.description !== undefined) {
        this.log.debug(
          { key: ctx.groupKey, error_code: result.code, description: result.description },
          'Telegram API error'
        )
      }
      // Telegram does not echo the token, but a proxy's error page might.
      throw new NotifyError(redactSecrets(result.error, url, config.bot_token), {
        retryable: true,
        reason: reasonForStatus(response.status),
      })
    }
    this.log.debug(
      { message_id: result.messageID, chat_id: result.chatID },
      'Telegram message successfully published'
    )
  }

  /**
   * render is 0.25's `tmpl(n.conf.Message)` with TmplHTML or TmplText: on a template error it
   * yields what the template wrote before failing ('' for a parse error).
   */
  #render(ctx: NotifyContext, alerts: readonly Alert[]): string {
    const template = this.template()
    const data = template.data(ctx.receiver, ctx.groupLabels, alerts, ctx.now)
    try {
      return this.config.parse_mode === 'HTML'
        ? template.executeHTMLString(this.config.message, data)
        : template.executeTextString(this.config.message, data)
    } catch (err: unknown) {
      this.log.warn({ key: ctx.groupKey, err: errorMessage(err) }, 'Failed to render message')
      return err instanceof ExecError ? err.output : ''
    }
  }
}

/** redactSecrets hides the request URL and the bot token wherever a message quotes them. */
function redactSecrets(text: string, url: string, token: string): string {
  const redacted = redactURLInMessage(text, url)
  return token === '' ? redacted : redacted.split(token).join(REDACTED)
}
