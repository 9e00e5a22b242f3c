// An SMTP server on 127.0.0.1 that records what arrives (the email counterpart of
// side-by-side.ts's HTTP CaptureServer), on smtp-server: STARTTLS or implicit TLS with a test
// certificate, the AUTH methods asked for, and replies that refuse at each step.
import type { AddressInfo } from 'node:net'

import { simpleParser } from 'mailparser'
import type { ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { SMTPServerAuthentication, SMTPServerOptions } from 'smtp-server'

import { waitFor } from './wait.js'

/** CapturedMail is one message as it arrived. */
export interface CapturedMail {
  /** The envelope sender (MAIL FROM). */
  readonly from: string
  /** The envelope recipients (RCPT TO), in order. */
  readonly to: readonly string[]
  /** The message after DATA, dot-unstuffed. */
  readonly raw: Buffer
  /** Whether the session ran over TLS when the message arrived. */
  readonly secure: boolean
  /** The EHLO/HELO name the client gave. */
  readonly hello: string
  /** How the client authenticated, if it did. */
  readonly auth?: { readonly method: string; readonly username: string; readonly identity: string }
}

/** SmtpReject is a refusal: the reply code and text the server answers with. */
export interface SmtpReject {
  readonly code: number
  readonly message: string
}

/** SmtpCaptureOptions shape the server. */
export interface SmtpCaptureOptions {
  /** Key and certificate (PEM): STARTTLS is offered with them, or implicit TLS when `secure`. */
  readonly tls?: { readonly key: string; readonly cert: string }
  /** Implicit TLS from the first byte (Alertmanager does this only on port 465). */
  readonly secure?: boolean
  /** The port to listen on (default: any free one). */
  readonly port?: number
  /** AUTH mechanisms to advertise, in order; none disables AUTH. */
  readonly authMethods?: readonly string[]
  /** Accepted users and their passwords (the CRAM-MD5 secret too). */
  readonly users?: Readonly<Record<string, string>>
  /** Refuse MAIL FROM. */
  readonly rejectMail?: SmtpReject
  /** Refuse RCPT TO for these recipients (all when the list is absent but reject is given). */
  readonly rejectRcpt?: SmtpReject & { readonly recipients?: readonly string[] }
  /** Refuse the message after its final dot. */
  readonly rejectData?: SmtpReject
}

interface CodedError extends Error {
  responseCode?: number
}

function refusal(r: SmtpReject): CodedError {
  const err: CodedError = new Error(r.message)
  err.responseCode = r.code
  return err
}

/** SmtpCapture records every message and answers as configured. */
export class SmtpCapture {
  readonly messages: CapturedMail[] = []
  /** Authentication attempts, accepted or not. */
  readonly authAttempts: { method: string; username: string; ok: boolean }[] = []
  /**
   * Errors of client connections. A client that gives up on a refused transaction may reset
   * the connection mid-transaction, and smtp-server reports that as a server 'error' event,
   * which would be thrown as uncaught without a listener.
   */
  readonly connectionErrors: Error[] = []
  readonly #server: SMTPServer
  #port = 0

  private constructor(options: SmtpCaptureOptions) {
    const methods = options.authMethods ?? []
    const serverOptions: SMTPServerOptions = {
      logger: false,
      secure: options.secure === true,
      ...(options.tls ?? { hideSTARTTLS: true }),
      authMethods: [...methods],
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: methods.length === 0 ? ['AUTH'] : [],
      onAuth: (auth: SMTPServerAuthentication, _session, callback) => {
        const username = auth.username ?? ''
        const password = options.users?.[username]
        const ok =
          password !== undefined &&
          (auth.method === ('CRAM-MD5' as string)
            ? auth.validatePassword(password)
            : auth.password === password)
        this.authAttempts.push({ method: auth.method, username, ok })
        if (!ok) {
          callback(refusal({ code: 535, message: '5.7.8 Error: authentication failed' }))
          return
        }
        const identity = (auth as { authzid?: string }).authzid ?? ''
        callback(null, { user: { method: auth.method, username, identity } })
      },
      onMailFrom: (_address, _session, callback) => {
        callback(options.rejectMail === undefined ? null : refusal(options.rejectMail))
      },
      onRcptTo: (address, _session, callback) => {
        const r = options.rejectRcpt
        const refused =
          r !== undefined && (r.recipients === undefined || r.recipients.includes(address.address))
        callback(refused ? refusal(r) : null)
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          if (options.rejectData !== undefined) {
            callback(refusal(options.rejectData))
            return
          }
          const user = session.user as CapturedMail['auth'] | undefined
          this.messages.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            secure: session.secure,
            hello: session.hostNameAppearsAs,
            ...(user === undefined ? {} : { auth: user }),
          })
          callback()
        })
      },
    }
    this.#server = new SMTPServer(serverOptions)
    this.#server.on('error', (err: Error) => this.connectionErrors.push(err))
  }

  /** port is the listening port. */
  get port(): number {
    return this.#port
  }

  /** address is `127.0.0.1:<port>`, a smarthost. */
  get address(): string {
    return `127.0.0.1:${this.#port}`
  }

  /**
   * start listens on a free port of 127.0.0.1.
   *
   * @param options - TLS, AUTH and refusals.
   * @returns the running server.
   */
  static async start(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
    const capture = new SmtpCapture(options)
    await new Promise<void>((resolve, reject) => {
      // A listen failure arrives on the server itself, not through the 'error' event.
      capture.#server.server.once('error', reject)
      capture.#server.listen(options.port ?? 0, '127.0.0.1', () => {
        capture.#server.server.off('error', reject)
        resolve()
      })
    })
    capture.#port = (capture.#server.server.address() as AddressInfo).port
    return capture
  }

  /**
   * waitForMessages waits until at least `count` messages arrived.
   *
   * @param count - how many.
   * @param timeoutMs - how long to wait.
   * @returns the first `count` messages.
   */
  async waitForMessages(count: number, timeoutMs = 30_000): Promise<CapturedMail[]> {
    await waitFor(
      `${count} messages at ${this.address} (have ${this.messages.length})`,
      () => (this.messages.length >= count ? true : undefined),
      { timeoutMs }
    )
    return this.messages.slice(0, count)
  }

  /** stop closes the server and its connections. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve()
      })
    })
  }
}

/**
 * parseMail parses a captured message with mailparser.
 *
 * @param mail - the message.
 * @returns the parsed message.
 */
export function parseMail(mail: CapturedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true })
}
