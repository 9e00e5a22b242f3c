// A node inside the test's own process, for tests of handler logic (validation, status codes,
// filters, response shapes): the same composition root as the command (startNode in
// src/cli/app.ts), fed the flags the command would parse, on a listener bound to an ephemeral
// port that serves koa's app.callback(). What needs a real process (start-up, signals, the
// bundle, amtool and Prometheus talking to it, clustering) stays in test/e2e.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'

import type { RunningNode } from '#src/cli/app.js'
import { startNode } from '#src/cli/app.js'
import { parseCommandLine } from '#src/cli/flags.js'
import { Listeners } from '#src/cli/listeners.js'
import { createLogger } from '#src/cli/logger.js'

/** InProcessOptions configure one in-process node. */
export interface InProcessOptions {
  /** YAML config text, written to the node's config file. */
  readonly config: string
  /** Extra command-line flags, as the command takes them (e.g. `--web.timeout=1s`). */
  readonly args?: readonly string[]
}

/**
 * InProcessNode is a node wired by startNode in this process, with its own config file and
 * storage dir and no clustering. Its log lines (JSON, one a line) are kept in `logs`. Talk to
 * it over HTTP at `url`, with the calls of test/support/node-api.ts.
 *
 * @example
 *   const node = teardown.stop(await InProcessNode.start({ config: CONFIG }))
 *   const res = await postAlerts(node.url, [{ labels: { alertname: 'A' } }])
 */
export class InProcessNode {
  readonly url: string
  readonly dir: string
  readonly configFile: string
  readonly logs: readonly string[]
  readonly #node: RunningNode
  readonly #listeners: Listeners

  private constructor(
    node: RunningNode,
    listeners: Listeners,
    dir: string,
    configFile: string,
    logs: string[]
  ) {
    this.#node = node
    this.#listeners = listeners
    this.url = `http://${node.addresses[0] ?? ''}`
    this.dir = dir
    this.configFile = configFile
    this.logs = logs
  }

  /**
   * start writes the config, wires a node and serves it on 127.0.0.1 at a free port.
   *
   * @param options - config and extra flags.
   * @returns the running node, with its config applied.
   * @throws when a flag or the config is refused, as the command would exit.
   */
  static async start(options: InProcessOptions): Promise<InProcessNode> {
    const dir = await mkdtemp(join(tmpdir(), 'alertmesh-inproc-'))
    const configFile = join(dir, 'alertmanager.yml')
    const logs: string[] = []
    try {
      await writeFile(configFile, options.config)
      const command = parseCommandLine(
        [
          `--config.file=${configFile}`,
          `--storage.path=${join(dir, 'data')}`,
          '--web.listen-address=127.0.0.1:0',
          '--cluster.listen-address=',
          '--log.format=json',
          ...(options.args ?? []),
        ],
        // The test machine's CONSUL_HTTP_* variables must not turn this node into a Consul one.
        {}
      )
      if (command.kind !== 'run') {
        throw new Error(`InProcessNode needs node flags, got ${command.kind}`)
      }
      const out = new Writable({
        write(chunk: Buffer, _encoding, done): void {
          logs.push(...chunk.toString().split('\n').filter(Boolean))
          done()
        },
      })
      const log = createLogger({ level: command.flags.logLevel, format: 'json', out })
      const listeners = await Listeners.bind(command.flags.webListenAddresses)
      let node: RunningNode
      try {
        node = await startNode(command.flags, log, listeners)
      } catch (err: unknown) {
        await listeners.close()
        throw err
      }
      return new InProcessNode(node, listeners, dir, configFile, logs)
    } catch (err: unknown) {
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** stop shuts the node down as SIGTERM would, then removes its directory. */
  async stop(): Promise<void> {
    // The tests are done with the node, so its connections go first. The listeners would end
    // them only after 2 s, on an unref'd timer, and a request refused half-read (413) leaves a
    // paused socket that holds no event loop reference: the test's loop would drain before the
    // node finished stopping. (A process has other handles that keep it alive.)
    for (const server of this.#listeners.servers) {
      // HTTP/1 servers only; the in-process node is never given a web config (TLS, HTTP/2).
      if ('closeAllConnections' in server) {
        server.closeAllConnections()
      }
    }
    await this.#node.stop()
    await rm(this.dir, { recursive: true, force: true })
  }
}
