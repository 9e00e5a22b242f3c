import { isIP } from 'node:net'
import { hostname as osHostname } from 'node:os'

import type Logger from 'bunyan'
import addressparser from 'nodemailer/lib/addressparser'

import type { Alert } from '../../../alerts/index.js'
import { buildTLSOptions } from '../../http/index.js'
import type { TLSOptions } from '../../http/index.js'
import type { Notifier, NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import type { FailureReason } from '../../notify-error.js'
import { readSecretFile } from '../../secret-file.js'
import type { AlertTemplate } from '../../template/index.js'
import { FieldRenderer } from '../fields.js'

import { defaultHeaders } from './config.js'
import type { EmailConfig } from './config.js'
import { buildEmailMessage } from './message.js'
import { randomBoundary } from './mime.js'
import { SmtpSession, SmtpStepError } from './smtp.js'
import type { SmtpAuthChoice } from './smtp.js'

/** EMAIL_TIMEOUT_MS bounds connecting and each SMTP reply when the flush deadline is longer. */
export const EMAIL_TIMEOUT_MS = 300_000

/** EmailNotifierOptions are what one `email_configs` entry needs to send. */
export interface EmailNotifierOptions {
  readonly config: EmailConfig
  /** The config's templates. */
  readonly template: () => AlertTemplate
  /** The integration's logger. */
  readonly log: Logger
  /** The host name in Message-Id (default `os.hostname()`, as 0.25's `os.Hostname()`). */
  readonly hostname?: string
  /** The clock of the Date header and Message-Id (default `Date.now`). */
  readonly now?: () => number
  /** @default EMAIL_TIMEOUT_MS */
  readonly timeoutMs?: number
}

/** The pieces of one notification, rendered before the SMTP transaction starts. */
interface Rendered {
  readonly from: string
  readonly to: string
  /** The `from` or `to` template error, in 0.25's words. */
  readonly fieldError: string | undefined
  readonly headers: readonly (readonly [string, string])[]
  readonly text: string
  readonly html: string
  /** The first header, text or html template error, in 0.25's words. */
  readonly bodyError: string | undefined
}

/**
 * EmailNotifier is Alertmanager 0.25's email integration (`notify/email/email.go`): one SMTP
 * session per notification to `smarthost` (implicit TLS on port 465), EHLO `hello`, STARTTLS
 * when `require_tls` (refused when the server does not advertise it), AUTH with the first
 * mechanism of the server's list that the credentials allow (CRAM-MD5 with `auth_secret`, PLAIN
 * with `auth_password`/`auth_password_file` and `auth_identity`, LOGIN), then MAIL, RCPT and a
 * multipart/alternative message with the `text` and `html` parts.
 *
 * Errors are retryable as 0.25 returns them: everything on the wire is retried, template, address
 * and TLS configuration errors are not. Deliberate differences, each for a message 0.25 would
 * lose or mangle: a message the server refuses (or a connection lost) after DATA fails the
 * attempt, retryably, where 0.25 ignores that reply and reports success; and a broken
 * header, text or html template fails before MAIL, where 0.25 has already sent DATA and
 * delivers the message without its body.
 *
 * @example
 * ```ts
 * const notifier = new EmailNotifier({ config, template: () => tmpl, log })
 * await notifier.notify(ctx, alerts)
 * ```
 */
export class EmailNotifier implements Notifier {
  readonly #config: EmailConfig
  readonly #headers: Readonly<Record<string, string>>
  readonly #template: () => AlertTemplate
  readonly #log: Logger
  readonly #hostname: string
  readonly #now: () => number
  readonly #timeoutMs: number
  readonly #sessions = new Set<SmtpSession>()
  #closed = false

  /**
   * EmailNotifier's constructor fills the default headers, as 0.25's email.New does.
   *
   * @param options - config, templates, logger.
   */
  constructor(options: EmailNotifierOptions) {
    this.#config = options.config
    this.#headers = defaultHeaders(options.config)
    this.#template = options.template
    this.#log = options.log
    this.#hostname = options.hostname ?? hostnameOrDefault()
    this.#now = options.now ?? Date.now
    this.#timeoutMs = options.timeoutMs ?? EMAIL_TIMEOUT_MS
  }

  /**
   * notify sends one attempt for the flush.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as 0.25's email notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    if (this.#closed) {
      throw new NotifyError('email notifier closed', { retryable: false, reason: 'other' })
    }
    const rendered = this.#render(ctx, alerts)
    let session: SmtpSession | undefined
    try {
      session = await this.#open(ctx.signal)
      this.#sessions.add(session)
      await this.#authenticate(session)
      if (rendered.fieldError !== undefined) {
        throw final(rendered.fieldError)
      }
      const from = parseAddresses(rendered.from, 'from')
      if (from.length !== 1) {
        throw final(`must be exactly one 'from' address (got: ${from.length})`)
      }
      const to = parseAddresses(rendered.to, 'to')
      if (rendered.bodyError !== undefined) {
        throw final(rendered.bodyError)
      }
      const message = buildEmailMessage({
        headers: rendered.headers,
        text: rendered.text,
        html: rendered.html,
        hasText: (this.#config.text ?? '') !== '',
        hasHTML: (this.#config.html ?? '') !== '',
        now: this.#now(),
        hostname: this.#hostname,
        boundary: randomBoundary(),
      })
      await session.send(from[0] ?? '', to, message)
      session.quit()
    } catch (err) {
      // 0.25's deferred c.Quit: a session still in order is ended politely.
      if (err instanceof FinalError) {
        session?.quit()
      } else {
        session?.close()
      }
      throw toNotifyError(err, ctx.signal)
    } finally {
      if (session !== undefined) {
        this.#sessions.delete(session)
      }
    }
  }

  /**
   * close drops any session in flight; later notifications fail. Idempotent.
   *
   * @returns at once.
   */
  close(): Promise<void> {
    this.#closed = true
    for (const session of this.#sessions) {
      session.close()
    }
    this.#sessions.clear()
    return Promise.resolve()
  }

  /**
   * render renders every templated field up front; errors are kept and thrown where 0.25 meets
   * them (`from`/`to` after AUTH, the rest before MAIL instead of after DATA).
   */
  #render(ctx: NotifyContext, alerts: readonly Alert[]): Rendered {
    const template = this.#template()
    // TmplText for from and to: a failure leaves both '' after it.
    const fields = new FieldRenderer(template, ctx, alerts)
    const from = fields.text(this.#config.from)
    const fromError = fields.error
    const to = fields.text(this.#config.to)
    const fieldError =
      fromError !== undefined
        ? `execute 'from' template: ${fromError.message}`
        : fields.error !== undefined
          ? `execute 'to' template: ${fields.error.message}`
          : undefined
    let bodyError: string | undefined
    const headers: (readonly [string, string])[] = []
    for (const [name, text] of Object.entries(this.#headers)) {
      try {
        headers.push([name, template.executeTextString(text, fields.data)])
      } catch (err) {
        bodyError ??= `execute ${JSON.stringify(name)} header template: ${message(err)}`
      }
    }
    let textBody = ''
    let htmlBody = ''
    if (bodyError === undefined && (this.#config.text ?? '') !== '') {
      try {
        textBody = template.executeTextString(this.#config.text ?? '', fields.data)
      } catch (err) {
        bodyError = `execute text template: ${message(err)}`
      }
    }
    if (bodyError === undefined && (this.#config.html ?? '') !== '') {
      try {
        htmlBody = template.executeHTMLString(this.#config.html ?? '', fields.data)
      } catch (err) {
        bodyError = `execute html template: ${message(err)}`
      }
    }
    return { from, to, fieldError, headers, text: textBody, html: htmlBody, bodyError }
  }

  async #open(signal: AbortSignal): Promise<SmtpSession> {
    const { host, port } = splitSmarthost(this.#config.smarthost)
    const common = {
      host,
      port,
      // Go sends EHLO with `hello`, or `localhost` when it is empty (smtp.NewClient's default).
      hello: this.#config.hello === '' ? 'localhost' : this.#config.hello,
      signal,
      timeoutMs: this.#timeoutMs,
    }
    if (port === '465') {
      return SmtpSession.open({ ...common, implicitTLS: this.#tlsOptions(host) })
    }
    if (!this.#config.require_tls) {
      return SmtpSession.open(common)
    }
    // 0.25 reads tls_config only once STARTTLS is advertised: a broken one fails (finally)
    // after the advertisement check, which a plain-text session still makes.
    let tls: TLSOptions | undefined
    let tlsError: unknown
    try {
      tls = this.#tlsOptions(host)
    } catch (err) {
      tlsError = err
    }
    const session = await SmtpSession.open(
      tls === undefined ? common : { ...common, startTLS: tls }
    )
    if (!session.secure) {
      session.close()
      if (session.extension('STARTTLS') === undefined) {
        throw new SmtpStepError(
          `'require_tls' is true (default) but ${JSON.stringify(this.#config.smarthost)} does not advertise the STARTTLS extension`,
          ''
        )
      }
      throw final(`parse TLS configuration: ${message(tlsError)}`)
    }
    return session
  }

  #tlsOptions(host: string): TLSOptions {
    let options: TLSOptions
    try {
      options = buildTLSOptions(this.#config.tls_config)
    } catch (err) {
      throw final(`parse TLS configuration: ${message(err)}`)
    }
    // Go verifies the certificate against the smarthost's host unless server_name says otherwise.
    // Node does that by itself for an IP address, which must not be sent as SNI (RFC 6066).
    return options.servername === undefined && isIP(host) === 0
      ? { ...options, servername: host }
      : options
  }

  /** authenticate is 0.25's `auth(mechs)` over the AUTH extension the server advertised. */
  async #authenticate(session: SmtpSession): Promise<void> {
    const mechanisms = session.extension('AUTH')
    if (mechanisms === undefined) {
      return
    }
    const choice = await this.#chooseAuth(mechanisms)
    if (choice !== undefined) {
      await session.auth(choice)
    }
  }

  async #chooseAuth(mechanisms: string): Promise<SmtpAuthChoice | undefined> {
    const c = this.#config
    const username = c.auth_username ?? ''
    if (username === '') {
      this.#log.debug(
        'smtp_auth_username is not configured. Attempting to send email without authenticating'
      )
      return undefined
    }
    const problems: string[] = []
    for (const mechanism of mechanisms.split(' ')) {
      switch (mechanism) {
        case 'CRAM-MD5': {
          const secret = c.auth_secret ?? ''
          if (secret === '') {
            problems.push('missing secret for CRAM-MD5 auth mechanism')
            continue
          }
          return { mechanism, username, secret, identity: '', goType: '*smtp.cramMD5Auth' }
        }
        case 'PLAIN':
        case 'LOGIN': {
          let password: string
          try {
            password = await this.#password()
          } catch (err) {
            problems.push(message(err))
            continue
          }
          if (password === '') {
            problems.push(`missing password for ${mechanism} auth mechanism`)
            continue
          }
          return mechanism === 'PLAIN'
            ? {
                mechanism,
                username,
                secret: password,
                identity: c.auth_identity ?? '',
                goType: '*smtp.plainAuth',
              }
            : { mechanism, username, secret: password, identity: '', goType: '*email.loginAuth' }
        }
        default:
      }
    }
    if (problems.length === 0) {
      problems.push(`unknown auth mechanism: ${mechanisms}`)
    }
    throw new SmtpStepError('find auth mechanism', problems.join('; '))
  }

  async #password(): Promise<string> {
    const file = this.#config.auth_password_file ?? ''
    if (file !== '') {
      try {
        // 0.25 uses the file's bytes as they are.
        return await readSecretFile(file, 'keep')
      } catch (err) {
        throw new Error(`could not read ${file}: ${message(err)}`, { cause: err })
      }
    }
    return this.#config.auth_password ?? ''
  }
}

function hostnameOrDefault(): string {
  try {
    return osHostname()
  } catch {
    // 0.25: "If we can't get the hostname, we'll use localhost".
    return 'localhost.localdomain'
  }
}

/** splitSmarthost splits the (validated) `host:port`, dropping IPv6 brackets. */
export function splitSmarthost(smarthost: string): { host: string; port: string } {
  const i = smarthost.lastIndexOf(':')
  const host = smarthost.slice(0, i)
  return {
    host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
    port: smarthost.slice(i + 1),
  }
}

/**
 * parseAddresses reads an address list (`from`, `to`) into bare addresses for the envelope.
 * 0.25 uses Go's net/mail.ParseAddressList, a strict RFC 5322 parser; nodemailer's parser is
 * lenient, so entries without an `@` and empty lists are refused here with Go's words, and
 * other malformed lists Go would refuse may pass.
 */
function parseAddresses(list: string, field: 'from' | 'to'): string[] {
  const parsed = addressparser(list, { flatten: true })
  if (parsed.length === 0) {
    throw final(`parse '${field}' addresses: mail: no address`)
  }
  return parsed.map(({ address }) => {
    if (!address.includes('@')) {
      throw final(`parse '${field}' addresses: mail: missing @ in addr-spec`)
    }
    return address
  })
}

/**
 * FinalError is a failure 0.25 does not retry (templates, addresses, TLS configuration).
 * Internal signal: toNotifyError turns it into a NotifyError, so it stays a plain Error.
 */
class FinalError extends Error {
  override name = 'FinalError'
}

function final(text: string): FinalError {
  return new FinalError(text)
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'])
const CONNECTION_STEPS = new Set([
  'establish connection to server',
  'establish TLS connection to server',
  'create SMTP client',
])

/** toNotifyError says whether 0.25 would retry, and why the attempt failed. */
function toNotifyError(err: unknown, signal: AbortSignal): NotifyError {
  if (err instanceof NotifyError) {
    return err
  }
  if (signal.aborted) {
    const why: unknown = signal.reason
    const detail =
      why instanceof DOMException && why.name === 'TimeoutError'
        ? 'context deadline exceeded'
        : 'context canceled'
    return new NotifyError(detail, { retryable: true, reason: 'timeout', cause: err })
  }
  if (err instanceof FinalError) {
    return new NotifyError(err.message, { retryable: false, reason: 'other', cause: err })
  }
  if (err instanceof SmtpStepError) {
    const code = (err.cause as { code?: unknown } | undefined)?.code
    let reason: FailureReason = 'other'
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
      reason = 'timeout'
    } else if (CONNECTION_STEPS.has(err.step)) {
      reason = 'connectionError'
    }
    const text = err.detail === '' ? err.step : err.message
    return new NotifyError(text, { retryable: true, reason, cause: err })
  }
  return new NotifyError(message(err), { retryable: true, reason: 'other', cause: err })
}
