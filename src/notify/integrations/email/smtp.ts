/**
 * The SMTP session of Alertmanager 0.25's email notifier (notify/email/email.go over Go's
 * net/smtp), on nodemailer's SMTPConnection: it speaks the protocol (greeting, EHLO with the
 * HELO fallback, STARTTLS and the EHLO after it, MAIL/RCPT/DATA with dot-stuffing, QUIT), and
 * this module decides what 0.25 decides. Where SMTPConnection would choose differently from
 * net/smtp, it is steered:
 *
 * - STARTTLS: 0.25 upgrades only when `require_tls` is set and refuses to go on when the server
 *   does not advertise it, without sending STARTTLS. SMTPConnection's own `requireTLS` would
 *   send STARTTLS regardless, so the connection upgrades opportunistically (`ignoreTLS` off)
 *   when `require_tls` is set and this module refuses a session that stayed in plain text.
 * - AUTH: SMTPConnection picks PLAIN > LOGIN > CRAM-MD5 by its own preference and sends PLAIN
 *   without the authorisation identity. 0.25 takes the first mechanism in the server's
 *   advertised order that its credentials allow, and sends `auth_identity`; so the mechanisms
 *   are read from the EHLO reply, and each runs as a custom handler that is Go's smtp.Client.Auth
 *   loop (including PlainAuth's refusal to send a password in clear text to a remote host).
 * - RCPT: 0.25 gives up at the first refused recipient; SMTPConnection would deliver to the
 *   others, so the message is withheld and the connection dropped before the final dot.
 *
 * What remains different on the wire, invisible in the message: SMTPConnection pipelines MAIL,
 * RCPT and DATA when the server offers PIPELINING (net/smtp waits for each reply), and adds
 * SMTPUTF8 to MAIL FROM only for non-ASCII addresses (net/smtp whenever the server offers it).
 */
import { createHmac } from 'node:crypto'
import { Readable } from 'node:stream'

import type SMTPConnection from 'nodemailer/lib/smtp-connection'
import type { SMTPConnectionCustomAuthContext } from 'nodemailer/lib/smtp-connection'

import { AlertmeshError } from '../../../util/index.js'
import type { TLSOptions } from '../../http/index.js'

/** SmtpStepError is a failed SMTP step: `step` is 0.25's words for it, `detail` the cause. */
export class SmtpStepError extends AlertmeshError {
  override name = 'SmtpStepError'
  readonly step: string
  readonly detail: string

  constructor(step: string, detail: string, cause?: unknown) {
    super('AM_NOTIFY_TRANSPORT', `${step}: ${detail}`, cause === undefined ? undefined : { cause })
    this.step = step
    this.detail = detail
  }
}

/** SmtpAuthChoice is the mechanism 0.25 would use and its credentials. */
export interface SmtpAuthChoice {
  readonly mechanism: 'PLAIN' | 'LOGIN' | 'CRAM-MD5'
  readonly username: string
  /** The password (PLAIN, LOGIN) or the secret (CRAM-MD5). */
  readonly secret: string
  /** PLAIN's authorisation identity (`auth_identity`). */
  readonly identity: string
  /** Go's type name of the smtp.Auth, which 0.25's error message names (`%T auth`). */
  readonly goType: string
}

/** SmtpSessionOptions are the connection's parameters. */
export interface SmtpSessionOptions {
  readonly host: string
  readonly port: string
  /** The EHLO name. */
  readonly hello: string
  /** Implicit TLS (port 465) with these options. */
  readonly implicitTLS?: TLSOptions
  /** STARTTLS with these options; undefined never upgrades. */
  readonly startTLS?: TLSOptions
  /** Aborts the session at once. */
  readonly signal: AbortSignal
  /** Bounds connecting, the greeting and each reply (nodemailer's timeouts). */
  readonly timeoutMs: number
}

/** The events an SMTPConnection emits that end a step early. */
type Failure = (err: Error) => void

/**
 * SmtpSession is one connection to the smarthost, used for one notification.
 */
export class SmtpSession {
  readonly #connection: SMTPConnection
  readonly #options: SmtpSessionOptions
  readonly #failures = new Set<Failure>()
  #closed: Error | undefined
  /** The error an auth handler met, in 0.25's words (nodemailer's would add the reply again). */
  #authError: Error | undefined

  private constructor(Connection: typeof SMTPConnection, options: SmtpSessionOptions) {
    this.#options = options
    const tls = options.implicitTLS ?? options.startTLS ?? {}
    this.#connection = new Connection({
      host: options.host,
      port: Number(options.port),
      secure: options.implicitTLS !== undefined,
      ignoreTLS: options.startTLS === undefined,
      name: options.hello,
      tls: { ...tls },
      logger: false,
      allowInternalNetworkInterfaces: true,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      customAuth: {
        PLAIN: (ctx) => this.#goAuth(ctx),
        LOGIN: (ctx) => this.#goAuth(ctx),
        'CRAM-MD5': (ctx) => this.#goAuth(ctx),
      },
    })
    this.#connection.on('error', (err: Error) => {
      this.#fail(err)
    })
    this.#connection.on('end', () => {
      this.#fail(new Error('connection closed'))
    })
  }

  /**
   * open connects, reads the greeting and says EHLO (upgrading with STARTTLS when asked and
   * advertised).
   *
   * @param options - where and how.
   * @returns the open session.
   * @throws SmtpStepError worded as 0.25's `establish connection to server`, `create SMTP client`,
   *   `send EHLO command` or `send STARTTLS command`.
   */
  static async open(options: SmtpSessionOptions): Promise<SmtpSession> {
    // Loaded on first use: most configs never send email, and the node starts faster without it.
    const { default: Connection } = await import('nodemailer/lib/smtp-connection')
    const session = new SmtpSession(Connection, options)
    try {
      await session.#step(
        (done) => {
          session.#connection.connect((err) => {
            done(err ?? undefined)
          })
        },
        (err) => session.#connectStep(err)
      )
    } catch (err) {
      session.close()
      throw err
    }
    return session
  }

  /** secure says whether the session runs over TLS (implicit or after STARTTLS). */
  get secure(): boolean {
    return this.#connection.secure
  }

  /**
   * extension is Go's smtp.Client.Extension: whether the last EHLO reply lists `name`
   * (case-sensitively, as 0.25 looks it up) and its parameters.
   *
   * @param name - the extension keyword.
   * @returns undefined when absent (or when the server only took HELO), else its parameters.
   */
  extension(name: string): string | undefined {
    const reply = this.#connection.lastServerResponse
    if (reply === false) {
      return undefined
    }
    // Go keeps the text after each reply code; the first line is the greeting of EHLO.
    const lines = reply.split(/\r?\n/).map((line) => line.replace(/^\d{3}[ -]?/, ''))
    for (const line of lines.slice(1)) {
      const space = line.indexOf(' ')
      const keyword = space === -1 ? line : line.slice(0, space)
      if (keyword === name) {
        return space === -1 ? '' : line.slice(space + 1)
      }
    }
    return undefined
  }

  /**
   * auth authenticates as 0.25's smtp.Client.Auth with the chosen mechanism.
   *
   * @param choice - mechanism and credentials.
   * @throws SmtpStepError `<Go type> auth: <reason>`.
   */
  async auth(choice: SmtpAuthChoice): Promise<void> {
    this.#authError = undefined
    await this.#step(
      (done) => {
        this.#connection.login(
          {
            method: choice.mechanism,
            user: choice.username,
            pass: choice.secret,
            options: { identity: choice.identity },
          },
          (err) => {
            done(err ?? undefined)
          }
        )
      },
      (err) => new SmtpStepError(`${choice.goType} auth`, (this.#authError ?? err).message, err)
    )
  }

  /**
   * send runs MAIL FROM, RCPT TO for each recipient and DATA with the message.
   *
   * @param from - the envelope sender.
   * @param to - the envelope recipients.
   * @param message - the message, CRLF line breaks.
   * @throws SmtpStepError worded as 0.25's step (`send MAIL command`, `send RCPT command`,
   *   `send DATA command`) or `delivery failure` for a refused message.
   */
  async send(from: string, to: readonly string[], message: string): Promise<void> {
    // 0.25 stops at the first refused recipient, before DATA; SMTPConnection goes on to DATA
    // for the recipients the server accepted. The message is therefore a stream that, when
    // SMTPConnection starts reading it (DATA accepted), looks at the envelope's refusals and
    // fails instead of giving any byte; the connection is then dropped before the final dot, so
    // the server discards the message and nobody receives it, as with 0.25. This reads
    // SMTPConnection's internal envelope: should that change, the refusal is still reported
    // (from the send result) but the accepted recipients get the message.
    let refusedBeforeData: Error | undefined
    const connection = this.#connection as unknown as {
      _envelope?: { rejectedErrors?: unknown }
    }
    const source = new Readable({
      read() {
        const refused = connection._envelope?.rejectedErrors
        if (Array.isArray(refused) && refused[0] instanceof Error) {
          refusedBeforeData = refused[0]
          this.destroy(refused[0])
          return
        }
        this.push(message)
        this.push(null)
      },
    })
    let info: SMTPConnection.SentMessageInfo
    try {
      info = await this.#step<SMTPConnection.SentMessageInfo>(
        (done) => {
          this.#connection.send({ from, to: [...to], use8BitMime: true }, source, (err, sent) => {
            done(err ?? undefined, sent)
          })
        },
        (err) =>
          refusedBeforeData === undefined
            ? sendStepError(err)
            : new SmtpStepError('send RCPT command', serverReply(refusedBeforeData), err)
      )
    } catch (err) {
      if (refusedBeforeData !== undefined) {
        this.close()
      }
      throw err
    }
    const refused = info.rejectedErrors?.[0]
    if (refused !== undefined) {
      throw new SmtpStepError('send RCPT command', serverReply(refused), refused)
    }
  }

  /** quit says QUIT, as 0.25's deferred c.Quit does, and closes the connection. */
  quit(): void {
    if (this.#closed === undefined) {
      this.#closed = new Error('session closed')
      this.#connection.quit()
    }
  }

  /** close drops the connection at once. */
  close(): void {
    this.#closed ??= new Error('session closed')
    this.#connection.close()
  }

  #fail(err: Error): void {
    for (const failure of this.#failures) {
      failure(err)
    }
  }

  /** connectStep names the step of 0.25's that failed while the session was being set up. */
  #connectStep(err: Error): SmtpStepError {
    const command = (err as { command?: unknown }).command
    const text = serverReply(err)
    if (command === 'STARTTLS' || this.#connection.upgrading === true) {
      return new SmtpStepError('send STARTTLS command', text, err)
    }
    if (command === 'EHLO' || command === 'HELO') {
      return new SmtpStepError('send EHLO command', text, err)
    }
    if (this.#connection.stage === 'connected') {
      // Connected, but no usable greeting: smtp.NewClient failed.
      return new SmtpStepError('create SMTP client', text, err)
    }
    const what =
      this.#options.implicitTLS === undefined
        ? 'establish connection to server'
        : 'establish TLS connection to server'
    return new SmtpStepError(what, text, err)
  }

  /**
   * step runs one SMTPConnection call, ending early when the connection fails, closes or the
   * notification is aborted.
   */
  #step<T = undefined>(
    run: (done: (err: Error | undefined, value?: T) => void) => void,
    wrap: (err: Error) => Error
  ): Promise<T> {
    const { signal } = this.#options
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const finish = (err: Error | undefined, value?: T): void => {
        if (settled) {
          return
        }
        settled = true
        this.#failures.delete(failure)
        signal.removeEventListener('abort', onAbort)
        if (err === undefined) {
          resolve(value as T)
        } else {
          reject(err === signal.reason ? err : wrap(err))
        }
      }
      const failure: Failure = (err) => {
        finish(err)
      }
      const onAbort = (): void => {
        this.close()
        finish(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)))
      }
      if (signal.aborted) {
        onAbort()
        return
      }
      this.#failures.add(failure)
      signal.addEventListener('abort', onAbort, { once: true })
      try {
        run(finish)
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)))
      }
    })
  }

  /**
   * goAuth is Go's smtp.Client.Auth for the mechanism nodemailer was asked for: the initial
   * response on the AUTH line, then answering 334 challenges until 235.
   */
  async #goAuth(ctx: SMTPConnectionCustomAuthContext): Promise<void> {
    const username = ctx.auth.credentials.user
    const secret = ctx.auth.credentials.pass
    const identity = String(ctx.auth.credentials.options?.['identity'] ?? '')
    let next: (challenge: Buffer, more: boolean) => Buffer | undefined
    let initial: Buffer
    switch (ctx.method) {
      case 'PLAIN': {
        // smtp.PlainAuth: never a password in clear text, except to the local host.
        if (!this.secure && !['localhost', '127.0.0.1', '::1'].includes(this.#options.host)) {
          throw (this.#authError = new Error('unencrypted connection'))
        }
        initial = Buffer.from(`${identity}\0${username}\0${secret}`, 'utf8')
        next = (_, more) => {
          if (more) {
            throw new Error('unexpected server challenge')
          }
          return undefined
        }
        break
      }
      case 'LOGIN':
        // notify/email's loginAuth answers the prompts by their text.
        initial = Buffer.alloc(0)
        next = (challenge, more) => {
          if (!more) {
            return undefined
          }
          switch (challenge.toString('utf8').toLowerCase()) {
            case 'username:':
              return Buffer.from(username, 'utf8')
            case 'password:':
              return Buffer.from(secret, 'utf8')
            default:
              throw new Error('unexpected server challenge')
          }
        }
        break
      default:
        // smtp.CRAMMD5Auth: `user hex(hmac-md5(secret, challenge))`.
        initial = Buffer.alloc(0)
        next = (challenge, more) =>
          more
            ? Buffer.from(
                `${username} ${createHmac('md5', secret).update(challenge).digest('hex')}`,
                'utf8'
              )
            : undefined
    }
    let reply = await ctx.sendCommand(`AUTH ${ctx.method} ${initial.toString('base64')}`.trim())
    for (;;) {
      let challenge: Buffer
      if (reply.status === 334) {
        challenge = Buffer.from(reply.text.trim(), 'base64')
      } else if (reply.status === 235) {
        challenge = Buffer.from(reply.text, 'utf8')
      } else {
        throw (this.#authError = new Error(reply.response.trim()))
      }
      let answer: Buffer | undefined
      try {
        answer = next(challenge, reply.status === 334)
      } catch (err) {
        this.#authError = err instanceof Error ? err : new Error(String(err))
        // Go aborts the exchange with `*` before giving up.
        await ctx.sendCommand('*')
        throw this.#authError
      }
      if (answer === undefined) {
        return
      }
      reply = await ctx.sendCommand(answer.toString('base64'))
    }
  }
}

/** serverReply is the server's reply a nodemailer error carries, else its message. */
function serverReply(err: Error): string {
  const response = (err as { response?: unknown }).response
  return typeof response === 'string' && response !== '' ? response.trim() : err.message
}

function sendStepError(err: Error): SmtpStepError {
  const { command, code } = err as { command?: unknown; code?: unknown }
  const text = serverReply(err)
  if (code === 'EMESSAGE') {
    // 0.25 ignores the reply to the end of DATA (its deferred message.Close); alertmesh does
    // not report a refused message as sent (Alertmanager 0.27 calls this `delivery failure`).
    return new SmtpStepError('delivery failure', text, err)
  }
  switch (command) {
    case 'MAIL FROM':
      return new SmtpStepError('send MAIL command', text, err)
    case 'RCPT TO':
      return new SmtpStepError('send RCPT command', text, err)
    case 'DATA':
      return new SmtpStepError('send DATA command', text, err)
    default:
      // The connection failed or closed while the message was on its way.
      return new SmtpStepError('delivery failure', text, err)
  }
}
