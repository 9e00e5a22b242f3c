// Consul for tests: a real `consul agent -dev` when one is available and wanted, otherwise the
// in-repo stand-in (test/support/consul-standin/). Suites written against startConsulForTests()
// therefore double as a conformance check of the stand-in against real Consul.
//
// Which one runs:
//   ALERTMESH_TEST_CONSUL=agent    a real agent; `consul` must be on PATH (the suite fails if not)
//   ALERTMESH_TEST_CONSUL=standin  always the stand-in
//   unset                          a real agent if `consul` is on PATH, else the stand-in
//
// To run the suites against real Consul, put a consul binary (1.14 or newer, for
// -grpc-tls-port) on PATH and run
//   ALERTMESH_TEST_CONSUL=agent npm test
// or just the Consul suites:
//   npx tsc -p tsconfig.json && ALERTMESH_TEST_CONSUL=agent node --test \
//     dist/test/e2e/consul-conformance.test.js
// Tests that need stand-in features (fault injection, ACL tokens, a shortened reaper) use
// startConsulStandin() directly and always run against the stand-in.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

import { startConsulStandin } from './consul-standin/index.js'
import type { ConsulStandin, StandinOptions } from './consul-standin/index.js'
import { freePort } from './ports.js'
import { untilReady } from './wait.js'

/** ConsulKind says what a ConsulUnderTest is. */
export type ConsulKind = 'standin' | 'agent'

/** ConsulUnderTest is a running Consul HTTP API on 127.0.0.1, real or stand-in. */
export interface ConsulUnderTest {
  readonly kind: ConsulKind
  /** `127.0.0.1:PORT`, as CONSUL_HTTP_ADDR takes it. */
  readonly address: string
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  /** The datacenter name. */
  readonly datacenter: string
  /**
   * restart stops Consul and starts it again on the same HTTP port. A dev agent keeps nothing,
   * so for kind 'agent' only `{ loseState: true }` is possible.
   */
  restart(options: { loseState: boolean }): Promise<void>
  /** stop ends it; idempotent. */
  stop(): Promise<void>
  /** The stand-in itself, for fault injection; undefined for a real agent. */
  readonly standin?: ConsulStandin
}

/** ConsulForTestsOptions are passed to the stand-in; a real agent ignores the test-only knobs. */
export type ConsulForTestsOptions = Pick<StandinOptions, 'datacenter' | 'nodeName'>

/**
 * findOnPath returns the absolute path of an executable on PATH.
 *
 * @param name - the executable's name.
 * @returns its path, or undefined.
 */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') {
      continue
    }
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * wantedKind decides between a real agent and the stand-in from ALERTMESH_TEST_CONSUL and PATH.
 *
 * @returns the kind, and the consul binary for an agent.
 */
export function wantedKind(): { kind: ConsulKind; binary?: string } {
  const choice = process.env['ALERTMESH_TEST_CONSUL'] ?? ''
  if (choice === 'standin') {
    return { kind: 'standin' }
  }
  const binary = findOnPath('consul')
  if (choice === 'agent') {
    if (binary === undefined) {
      throw new Error('ALERTMESH_TEST_CONSUL=agent but there is no consul binary on PATH')
    }
    return { kind: 'agent', binary }
  }
  if (choice !== '') {
    throw new Error(
      `ALERTMESH_TEST_CONSUL must be "agent" or "standin", not ${JSON.stringify(choice)}`
    )
  }
  return binary === undefined ? { kind: 'standin' } : { kind: 'agent', binary }
}

class DevAgent {
  readonly #binary: string
  readonly #datacenter: string
  readonly #nodeName: string | undefined
  readonly httpPort: number
  #child: ChildProcess | undefined
  #output = ''

  constructor(binary: string, httpPort: number, datacenter: string, nodeName: string | undefined) {
    this.#binary = binary
    this.httpPort = httpPort
    this.#datacenter = datacenter
    this.#nodeName = nodeName
  }

  async start(): Promise<void> {
    // -dev keeps everything in memory; every other port is either disabled or a free one so
    // parallel suites do not collide on Consul's defaults.
    const args = [
      'agent',
      '-dev',
      '-bind',
      '127.0.0.1',
      '-client',
      '127.0.0.1',
      '-http-port',
      String(this.httpPort),
      '-dns-port',
      '-1',
      '-grpc-port',
      '-1',
      '-grpc-tls-port',
      '-1',
      '-serf-lan-port',
      String(await freePort()),
      '-serf-wan-port',
      String(await freePort()),
      '-server-port',
      String(await freePort()),
      '-datacenter',
      this.#datacenter,
      ...(this.#nodeName === undefined ? [] : ['-node', this.#nodeName]),
    ]
    this.#output = ''
    const child = spawn(this.#binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    child.stdout.on('data', (chunk: Buffer) => (this.#output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (this.#output += chunk.toString()))
    const url = `http://127.0.0.1:${this.httpPort}`
    try {
      await untilReady(child, {
        name: 'consul agent',
        what: 'consul agent to elect itself leader',
        check: async () => {
          const res = await fetch(`${url}/v1/status/leader`)
          const leader: unknown = res.ok ? await res.json() : ''
          return typeof leader === 'string' && leader !== ''
        },
        output: () => this.#output,
        intervalMs: 100,
      })
    } catch (err: unknown) {
      await this.stop()
      throw err
    }
  }

  async stop(): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child?.exitCode !== null || child.signalCode !== null) {
      return
    }
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve()
      })
    )
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
}

/**
 * startConsulForTests starts Consul for a test suite: a real `consul agent -dev` (see the header
 * of this file for when) or the stand-in.
 *
 * @param options - datacenter and node name.
 * @returns the running Consul; stop() it in after().
 */
export async function startConsulForTests(
  options: ConsulForTestsOptions = {}
): Promise<ConsulUnderTest> {
  const wanted = wantedKind()
  const datacenter = options.datacenter ?? 'dc1'
  if (wanted.kind === 'standin' || wanted.binary === undefined) {
    const standin = await startConsulStandin(options)
    return {
      kind: 'standin',
      address: standin.address,
      url: standin.url,
      datacenter,
      restart: (o) => standin.restart(o),
      stop: () => standin.stop(),
      standin,
    }
  }
  const agent = new DevAgent(wanted.binary, await freePort(), datacenter, options.nodeName)
  await agent.start()
  const address = `127.0.0.1:${agent.httpPort}`
  return {
    kind: 'agent',
    address,
    url: `http://${address}`,
    datacenter,
    restart: async ({ loseState }) => {
      if (!loseState) {
        throw new Error(
          'a consul agent -dev keeps no state across restarts: restart({ loseState: false }) needs the stand-in'
        )
      }
      await agent.stop()
      await agent.start()
    },
    stop: () => agent.stop(),
  }
}
