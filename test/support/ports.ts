import { createServer } from 'node:net'

/**
 * freePort asks the kernel for a free TCP port on 127.0.0.1. A child process binds it right
 * after; the window for another process to take it is tiny on a test machine.
 *
 * @returns the port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => {
        resolve(port)
      })
    })
  })
}
