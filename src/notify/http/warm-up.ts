import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { loadHttpLibrary } from './dispatcher.js'

/**
 * warmUpHttpClient loads undici and sends one POST through a fresh connection pool to a
 * throwaway server on the loopback interface, then closes both. Loading alone left the first
 * notification about 20 ms slower than the next ones: undici compiles its HTTP parser
 * (WebAssembly) when the first connection opens, and V8 compiles the request path on its first
 * run. Nothing of the node's state is touched, and a failure (no loopback) only skips the warm-up.
 *
 * @returns resolves when done or given up; never rejects.
 */
export async function warmUpHttpClient(): Promise<void> {
  const { Agent } = loadHttpLibrary()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.end('{}'))
  })
  const agent = new Agent({ connections: 1 })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const { port } = server.address() as AddressInfo
    const response = await agent.request({
      origin: `http://127.0.0.1:${port}`,
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    await response.body.text()
  } catch {
    // Only a warm-up: the first notification pays for what this did not do.
  } finally {
    await agent.close().catch(() => undefined)
    server.closeAllConnections()
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve()
      })
    )
  }
}
