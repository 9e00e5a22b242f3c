// Runs the Consul stand-in as its own process, for manual use and for tests that drive a
// separate process through the /_standin/ control routes:
//
//   node dist/test/support/consul-standin/main.js [--listen 127.0.0.1:8500] [--acl-token T]...
//        [--datacenter dc1] [--node-name NAME] [--reap-interval-ms N] [--min-deregister-ms N]
//        [--check-update-interval-ms N] [--min-check-interval-ms N]
//
// It prints one line, `consul stand-in listening on http://127.0.0.1:PORT`, and runs until
// SIGTERM or SIGINT.

import { startConsulStandin } from './index.js'
import type { StandinOptions } from './index.js'

interface Parsed {
  options: StandinOptions
}

function usage(message: string): never {
  process.stderr.write(`consul stand-in: ${message}\n`)
  process.exit(2)
}

function parseArgs(argv: readonly string[]): Parsed {
  let port = 8500
  const tokens: string[] = []
  const numbers: Record<string, number> = {}
  let datacenter: string | undefined
  let nodeName: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    const value = (): string => {
      if (eq !== -1) {
        return arg.slice(eq + 1)
      }
      i += 1
      const next = argv[i]
      if (next === undefined) {
        usage(`${name} needs a value`)
      }
      return next
    }
    switch (name) {
      case '--listen': {
        const m = /^127\.0\.0\.1:(\d+)$/.exec(value())
        if (m === null) {
          usage('--listen takes 127.0.0.1:PORT (only the loopback address is allowed)')
        }
        port = Number(m[1])
        break
      }
      case '--acl-token':
        tokens.push(value())
        break
      case '--datacenter':
        datacenter = value()
        break
      case '--node-name':
        nodeName = value()
        break
      case '--reap-interval-ms':
      case '--min-deregister-ms':
      case '--check-update-interval-ms':
      case '--min-check-interval-ms': {
        const n = Number(value())
        if (!Number.isFinite(n) || n < 0) {
          usage(`${name} takes a non-negative number`)
        }
        numbers[name] = n
        break
      }
      default:
        usage(`unknown argument ${arg}`)
    }
  }
  const num = (flag: string): number | undefined => numbers[flag]
  const reapIntervalMs = num('--reap-interval-ms')
  const minDeregisterMs = num('--min-deregister-ms')
  const checkUpdateIntervalMs = num('--check-update-interval-ms')
  const minCheckIntervalMs = num('--min-check-interval-ms')
  return {
    options: {
      port,
      ...(tokens.length > 0 ? { aclTokens: tokens } : {}),
      ...(datacenter === undefined ? {} : { datacenter }),
      ...(nodeName === undefined ? {} : { nodeName }),
      ...(reapIntervalMs === undefined ? {} : { reapIntervalMs }),
      ...(minDeregisterMs === undefined ? {} : { minDeregisterMs }),
      ...(checkUpdateIntervalMs === undefined ? {} : { checkUpdateIntervalMs }),
      ...(minCheckIntervalMs === undefined ? {} : { minCheckIntervalMs }),
    },
  }
}

const { options } = parseArgs(process.argv.slice(2))
const standin = await startConsulStandin(options)
process.stdout.write(`consul stand-in listening on ${standin.url}\n`)

let stopping = false
const shutdown = (): void => {
  if (stopping) {
    return
  }
  stopping = true
  void standin.stop().then(() => {
    process.exit(0)
  })
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
