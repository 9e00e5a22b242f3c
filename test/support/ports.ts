import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

// One port picker for the tests and for scripts/cluster.mjs: scripts/lib/ports.mjs picks ports
// below the kernel's ephemeral range, free for TCP and UDP (see why there). It is plain
// JavaScript outside the TypeScript build, so it is loaded from the repository at run time.
interface PortPicker {
  freePorts(count: number): Promise<number[]>
}

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..')
const picker = (await import(
  pathToFileURL(join(REPO_ROOT, 'scripts', 'lib', 'ports.mjs')).href
)) as PortPicker

// Ports this process handed out: not offered twice even before their owner binds them.
const handedOut = new Set<number>()

/**
 * freePort finds a port on 127.0.0.1 free for both TCP and UDP (a gossip listener needs both),
 * below the ephemeral range so that no outgoing connection takes it before a child process
 * binds it, and never one this process handed out before.
 *
 * @returns the port.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const [port] = await picker.freePorts(1)
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}
