import type Logger from 'bunyan'

import type { Alert } from '../../alerts/index.js'
import type { HttpClientConfig } from '../../config/index.js'
import { errorMessage, redactURLInMessage } from '../../util/index.js'
import { classifyStatus, createHttpClient } from '../http/index.js'
import type { HttpClient, HttpResponse } from '../http/index.js'
import type { Notifier, NotifyContext } from '../notifier.js'
import { NotifyError } from '../notify-error.js'
import { readSecretFile } from '../secret-file.js'
import type { AlertTemplate } from '../template/index.js'

import type { FieldRenderer } from './fields.js'

/**
 * HttpNotifierOptions are what one entry of an HTTP integration needs to send; each kind's
 * `<Kind>NotifierOptions` is this with its own config type, minus what it does not use.
 */
export interface HttpNotifierOptions<C> {
  readonly config: C
  /** The config's templates, built on first call. */
  readonly template: () => AlertTemplate
  /** The integration's logger. */
  readonly log: Logger
  /** `User-Agent`, `Alertmanager/0.25.0` to look like Alertmanager. */
  readonly userAgent: string
  /**
   * The client to send with; by default one is built from `config.http_config` and owned
   * (closed by the notifier's `close`).
   */
  readonly httpClient?: HttpClient
}

/** JSON_CONTENT_TYPE is the Content-Type of 0.25's `notify.PostJSON`. */
export const JSON_CONTENT_TYPE = 'application/json'

/** JSONRequest is one request {@link OwnedHttpClient.postJSON} sends. */
export interface JSONRequest {
  readonly url: string
  readonly body: string
  /** @default 'POST' */
  readonly method?: 'POST' | 'PUT'
  /** Headers sent after the Content-Type, e.g. OpsGenie's `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>
  /** The integration's retry codes on top of 5xx (0.25's `Retrier.RetryCodes`). */
  readonly retryCodes: readonly number[]
  /** The flush's deadline and shutdown signal. */
  readonly signal: AbortSignal
}

/**
 * OwnedHttpClient is a notifier's HTTP client: the injected one, else one built from the
 * entry's `http_config` that the notifier owns, so that {@link OwnedHttpClient.close} releases
 * only a client this notifier built.
 *
 * @example
 * ```ts
 * const client = new OwnedHttpClient(config.http_config, { userAgent: 'Alertmanager/0.25.0' })
 * const failure = await client.postJSON({ url, body, retryCodes: [], signal: ctx.signal })
 * if (failure !== undefined) throw failure
 * await client.close()
 * ```
 */
export class OwnedHttpClient implements HttpClient {
  readonly #client: HttpClient
  readonly #owned: boolean

  /**
   * OwnedHttpClient's constructor builds the client unless one is injected.
   *
   * @param httpConfig - the entry's `http_config`.
   * @param options - the User-Agent to build with, and the client to use instead, if any.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(
    httpConfig: HttpClientConfig,
    options: { readonly userAgent: string; readonly httpClient?: HttpClient | undefined }
  ) {
    this.#owned = options.httpClient === undefined
    this.#client =
      options.httpClient ?? createHttpClient(httpConfig, { userAgent: options.userAgent })
  }

  /** post is {@link HttpClient.post} on the client in use. */
  post(...args: Parameters<HttpClient['post']>): Promise<HttpResponse> {
    return this.#client.post(...args)
  }

  /**
   * postJSON is 0.25's `notify.PostJSON` followed by `Retrier.Check`: it sends the JSON body
   * and judges the status with {@link classifyStatus}, quoting the response body as 0.25 does
   * but with the request URL redacted, since a body may echo back a URL that carries secrets.
   *
   * @param request - URL, body, method, extra headers, retry codes and signal.
   * @returns undefined on 2xx, else the status failure to throw.
   * @throws NotifyError when no response came; the client's errors are already redacted.
   */
  async postJSON(request: JSONRequest): Promise<NotifyError | undefined> {
    const { url, retryCodes } = request
    const response = await this.#client.post(
      url,
      request.body,
      { 'Content-Type': JSON_CONTENT_TYPE, ...request.headers },
      request.signal,
      request.method
    )
    return classifyStatus(response.status, retryCodes, () => redactURLInMessage(response.body, url))
  }

  /**
   * sendJSON is {@link OwnedHttpClient.postJSON} for the kinds whose notification fails with
   * the status failure as it is: it throws that failure.
   *
   * @param request - URL, body, method, extra headers, retry codes and signal.
   * @throws NotifyError for a status other than 2xx, or when no response came.
   */
  async sendJSON(request: JSONRequest): Promise<void> {
    const failure = await this.postJSON(request)
    if (failure !== undefined) {
      throw failure
    }
  }

  /**
   * close releases the HTTP client when the notifier built it; idempotent.
   *
   * @returns when connections are closed.
   */
  async close(): Promise<void> {
    if (this.#owned) {
      await this.#client.close()
    }
  }
}

/**
 * HttpNotifier is what every templated HTTP integration's notifier shares: its config entry,
 * templates, logger and {@link OwnedHttpClient}, built from the entry's `http_config` when none
 * is injected, and a `close` that releases that client. A kind extends it and adds only its
 * `notify` (and whatever else it builds from its entry, after `super`).
 *
 * The members are `protected`, not `#private`: the kinds' subclasses read them, and `#` fields
 * are invisible to subclasses.
 *
 * @example
 * ```ts
 * class DiscordNotifier extends HttpNotifier<DiscordConfig> {
 *   async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
 *     await this.client.sendJSON({ url: this.config.webhook_url, ... })
 *   }
 * }
 * ```
 */
export abstract class HttpNotifier<
  C extends { readonly http_config: HttpClientConfig },
> implements Notifier {
  /** The integration's config entry. */
  protected readonly config: C
  /** The config's templates, built on first call. */
  protected readonly template: () => AlertTemplate
  /** The integration's logger. */
  protected readonly log: Logger
  /** The client requests go through. */
  protected readonly client: OwnedHttpClient

  /**
   * HttpNotifier's constructor builds the HTTP client unless one is injected.
   *
   * @param options - config, templates, logger, user agent and the client to use, if any.
   * @param httpConfig - what the client is built from, when not the entry's own `http_config`
   *   (incident.io's carries its token).
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(
    options: HttpNotifierOptions<C>,
    httpConfig: HttpClientConfig = options.config.http_config
  ) {
    this.config = options.config
    this.template = options.template
    this.log = options.log
    this.client = new OwnedHttpClient(httpConfig, options)
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the kind's Alertmanager notifier returns it.
   */
  abstract notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void>

  /**
   * close releases the HTTP client when this notifier built it; idempotent.
   *
   * @returns when connections are closed.
   */
  async close(): Promise<void> {
    await this.client.close()
  }
}

/**
 * SecretField is a secret (a URL or a key) an entry gives inline or as a file that is read at
 * each notification, so that a rotated file needs no reload.
 */
export interface SecretField {
  /** The inline value (e.g. `webhook_url`, `api_key`), if configured. */
  readonly inline: string | undefined
  /** The file holding it (e.g. `webhook_url_file`, `api_key_file`), if configured. */
  readonly file: string | undefined
  /**
   * Whether an empty inline value counts as unset (msteams, incident.io, PagerDuty and
   * VictorOps keys) or is used as it is (Slack, Mattermost, where Go tests the field against
   * nil).
   */
  readonly emptyIsUnset: boolean
  /** What a read failure is prefixed with, e.g. `read webhook_url_file: `; '' for none. */
  readonly errorPrefix: string
  /**
   * How the file is read and trimmed; by default readSecretFile, trimming Unicode white space.
   * 0.25's PagerDuty and VictorOps read theirs with readFileAsGo and goTrimSpace (fields.ts),
   * which trims exactly Go's unicode.IsSpace set.
   */
  readonly read?: (path: string) => Promise<string>
}

/**
 * readSecretField is the secret to send with: the inline value, else the file's content,
 * trimmed, read now.
 *
 * @param field - the inline value, its file, and how the kind reads and words them.
 * @returns the secret.
 * @throws NotifyError, not retryable, with Go's *PathError text after the prefix.
 */
export async function readSecretField(field: SecretField): Promise<string> {
  const { inline, file } = field
  if (inline !== undefined && !(field.emptyIsUnset && inline === '')) {
    return inline
  }
  const read = field.read ?? ((path: string) => readSecretFile(path, 'trim'))
  try {
    return await read(file ?? '')
  } catch (err: unknown) {
    throw finalError(`${field.errorPrefix}${errorMessage(err)}`, err)
  }
}

/**
 * finalError is a notification failure that retrying cannot fix.
 *
 * @param message - the error's message.
 * @param cause - what caused it, if anything.
 * @returns a non-retryable NotifyError with reason `other`.
 */
export function finalError(message: string, cause?: unknown): NotifyError {
  return new NotifyError(message, { retryable: false, reason: 'other', cause })
}

/**
 * throwOnTemplateError fails the notification for good once any field failed to render, with
 * the first failing template's message (after `prefix`, where 0.25 wraps it), as 0.25's
 * notifiers do after rendering all their fields with notify.TmplText.
 *
 * @param fields - the notification's rendered fields.
 * @param prefix - what 0.25 puts before the template's message, e.g. `templating error: `.
 * @throws NotifyError, not retryable, caused by the template error.
 */
export function throwOnTemplateError(fields: FieldRenderer, prefix = ''): void {
  if (fields.error !== undefined) {
    throw finalError(`${prefix}${fields.error.message}`, fields.error)
  }
}
