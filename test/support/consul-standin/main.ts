// Runs the Consul stand-in as its own process, for manual use and for tests that drive a
// separate process through the /_standin/ control routes:
//
//   node dist/test/support/consul-standin/main.js [--listen 127.0.0.1:8500] [--acl-token T]...
//        [--datacenter dc1] [--node-name NAME] [--reap-interval-ms N] [--min-deregister-ms N]
//        [--check-update-interval-ms N] [--min-check-interval-ms N]
//
// It prints one line, `consul stand-in listening on http://127.0.0.1:PORT`, and runs until
// SIGTERM or SIGINT. `--help` lists the flags. The flags are parsed like alertmesh's own.

import { FlagError, defineFlags } from '#src/cli/flag-set.js'

import { startConsulStandin } from './index.js'
import type { StandinOptions } from './index.js'

const STANDIN_FLAGS = defineFlags({
  listen: {
    kind: 'string',
    default: '127.0.0.1:8500',
    help: 'Address to listen on: 127.0.0.1:PORT (only the loopback address is allowed; port 0 picks a free one).',
  },
  'acl-token': {
    kind: 'strings',
    help: 'Turn ACLs on (default policy deny) and accept this management token (repeatable).',
  },
  datacenter: { kind: 'string', help: 'The one datacenter. (default: dc1)' },
  'node-name': { kind: 'string', help: 'The node name. (default: the host name)' },
  'reap-interval-ms': { kind: 'int', help: 'How often the reaper runs. (default: 30000)' },
  'min-deregister-ms': {
    kind: 'int',
    help: 'The floor for DeregisterCriticalServiceAfter. (default: 60000)',
  },
  'check-update-interval-ms': {
    kind: 'int',
    help: "Consul's check_update_interval; 0 syncs output-only check changes at once. (default: 300000)",
  },
  'min-check-interval-ms': {
    kind: 'int',
    help: 'The floor for HTTP check intervals. (default: 1000)',
  },
})

function usage(message: string): never {
  process.stderr.write(`consul stand-in: ${message}\n`)
  process.exit(2)
}

function parseArgs(argv: readonly string[]): StandinOptions {
  let parsed
  try {
    parsed = STANDIN_FLAGS.parse(argv, { stopAt: ['--help'] })
  } catch (err: unknown) {
    if (err instanceof FlagError) {
      usage(err.message)
    }
    throw err
  }
  if (parsed.stop !== undefined) {
    process.stdout.write(
      ['usage: consul-standin/main.js [<flags>]', '', 'Flags:', ...STANDIN_FLAGS.help(), ''].join(
        '\n'
      )
    )
    process.exit(0)
  }
  const { values } = parsed
  const m = /^127\.0\.0\.1:(\d+)$/.exec(values.listen)
  if (m === null) {
    usage('--listen takes 127.0.0.1:PORT (only the loopback address is allowed)')
  }
  const ms = (name: `${string}-ms` & keyof typeof values): number | undefined => {
    const n = values[name]
    if (n !== undefined && n < 0) {
      usage(`--${name} takes a non-negative number`)
    }
    return n
  }
  const reapIntervalMs = ms('reap-interval-ms')
  const minDeregisterMs = ms('min-deregister-ms')
  const checkUpdateIntervalMs = ms('check-update-interval-ms')
  const minCheckIntervalMs = ms('min-check-interval-ms')
  const tokens = values['acl-token']
  const { datacenter, 'node-name': nodeName } = values
  return {
    port: Number(m[1]),
    ...(tokens.length > 0 ? { aclTokens: tokens } : {}),
    ...(datacenter === undefined ? {} : { datacenter }),
    ...(nodeName === undefined ? {} : { nodeName }),
    ...(reapIntervalMs === undefined ? {} : { reapIntervalMs }),
    ...(minDeregisterMs === undefined ? {} : { minDeregisterMs }),
    ...(checkUpdateIntervalMs === undefined ? {} : { checkUpdateIntervalMs }),
    ...(minCheckIntervalMs === undefined ? {} : { minCheckIntervalMs }),
  }
}

const options = parseArgs(process.argv.slice(2))
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
