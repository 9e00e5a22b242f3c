#!/usr/bin/env node
// A local alertmesh cluster on 127.0.0.1, run the way production runs it (config from Consul
// KV, peers found through Consul), detached from this terminal:
//
//   node scripts/cluster.mjs start [--nodes 3] [--consul ADDR [--no-push]] [--config FILE]
//                                  [--template FILE]... [--dir .tmp/cluster] [--base-port P]
//                                  [--prefix alertmesh] [--timeout 90s]
//                                  [--web-config FILE --http-config FILE] [-- NODE FLAGS...]
//   node scripts/cluster.mjs status [--dir .tmp/cluster]
//   node scripts/cluster.mjs stop [--dir .tmp/cluster] [--timeout 15s]
//
// Without --consul, start runs the Consul stand-in (test/support/consul-standin) too. Each
// process logs to DIR/<name>.log; DIR/pids.json records them for status and stop.
import { ensureBuilt } from './lib/alertmesh.mjs'
import { durationOption, intOption, parseCommandLine, runMain, ScriptError } from './lib/cli.mjs'
import {
  assertNotRunning,
  clusterStatus,
  DEFAULT_CONFIG,
  DEFAULT_DIR,
  printCluster,
  resolvePath,
  startCluster,
  stopCluster,
} from './lib/cluster.mjs'

const USAGE = `usage: node scripts/cluster.mjs start [--nodes N] [--consul ADDR [--no-push]] [--config FILE]
                                     [--template FILE]... [--dir DIR] [--base-port P]
                                     [--prefix P] [--timeout D]
                                     [--web-config FILE --http-config FILE] [-- NODE FLAGS...]
       node scripts/cluster.mjs status [--dir DIR]
       node scripts/cluster.mjs stop [--dir DIR] [--timeout D]

Runs N alertmesh nodes on 127.0.0.1 in Consul mode, detached, named n0, n1, ...

  --nodes N        how many nodes (default: 3)
  --consul ADDR    use this Consul (default: start the Consul stand-in)
  --no-push        with --consul: do not push --config (the nodes use what Consul has)
  --config FILE    config pushed to <prefix>/config (default: scripts/example/alertmanager.yml)
  --template FILE  template pushed with it (repeatable)
  --dir DIR        logs, node storage and pids.json (default: .tmp/cluster in the repository)
  --base-port P    web ports P..P+N-1, cluster ports P+N..P+2N-1, stand-in P+2N
                   (default: free ports picked by the kernel)
  --prefix P       KV prefix and Consul service name (default: alertmesh)
  --timeout D      start: how long to wait for the cluster to form (default: 90s);
                   stop: how long to wait after SIGTERM before SIGKILL (default: 15s)
  --web-config F   --web.config.file for every node (TLS and basic auth for the API and UI)
  --http-config F  how start and status reach such nodes: amtool's --http.config.file
                   format (basic_auth, tls_config); recorded for status
  -- FLAGS         extra flags for every node, e.g. -- --cluster.peer-timeout=3s
`

runMain(async () => {
  const [command, ...argv] = process.argv.slice(2)
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return 0
  }
  const { values, positionals, rest } = parseCommandLine(
    argv,
    {
      nodes: { type: 'string' },
      consul: { type: 'string' },
      push: { type: 'boolean' },
      config: { type: 'string' },
      template: { type: 'string', multiple: true },
      dir: { type: 'string' },
      'base-port': { type: 'string' },
      prefix: { type: 'string' },
      timeout: { type: 'string' },
      'web-config': { type: 'string' },
      'http-config': { type: 'string' },
    },
    USAGE
  )
  if (positionals.length > 0) {
    throw new ScriptError(`unexpected argument ${positionals[0] ?? ''}\n\n${USAGE}`)
  }
  const dir = values['dir'] === undefined ? DEFAULT_DIR : resolvePath(String(values['dir']))
  switch (command) {
    case 'start': {
      const consul = /** @type {string | undefined} */ (values['consul'])
      if (values['push'] === false && consul === undefined) {
        throw new ScriptError(
          '--no-push needs --consul: the stand-in starts empty, so the config is always pushed to it'
        )
      }
      const abort = new AbortController()
      const options = {
        nodes: intOption(values['nodes'], 'nodes', 3) ?? 3,
        consul,
        config:
          values['config'] === undefined ? DEFAULT_CONFIG : resolvePath(String(values['config'])),
        templates: /** @type {string[] | undefined} */ (values['template']) ?? [],
        push: values['push'] !== false,
        dir,
        basePort: intOption(values['base-port'], 'base-port', undefined),
        prefix: /** @type {string | undefined} */ (values['prefix']) ?? 'alertmesh',
        nodeArgs: rest,
        ...(values['web-config'] === undefined
          ? {}
          : { webConfig: resolvePath(String(values['web-config'])) }),
        ...(values['http-config'] === undefined
          ? {}
          : { httpConfig: resolvePath(String(values['http-config'])) }),
        timeoutMs: durationOption(values['timeout'], 'timeout', 90_000),
        signal: abort.signal,
      }
      // Checked before building, so a second start answers at once.
      await assertNotRunning(dir)
      ensureBuilt()
      const interrupt = () => {
        abort.abort()
      }
      process.once('SIGINT', interrupt)
      process.once('SIGTERM', interrupt)
      const record = await startCluster(options)
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
      printCluster(record)
      return 0
    }
    case 'status':
      return await clusterStatus(dir)
    case 'stop':
      await stopCluster(dir, durationOption(values['timeout'], 'timeout', 15_000))
      return 0
    default:
      throw new ScriptError(
        `${command === undefined ? 'missing command' : `unknown command ${command}`}\n\n${USAGE}`
      )
  }
})
