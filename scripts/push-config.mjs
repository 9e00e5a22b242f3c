#!/usr/bin/env node
// Validates a config and pushes it to the cluster's Consul KV, then shows the nodes applying it:
//
//   node scripts/push-config.mjs FILE [--template FILE]... [--consul ADDR] [--prefix P]
//                                [--wait [--timeout 60s]]
//
// Runs `alertmesh check-config FILE` (an invalid file stops here: exit 1, nothing written),
// `alertmesh config push FILE` (validates again with the templates, writes <prefix>/config with
// check-and-set) and `alertmesh config status`. --wait polls the status until every node that
// reports under <prefix>/status/ runs the pushed hash. Consul is --consul, else CONSUL_HTTP_ADDR;
// tokens and TLS come from the environment like the alertmesh CLI's (CONSUL_HTTP_TOKEN, ...).
import { ensureBuilt } from './lib/alertmesh.mjs'
import { durationOption, parseCommandLine, runMain, ScriptError } from './lib/cli.mjs'
import { checkAndPush, printStatus, waitForHash } from './lib/config-push.mjs'

const USAGE = `usage: node scripts/push-config.mjs FILE [--template FILE]... [--consul ADDR] [--prefix P]
                                    [--wait [--timeout 60s]]

Validates FILE (alertmesh check-config), pushes it to <prefix>/config in Consul (alertmesh
config push, check-and-set) and prints alertmesh config status.

  --template FILE  also push FILE to <prefix>/templates/<name> (repeatable)
  --consul ADDR    Consul's address (default: CONSUL_HTTP_ADDR)
  --prefix P       KV prefix (default: alertmesh)
  --wait           wait until every node reports the pushed config's hash
  --timeout D      how long --wait waits (default: 60s)
`

runMain(async () => {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    {
      template: { type: 'string', multiple: true },
      consul: { type: 'string' },
      prefix: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
    },
    USAGE
  )
  const file = positionals[0]
  if (file === undefined || positionals.length > 1) {
    throw new ScriptError(`push-config needs exactly one FILE\n\n${USAGE}`)
  }
  const timeoutMs = durationOption(values['timeout'], 'timeout', 60_000)
  const target = {
    address: /** @type {string | undefined} */ (values['consul']),
    prefix: /** @type {string | undefined} */ (values['prefix']),
    env: process.env,
  }
  ensureBuilt()
  const hash = await checkAndPush(
    file,
    /** @type {string[] | undefined} */ (values['template']) ?? [],
    target
  )
  if (values['wait'] === true) {
    await waitForHash(hash, target, timeoutMs)
  }
  const code = await printStatus(target)
  if (values['wait'] !== true && code !== 0) {
    process.stdout.write(
      `Pushed ${hash}; nodes not on it yet apply it within a second or two (--wait watches them).\n`
    )
    return 0
  }
  return code
})
