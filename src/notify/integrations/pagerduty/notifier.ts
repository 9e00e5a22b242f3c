import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import { goQuote } from '../../../labels/index.js'
import { errorMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { HttpResponse } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { FieldRenderer, groupKeyHash, readKeyFileAsGo, truncateField } from '../fields.js'
import {
  finalError,
  HttpNotifier,
  JSON_CONTENT_TYPE,
  readSecretField,
  throwOnTemplateError,
} from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import {
  PAGERDUTY_DEFAULT_SEVERITY,
  PAGERDUTY_MAX_DESCRIPTION_RUNES,
  PAGERDUTY_V1_RETRY_CODES,
  PAGERDUTY_V1_URL,
  PAGERDUTY_V2_RETRY_CODES,
} from './config.js'
import type { PagerdutyConfig } from './config.js'
import { encodePagerdutyEvent } from './message.js'

/** PagerdutyNotifierOptions are what one `pagerduty_configs` entry needs to send. */
export interface PagerdutyNotifierOptions extends HttpNotifierOptions<PagerdutyConfig> {
  /**
   * Where v1 events go instead of PagerDuty's fixed endpoint: for tests only, as the `apiV1`
   * field of 0.25's notifier.
   */
  readonly v1URL?: string
}

/**
 * PagerdutyNotifier is Alertmanager 0.25's PagerDuty integration
 * (notify/pagerduty/pagerduty.go). With a `service_key` (or its file) it sends Events API v1
 * events to PagerDuty's fixed v1 endpoint and retries 403 (v1's rate limit); otherwise Events
 * API v2 events to `url`, retrying 429. Either way 5xx and failures to get a response are
 * retried, and the dedup key (v1's incident_key, v2's dedup_key) is the SHA-256 of the group
 * key. A failed status is reported as `unexpected status code <n>`, followed on a 400 by the
 * `message: errors` PagerDuty's JSON answer gives (0.25's errDetails); other bodies are not
 * quoted.
 */
export class PagerdutyNotifier extends HttpNotifier<PagerdutyConfig> {
  /** Set for v1 (a service key configured), as 0.25's `apiV1`. */
  readonly #v1URL: string | undefined

  /**
   * PagerdutyNotifier's constructor picks the API version and builds the HTTP client.
   *
   * @param options - config, templates, logger and node-wide facts.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: PagerdutyNotifierOptions) {
    super(options)
    const { config } = options
    const v1 = (config.service_key ?? '') !== '' || (config.service_key_file ?? '') !== ''
    this.#v1URL = v1 ? (options.v1URL ?? PAGERDUTY_V1_URL) : undefined
  }

  /**
   * notify sends one event for the flush: `trigger` while any alert fires, else `resolve`.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const template = this.template()
    const fields = new FieldRenderer(template, ctx, alerts)
    const resolved = alerts.every((a) => isResolved(a, ctx.now))
    const eventType = resolved ? 'resolve' : 'trigger'
    this.log.debug({ incident: ctx.groupKey, eventType }, 'pagerduty event')

    // 0.25 renders details with ExecuteTextString directly, not through TmplText: the first
    // failing one fails at once, naming its key and text. Go's map order is random; ours is
    // the sorted order, one of Go's possible ones.
    // No prototype: a detail named `__proto__` stays an ordinary key.
    const details = Object.create(null) as Record<string, string>
    for (const [key, text] of Object.entries(this.config.details).sort(([a], [b]) =>
      a < b ? -1 : 1
    )) {
      try {
        details[key] = template.executeTextString(text, fields.data)
      } catch (err) {
        throw finalError(
          `${goQuote(key)}: failed to template ${goQuote(text)}: ${errorMessage(err)}`,
          err
        )
      }
    }
    const body =
      this.#v1URL === undefined
        ? await this.#v2(ctx, fields, eventType, details)
        : await this.#v1(ctx, fields, eventType, details)
    const url = this.#v1URL ?? this.config.url
    let response: HttpResponse
    try {
      response = await this.client.post(
        url,
        body,
        { 'Content-Type': JSON_CONTENT_TYPE },
        ctx.signal
      )
    } catch (err) {
      // The client's errors are redacted NotifyErrors; 0.25 wraps them like this.
      throw err instanceof NotifyError
        ? new NotifyError(
            `failed to post message to PagerDuty${this.#v1URL === undefined ? '' : ' v1'}: ${err.message}`,
            { retryable: err.retryable, reason: err.reason, cause: err }
          )
        : err
    }
    const retryCodes =
      this.#v1URL === undefined ? PAGERDUTY_V2_RETRY_CODES : PAGERDUTY_V1_RETRY_CODES
    const failure = classifyStatus(
      response.status,
      retryCodes,
      pagerdutyErrorDetails(response.status, response.body)
    )
    if (failure !== undefined) {
      throw failure
    }
  }

  /** #v1 is 0.25's notifyV1, up to the encoded body. */
  async #v1(
    ctx: NotifyContext,
    fields: FieldRenderer,
    eventType: string,
    details: Record<string, string>
  ): Promise<string> {
    const config = this.config
    const description = truncateField(
      fields.text(config.description),
      { message: 'Truncated description', max: PAGERDUTY_MAX_DESCRIPTION_RUNES, unit: 'max_runes' },
      ctx.groupKey,
      this.log
    )
    const serviceKey = await keyOf(config.service_key, config.service_key_file, 'service')
    const event = {
      version: 1 as const,
      serviceKey: fields.text(serviceKey),
      incidentKey: groupKeyHash(ctx.groupKey),
      eventType,
      description,
      client: eventType === 'trigger' ? fields.text(config.client) : '',
      clientURL: eventType === 'trigger' ? fields.text(config.client_url) : '',
      details,
    }
    throwOnTemplateError(fields, 'failed to template PagerDuty v1 message: ')
    if (event.serviceKey === '') {
      throw finalError('service key cannot be empty')
    }
    return encodePagerdutyEvent(event, this.log)
  }

  /** #v2 is 0.25's notifyV2, up to the encoded body. */
  async #v2(
    ctx: NotifyContext,
    fields: FieldRenderer,
    eventAction: string,
    details: Record<string, string>
  ): Promise<string> {
    const config = this.config
    const summary = truncateField(
      fields.text(config.description),
      { message: 'Truncated summary', max: PAGERDUTY_MAX_DESCRIPTION_RUNES, unit: 'max_runes' },
      ctx.groupKey,
      this.log
    )
    const routingKey = await keyOf(config.routing_key, config.routing_key_file, 'routing')
    // The order of the renders is Go's field order in the composite literal, which decides
    // whose error is reported when several fields fail.
    const client = fields.text(config.client)
    const clientURL = fields.text(config.client_url)
    const renderedKey = fields.text(routingKey)
    const source = fields.text(config.source)
    const severity = fields.text(
      (config.severity ?? '') === '' ? PAGERDUTY_DEFAULT_SEVERITY : (config.severity ?? '')
    )
    const klass = fields.text(config.class ?? '')
    const component = fields.text(config.component ?? '')
    const group = fields.text(config.group ?? '')
    const images = (config.images ?? [])
      .map((i) => ({
        src: fields.text(i.src ?? ''),
        alt: fields.text(i.alt ?? ''),
        href: fields.text(i.href ?? ''),
      }))
      .filter((i) => i.src !== '')
    const links = (config.links ?? [])
      .map((l) => ({ href: fields.text(l.href ?? ''), text: fields.text(l.text ?? '') }))
      .filter((l) => l.href !== '')
    throwOnTemplateError(fields, 'failed to template PagerDuty v2 message: ')
    if (renderedKey === '') {
      throw finalError('routing key cannot be empty')
    }
    return encodePagerdutyEvent(
      {
        version: 2,
        routingKey: renderedKey,
        dedupKey: groupKeyHash(ctx.groupKey),
        eventAction,
        summary,
        source,
        severity,
        class: klass,
        component,
        group,
        customDetails: details,
        client,
        clientURL,
        images,
        links,
      },
      this.log
    )
  }
}

/** keyOf is the inline key, else the key file's trimmed content, read at each notification. */
function keyOf(
  inline: string | undefined,
  file: string | undefined,
  kind: 'service' | 'routing'
): Promise<string> {
  return readSecretField({
    inline,
    file,
    emptyIsUnset: true,
    errorPrefix: `failed to read ${kind} key from file: `,
    read: readKeyFileAsGo,
  })
}

/**
 * pagerdutyErrorDetails is 0.25's errDetails: only for a 400, the `message` and the
 * comma-joined `errors` of PagerDuty's JSON answer (`Event object is invalid: 'routing_key'
 * is missing`); '' for any other status or a body that does not decode into that shape.
 *
 * Go's json.Decoder reads the first JSON value and ignores what follows it; this reads the
 * whole body, so a valid object followed by garbage is '' here (not met with PagerDuty's
 * answers). Field names match case-insensitively, as in encoding/json.
 *
 * @param status - the response status.
 * @param body - the response body.
 * @returns the details to quote after `unexpected status code <n>`.
 */
export function pagerdutyErrorDetails(status: number, body: string): string {
  if (status !== 400) {
    return ''
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return ''
  }
  if (parsed === null) {
    return ': '
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return ''
  }
  let message = ''
  let errors: string[] = []
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const name = key.toLowerCase()
    if (name === 'status' && value !== null && typeof value !== 'string') {
      return ''
    }
    if (name === 'message') {
      if (value !== null && typeof value !== 'string') {
        return ''
      }
      message = value ?? ''
    }
    if (name === 'errors') {
      if (value === null) {
        errors = []
      } else if (
        Array.isArray(value) &&
        value.every((e: unknown) => e === null || typeof e === 'string')
      ) {
        errors = value.map((e: unknown) => (typeof e === 'string' ? e : ''))
      } else {
        return ''
      }
    }
  }
  return `${message}: ${errors.join(',')}`
}
