// Ports for a local cluster on 127.0.0.1. Chosen ports come from below the kernel's ephemeral
// range: a port the kernel hands out for listen(0) is ephemeral, and once released any outgoing
// connection or UDP socket may take it before the node meant to bind it does. A gossip port must
// be free for both TCP and UDP.
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
