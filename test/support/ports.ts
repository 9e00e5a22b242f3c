import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

// Ports come from below the kernel's ephemeral range. A port the kernel hands out for listen(0)
// is an ephemeral one: once released, any outgoing connection or UDP socket of the many
// processes a run starts may take it before the node meant to bind it does ("address already in
// use" for a gossip port, seen in CI). Ports below the range are only ever taken by an explicit
// bind, which the check here would see.
const LOWEST_PORT = 20_000
const DEFAULT_EPHEMERAL_LOW = 32_768
const ATTEMPTS = 200

/** ephemeralLow reads the first port of the kernel's ephemeral range (Linux), or the default. */
function ephemeralLow(): number {
  try {
    const text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    const low = Number(text.trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > LOWEST_PORT + 1000 ? low : DEFAULT_EPHEMERAL_LOW
  } catch {
    return DEFAULT_EPHEMERAL_LOW
  }
}

const RANGE_END = ephemeralLow()
// Ports this process handed out: not offered twice even before their owner binds them.
const handedOut = new Set<number>()

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => {
      resolve(false)
    })
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolve(true)
      })
    })
  })
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.unref()
    socket.once('error', () => {
      socket.close()
      resolve(false)
    })
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => {
      socket.close(() => {
        resolve(true)
      })
    })
  })
}

/**
 * freePort finds a port on 127.0.0.1 that is free for both TCP and UDP (a gossip listener needs
 * both), chosen at random below the ephemeral range so that neither this nor another test
 * process takes it by accident before a child process binds it.
 *
 * @returns the port.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (RANGE_END - LOWEST_PORT))
    if (handedOut.has(port)) {
      continue
    }
    if ((await tcpFree(port)) && (await udpFree(port))) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error(
    `no free port on 127.0.0.1 between ${LOWEST_PORT} and ${RANGE_END} after ${ATTEMPTS} tries`
  )
}
