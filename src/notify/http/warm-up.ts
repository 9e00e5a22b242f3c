import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { Deadline } from '../../util/index.js'

import { loadHttpLibrary } from './dispatcher.js'
import { createHttpClient } from './http-client.js'

/** WARM_UP_TIMEOUT_MS bounds the warm-up request; a loopback answer takes milliseconds. */
const WARM_UP_TIMEOUT_MS = 5_000

/**
 * warmUpHttpClient sends one POST through a notifier's HTTP client (createHttpClient with the
 * default http_config, so undici and the same request path the notifiers run) to a throwaway
 * server on the loopback interface, then closes both. Loading undici alone left the first
 * notification about 20 ms slower than the next ones: undici compiles its HTTP parser
 * (WebAssembly) when the first connection opens, and V8 compiles the request path on its first
 * run. Nothing of the node's state is touched, and a failure (no loopback) only skips the warm-up.
 *
 * @returns resolves when done or given up; never rejects.
 */
export async function warmUpHttpClient(): Promise<void> {
  // Loaded before the first await, so the bulk of the cost is paid in the turn the caller chose.
  loadHttpLibrary()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.end('{}'))
  })
  const client = createHttpClient(
    { tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true },
    { userAgent: 'alertmesh warm-up' }
  )
  const deadline = new Deadline(WARM_UP_TIMEOUT_MS)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const { port } = server.address() as AddressInfo
    await client.post(
      `http://127.0.0.1:${port}/`,
      '{}',
      { 'Content-Type': 'application/json' },
      deadline.signal
    )
  } catch {
    // Only a warm-up: the first notification pays for what this did not do.
  } finally {
    deadline.clear()
    await client.close().catch(() => undefined)
    server.closeAllConnections()
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve()
      })
    )
  }
}
