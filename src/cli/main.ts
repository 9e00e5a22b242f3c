#!/usr/bin/env node
// Entry point: parses flags and turns signals into reload and shutdown. Everything heavy is
// imported lazily so the HTTP listener is up quickly after exec (supervisors start the clock
// then), and so `check-config` does not load the server.
import { FlagError, parseCommandLine, usage } from './flags.js'
import { Listeners } from './listeners.js'
import { versionText } from './version.js'

function fail(message: string): never {
  process.stderr.write(`alertmesh: error: ${message}\n`)
  process.exit(1)
}

/** failFile stops on a file a flag names that cannot be honoured, in one line. */
function failFile(flag: string, path: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err)
  fail(`--${flag}=${path}: ${message.replace(/\n\s*/g, ' ')}`)
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'check-config') {
    const { checkConfig } = await import('./check-config.js')
    process.exitCode = await checkConfig(argv.slice(1), process.stdout)
    return
  }
  if (argv[0] === 'template' && argv[1] === 'render') {
    const { templateRender } = await import('./template-render.js')
    process.exitCode = templateRender(argv.slice(2), process.stdout, process.stderr)
    return
  }
  if (argv[0] === 'config') {
    const { configCommand } = await import('./config-command.js')
    process.exitCode = await configCommand(
      argv.slice(1),
      process.env,
      process.stdout,
      process.stderr
    )
    return
  }
  let command
  try {
    command = parseCommandLine(argv)
  } catch (err: unknown) {
    if (err instanceof FlagError) {
      fail(err.message)
    }
    throw err
  }
  if (command.kind === 'help') {
    process.stdout.write(usage())
    return
  }
  if (command.kind === 'version') {
    process.stdout.write(versionText())
    return
  }
  const { flags } = command
  // The web config is checked before binding, as the toolkit's Serve does: a file it refuses
  // (or a field Node's TLS cannot honour) stops the node with one line naming it.
  let web
  try {
    web =
      flags.webConfigFile === ''
        ? undefined
        : (await import('../web/index.js')).WebServer.open({ configFile: flags.webConfigFile })
  } catch (err: unknown) {
    failFile('web.config.file', flags.webConfigFile, err)
  }
  // The cluster TLS file is read before anything binds too, as Alertmanager 0.25 reads it
  // before creating the peer; its certificates are loaded only when clustering is on.
  let gossipTls
  if (flags.clusterTlsConfig !== '') {
    try {
      const { GossipTlsFiles, readClusterTlsConfig } = await import('../web/index.js')
      if (flags.clusterListenAddress === '') {
        readClusterTlsConfig(flags.clusterTlsConfig)
      } else {
        gossipTls = GossipTlsFiles.open(flags.clusterTlsConfig)
      }
    } catch (err: unknown) {
      failFile('cluster.tls-config', flags.clusterTlsConfig, err)
    }
  }
  // Bind first: the port answers while the server modules load and the config is built.
  let listeners
  try {
    listeners = await Listeners.bind(
      flags.webListenAddresses,
      web === undefined ? undefined : (handler) => web.createServer(handler)
    )
  } catch (err: unknown) {
    fail(
      `listening on ${flags.webListenAddresses.join(', ')} failed: ${err instanceof Error ? err.message : String(err)}`
    )
  }
  const [{ createLogger }, { startNode }] = await Promise.all([
    import('./logger.js'),
    import('./app.js'),
  ])
  const log = createLogger({ level: flags.logLevel, format: flags.logFormat })
  if (web !== undefined) {
    web.useLogger(log)
    log.info(
      { http2: web.http2, addresses: listeners.addresses },
      web.tls ? 'TLS is enabled.' : 'TLS is disabled.'
    )
  }
  let node
  try {
    node = await startNode(flags, log, listeners, gossipTls)
  } catch (err: unknown) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      'Starting alertmesh failed'
    )
    process.exit(1)
  }
  const running = node
  process.on('SIGHUP', () => {
    running.reload().catch(() => {
      // Already logged by the reloader; the old config keeps running.
    })
  })
  const shutdown = (signal: string): void => {
    log.info({ signal }, 'Received shutdown signal, exiting gracefully')
    running
      .stop()
      .then(() => {
        log.info('Shutdown complete')
        process.exit(0)
      })
      .catch((err: unknown) => {
        log.error({ err: String(err) }, 'Shutdown failed')
        process.exit(1)
      })
  }
  process.once('SIGTERM', () => {
    shutdown('SIGTERM')
  })
  process.once('SIGINT', () => {
    shutdown('SIGINT')
  })
}

main(process.argv.slice(2)).catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err))
})
