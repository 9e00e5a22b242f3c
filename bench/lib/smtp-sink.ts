/**
 * A plain SMTP receiver on 127.0.0.1 (the smtp-server package) that accepts every message and
 * hands it to the benchmark, so targets have a real mail server to notify without the
 * benchmark depending on the network. No STARTTLS and no AUTH: the targets' email configs use
 * `require_tls: false` and no credentials, so the session is EHLO, MAIL, RCPT, DATA, QUIT.
 */
import { performance } from 'node:perf_hooks'

import { SMTPServer } from 'smtp-server'

/** SmtpSink is a running SMTP receiver; `smarthost` goes into the targets' email configs. */
export class SmtpSink {
  /** `127.0.0.1:<port>`, the form of `smtp_smarthost`. */
  readonly smarthost: string
  readonly #server: SMTPServer

  private constructor(server: SMTPServer, port: number) {
    this.#server = server
    this.smarthost = `127.0.0.1:${port}`
  }

  /**
   * start listens on a free port of 127.0.0.1.
   *
   * @param onMessage - called with each message (headers and body as sent) and
   *   `performance.now()` when its last byte arrived, before the server answers 250.
   * @returns the running sink.
   */
  static async start(onMessage: (message: Buffer, receivedMs: number) => void): Promise<SmtpSink> {
    const server = new SMTPServer({
      // A bench run opens one session per notification: no TLS handshake, no login, no DNS
      // lookup of the client, and no log line per session.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      disableReverseLookup: true,
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          onMessage(Buffer.concat(chunks), performance.now())
          callback()
        })
      },
    })
    // Errors of single sessions (a target dropping a connection) are not the sink's concern;
    // without a listener they would crash the benchmark.
    server.on('error', () => undefined)
    const port = await new Promise<number>((resolve, reject) => {
      server.server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.server.address()
        if (address === null || typeof address === 'string') {
          reject(new Error('SMTP sink has no port'))
          return
        }
        resolve(address.port)
      })
    })
    return new SmtpSink(server, port)
  }

  /** close stops listening and ends open sessions. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve()
      })
    })
  }
}
