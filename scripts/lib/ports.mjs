// The one port picker for the scripts, the tests and the benchmarks: ports on 127.0.0.1 for a
// process that is about to be started. Chosen ports come from below the kernel's ephemeral
// range: a port the kernel hands out for listen(0) is ephemeral, and once released any outgoing
// connection or UDP socket may take it before the process meant to bind it does. A gossip port
// must be free for both TCP and UDP. Plain JavaScript, so that scripts run from a clean clone
// before anything is compiled; ports.d.mts types it for TypeScript, which imports it as
// `#scripts/lib/ports.mjs` (package.json "imports").
import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

import { ScriptError } from './cli.mjs'

const LOWEST_PORT = 20_000
const DEFAULT_EPHEMERAL_LOW = 32_768

/** @returns {number} the first port of the kernel's ephemeral range (Linux), or the default. */
function ephemeralLow() {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]
    )
    return Number.isInteger(low) && low > LOWEST_PORT + 1000 ? low : DEFAULT_EPHEMERAL_LOW
  } catch {
    return DEFAULT_EPHEMERAL_LOW
  }
}

/**
 * @param {number} port - the port.
 * @returns {Promise<boolean>} whether a TCP listener can bind it on 127.0.0.1 now.
 */
function tcpFree(port) {
  return new Promise((resolvePromise) => {
    const server = createServer()
    server.once('error', () => {
      resolvePromise(false)
    })
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolvePromise(true)
      })
    })
  })
}

/**
 * @param {number} port - the port.
 * @returns {Promise<boolean>} whether a UDP socket can bind it on 127.0.0.1 now.
 */
function udpFree(port) {
  return new Promise((resolvePromise) => {
    const socket = createSocket('udp4')
    socket.once('error', () => {
      socket.close()
      resolvePromise(false)
    })
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => {
      socket.close(() => {
        resolvePromise(true)
      })
    })
  })
}

/**
 * portFree tells whether a port on 127.0.0.1 is free for both TCP and UDP now.
 *
 * @param {number} port - the port.
 * @returns {Promise<boolean>} whether it is free.
 */
export async function portFree(port) {
  return (await tcpFree(port)) && (await udpFree(port))
}

/**
 * freePorts picks `count` distinct ports on 127.0.0.1, each free for TCP and UDP, at random
 * below the ephemeral range.
 *
 * @param {number} count - how many.
 * @returns {Promise<number[]>} the ports.
 */
export async function freePorts(count) {
  const high = ephemeralLow()
  const ports = new Set()
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt >= 200 + count) {
      throw new ScriptError(
        `found only ${ports.size} of ${count} free ports between ${LOWEST_PORT} and ${high}; pass --base-port`
      )
    }
    const port = LOWEST_PORT + Math.floor(Math.random() * (high - LOWEST_PORT))
    if (!ports.has(port) && (await portFree(port))) {
      ports.add(port)
    }
  }
  return [...ports]
}

/** handedOut holds the ports freePort gave this process: never offered twice, even unbound. */
const handedOut = new Set()

/**
 * freePort picks one port on 127.0.0.1 free for TCP and UDP, below the ephemeral range, and
 * never one it handed out before in this process (its owner may not have bound it yet).
 *
 * @returns {Promise<number>} the port.
 */
export async function freePort() {
  for (;;) {
    const [port] = await freePorts(1)
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}
