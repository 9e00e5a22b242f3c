import { setTimeout as wait } from 'node:timers/promises'

import aws4 from 'aws4'

import type { Alert } from '../../../alerts/index.js'
import { errorMessage, REDACTED, redactURLInMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { HttpResponse } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { FieldRenderer } from '../fields.js'
import { HttpNotifier } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import type { SNSConfig } from './config.js'
import { NO_CREDENTIALS, resolveAwsSettings } from './credentials.js'
import type { AwsCredentials, Env } from './credentials.js'
import { encodePublishBody, renderPublishInput, SNS_CONTENT_TYPE } from './publish.js'
import { readMessageID, readQueryError } from './response.js'
import { assumeRole, stsEndpoint } from './sts.js'

/**
 * SNS_USER_AGENT is the User-Agent of Debian's Alertmanager 0.25 SNS requests: aws-sdk-go's
 * own (version, Go release, OS and architecture), since 0.25 builds the SNS client without its
 * `Alertmanager/<version>` option.
 */
export const SNS_USER_AGENT = `aws-sdk-go/1.44.133 (go1.19.8; linux; ${goArch(process.arch)})`

/** SDK_MAX_RETRIES is aws-sdk-go's DefaultRetryer.NumMaxRetries for SNS. */
export const SDK_MAX_RETRIES = 3

/** REGION_MISSING is 0.25's error when neither the config nor the environment names a region. */
export const REGION_MISSING =
  'region not configured in sns.sigv4.region or in default credentials chain'

/**
 * SNSNotifierOptions are what one `sns_configs` entry needs to send: no user agent, since a client
 * built here always sends {@link SNS_USER_AGENT}.
 */
export interface SNSNotifierOptions extends Omit<HttpNotifierOptions<SNSConfig>, 'userAgent'> {
  /** The environment the AWS settings come from; default process.env. */
  readonly env?: Env
  /** The clock for X-Amz-Date; default Date.now. */
  readonly now?: () => number
  /** Where AssumeRole goes; default the SDK's STS endpoint for the region. */
  readonly stsURL?: string
  /** Waits between the SDK's retries; default a timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/**
 * SNSNotifier is Alertmanager 0.25's SNS integration (notify/sns/sns.go), which publishes
 * through aws-sdk-go v1: it renders the Publish input, form-encodes it as the SDK's Query
 * protocol does, signs it with SigV4 (service `sns`) and POSTs it to `api_url` (path + `/`,
 * query dropped, as the SDK joins endpoint and operation path) or to
 * `https://sns.<region>.amazonaws.com/`.
 *
 * As in 0.25:
 * - every failure but a final HTTP status is retryable; statuses go through Retrier.Check with
 *   the AWS error's message (from the XML answer) as the details;
 * - within one attempt the SDK itself retries 5xx, 429 and throttling answers and connection
 *   errors up to three times, 30 ms × 2ⁿ (with jitter) apart;
 * - a template error does not fail the notification: 0.25 overwrites the error, so fields
 *   after the failing one are sent empty. alertmesh does the same and logs the error;
 * - the credentials and the role are resolved again for each notification.
 */
export class SNSNotifier extends HttpNotifier<SNSConfig> {
  readonly #env: Env
  readonly #now: () => number
  readonly #stsURL: string | undefined
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>

  /**
   * SNSNotifier's constructor builds the HTTP client, with the SDK's User-Agent.
   *
   * @param options - config, templates, logger and the injected environment.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: SNSNotifierOptions) {
    super({ ...options, userAgent: SNS_USER_AGENT })
    this.#env = options.env ?? process.env
    this.#now = options.now ?? Date.now
    this.#stsURL = options.stsURL
    this.#sleep = options.sleep ?? sleep
  }

  /**
   * notify publishes the flush's message once (with the SDK's own retries).
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const config = this.config
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const endpoint = fields.text(config.api_url ?? '')
    // createSNSClient's result overwrites the template error, so the publish fields render
    // afresh; neither error fails the notification in 0.25, so both are only logged here.
    this.#logTemplateError(ctx, fields.reset())
    const settings = await resolveAwsSettings(config.sigv4, this.#env)
    if (settings.region === '') {
      throw retryable(REGION_MISSING)
    }
    let credentials = settings.credentials
    if ((config.sigv4.role_arn ?? '') !== '') {
      // Without api_url, 0.25 asks STS through the SNS session, which was built without the
      // static keys: the role is then assumed with the environment's or the shared files'.
      const stsCredentials =
        (config.api_url ?? '') === ''
          ? (
              await resolveAwsSettings(
                { ...config.sigv4, access_key: '', secret_key: '' },
                this.#env
              )
            ).credentials
          : credentials
      credentials = await this.#assumeRole(settings.region, stsCredentials, ctx.signal)
    }
    const input = renderPublishInput(config, fields, ctx.groupKey)
    this.#logTemplateError(ctx, fields.reset())
    if (credentials === undefined) {
      throw retryable(NO_CREDENTIALS)
    }
    const url = publishURL(endpoint, settings.region)
    const body = encodePublishBody(input)
    const response = await this.#send(url, body, settings.region, credentials, ctx.signal)
    const failure = classifyStatus(response.status, [], () =>
      this.#redact(readQueryError(response.body).message, url, credentials)
    )
    if (failure !== undefined) {
      throw failure
    }
    this.log.debug(
      { message_id: readMessageID(response.body) },
      'SNS message successfully published'
    )
  }

  #logTemplateError(ctx: NotifyContext, err: Error | undefined): void {
    if (err !== undefined) {
      this.log.warn({ key: ctx.groupKey, err: err.message }, 'Failed to render a field')
    }
  }

  /** send signs and POSTs the body, retrying as aws-sdk-go's DefaultRetryer does. */
  async #send(
    url: URL,
    body: string,
    region: string,
    credentials: AwsCredentials,
    signal: AbortSignal
  ): Promise<HttpResponse> {
    for (let retry = 0; ; retry++) {
      const headers = signedHeaders(url, body, 'sns', region, credentials, this.#now())
      let response: HttpResponse
      try {
        response = await this.client.post(url.href, body, headers, signal)
      } catch (err: unknown) {
        const transport = err instanceof NotifyError && err.reason === 'connectionError'
        if (!transport || retry >= SDK_MAX_RETRIES || signal.aborted) {
          throw this.#sdkError(err, url, credentials)
        }
        await this.#sleep(retryDelayMs(retry, false), signal)
        continue
      }
      const throttled = response.status === 429 || isThrottleCode(response.body)
      const again = throttled || (response.status >= 500 && response.status !== 501)
      if (!again || retry >= SDK_MAX_RETRIES) {
        return response
      }
      await this.#sleep(retryDelayMs(retry, throttled), signal)
    }
  }

  /** assumeRole is stscreds.NewCredentials: AssumeRole signed with the session's keys. */
  async #assumeRole(
    region: string,
    credentials: AwsCredentials | undefined,
    signal: AbortSignal
  ): Promise<AwsCredentials> {
    if (credentials === undefined) {
      throw retryable(NO_CREDENTIALS)
    }
    const endpoint = this.#stsURL ?? stsEndpoint(region, this.#env)
    const body = assumeRoleBody(this.config.sigv4.role_arn ?? '', this.#now())
    const url = new URL(endpoint)
    const signingRegion =
      this.#stsURL === undefined && url.hostname === 'sts.amazonaws.com' ? 'us-east-1' : region
    const headers = signedHeaders(url, body, 'sts', signingRegion, credentials, this.#now())
    const response = await this.client
      .post(url.href, body, headers, signal)
      .catch((err: unknown) => {
        throw this.#sdkError(err, url, credentials)
      })
    const result = assumeRole(response)
    if (result.credentials !== undefined) {
      return result.credentials
    }
    const failure = classifyStatus(response.status, [], () =>
      this.#redact(result.message, url, credentials)
    )
    throw failure ?? retryable(result.message)
  }

  /** sdkError words a transport failure as aws-sdk-go's RequestError, still redacted. */
  #sdkError(err: unknown, url: URL, credentials: AwsCredentials): NotifyError {
    if (err instanceof NotifyError) {
      if (err.reason === 'connectionError') {
        return new NotifyError(
          this.#redact(
            `RequestError: send request failed\ncaused by: ${err.message}`,
            url,
            credentials
          ),
          { retryable: err.retryable, reason: err.reason, cause: err }
        )
      }
      return err
    }
    return retryable(this.#redact(errorMessage(err), url, credentials))
  }

  /** redact hides the URL and the keys wherever a message quotes them. */
  #redact(text: string, url: URL, credentials: AwsCredentials): string {
    let out = redactURLInMessage(text, url.href)
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken ?? '']) {
      if (secret !== '') {
        out = out.split(secret).join(REDACTED)
      }
    }
    return out
  }
}

/**
 * publishURL is where aws-sdk-go sends Publish: the endpoint (https:// added when it has no
 * scheme) with the operation path `/` appended and its query replaced; without an endpoint,
 * SNS's regional one.
 */
export function publishURL(endpoint: string, region: string): URL {
  if (endpoint === '') {
    return new URL(`https://sns.${region}.amazonaws.com/`)
  }
  const url = new URL(/^[^:]+:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`)
  if (!url.pathname.endsWith('/')) {
    url.pathname = `${url.pathname}/`
  }
  url.search = ''
  url.hash = ''
  return url
}

/**
 * signedHeaders signs a form POST with aws4 as aws-sdk-go's v4 signer does (signed headers
 * content-length, content-type, host, x-amz-date, and x-amz-security-token with a session).
 *
 * @returns the headers to send, Host and Content-Length left to the HTTP client.
 */
export function signedHeaders(
  url: URL,
  body: string,
  service: string,
  region: string,
  credentials: AwsCredentials,
  nowMs: number
): Record<string, string> {
  const request = {
    host: url.host,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    service,
    region,
    body,
    headers: { 'Content-Type': SNS_CONTENT_TYPE, 'X-Amz-Date': amzDate(nowMs) },
  }
  const signed = aws4.sign(request, credentials)
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    if (!['host', 'content-length'].includes(name.toLowerCase()) && value !== undefined) {
      out[name] = String(value)
    }
  }
  return out
}

/** amzDate is X-Amz-Date's basic ISO 8601 form, `20240102T030405Z`. */
export function amzDate(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** assumeRoleBody is stscreds' AssumeRole request: 15 minutes, a nanosecond session name. */
function assumeRoleBody(roleARN: string, nowMs: number): string {
  const session = `${BigInt(Math.trunc(nowMs)) * 1_000_000n}`
  return [
    'Action=AssumeRole',
    'DurationSeconds=900',
    `RoleArn=${encodeURIComponent(roleARN).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    `RoleSessionName=${session}`,
    'Version=2011-06-15',
  ].join('&')
}

/** THROTTLE_CODES are the error codes aws-sdk-go retries as throttling (request/retryer.go). */
const THROTTLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
  'EC2ThrottledException',
])

function isThrottleCode(body: string): boolean {
  return THROTTLE_CODES.has(readQueryError(body).code)
}

/** retryDelayMs is DefaultRetryer.RetryRules: 2ⁿ × (min + random(min)), 30 ms or 500 ms. */
function retryDelayMs(retry: number, throttled: boolean): number {
  const min = throttled ? 500 : 30
  return 2 ** retry * (min + Math.random() * min)
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await wait(ms, undefined, { signal }).catch(() => undefined)
}

function retryable(message: string): NotifyError {
  return new NotifyError(message, { retryable: true, reason: 'other' })
}

/** goArch is Go's GOARCH for Node's process.arch. */
function goArch(arch: string): string {
  const names: Readonly<Record<string, string>> = {
    x64: 'amd64',
    ia32: '386',
    arm: 'arm',
    arm64: 'arm64',
  }
  return names[arch] ?? arch
}
