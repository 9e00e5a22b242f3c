// Validating and pushing a config into Consul KV, and watching the nodes apply it, through the
// alertmesh CLI (`check-config`, `config push`, `config status`), so the scripts validate and
// write exactly as an operator typing those commands would.
import { runAlertmesh } from './alertmesh.mjs'
import { detail, ScriptError, seconds, step } from './cli.mjs'

/**
 * @typedef {object} ConsulTarget
 * @property {string | undefined} address - Consul's address; undefined means CONSUL_HTTP_ADDR.
 * @property {string | undefined} prefix - the KV prefix; undefined means alertmesh's default.
 * @property {NodeJS.ProcessEnv} env - the CLI's environment (tokens, TLS settings).
 */

/**
 * consulArgs turns a target into the CLI's Consul flags.
 *
 * @param {ConsulTarget} target - where.
 * @returns {string[]} the flags.
 */
function consulArgs(target) {
  return [
    ...(target.address === undefined ? [] : [`--consul.address=${target.address}`]),
    ...(target.prefix === undefined ? [] : [`--consul.kv-prefix=${target.prefix}`]),
  ]
}

/**
 * describe names the target in progress lines.
 *
 * @param {ConsulTarget} target - where.
 * @returns {string} e.g. `alertmesh/config in Consul at 127.0.0.1:8500`.
 */
export function describeTarget(target) {
  const address = target.address ?? target.env['CONSUL_HTTP_ADDR']
  return `${target.prefix ?? 'alertmesh'}/config in Consul at ${address ?? '?'}`
}

/**
 * checkAndPush validates FILE with `alertmesh check-config` and, only when it is valid, writes
 * it (and the templates) with `alertmesh config push`, which validates again with the
 * templates and writes with check-and-set.
 *
 * @param {string} file - the config file.
 * @param {string[]} templates - template files.
 * @param {ConsulTarget} target - where.
 * @returns {Promise<string>} the pushed config's hash (12 hex digits).
 */
export async function checkAndPush(file, templates, target) {
  if (target.address === undefined && (target.env['CONSUL_HTTP_ADDR'] ?? '') === '') {
    throw new ScriptError(
      'no Consul address: give --consul ADDR (e.g. 127.0.0.1:8500) or set CONSUL_HTTP_ADDR'
    )
  }
  step(`checking ${file} (alertmesh check-config)`)
  const check = await runAlertmesh(['check-config', file], target.env)
  detail(check.stdout + check.stderr)
  if (check.code !== 0) {
    // The validator's own words name the file, line and field: repeat them with the verdict.
    const reasons = [...check.stdout.matchAll(/ FAILED: (.*)/g)].map((m) => m[1]).join('; ')
    throw new ScriptError(
      `${reasons === '' ? `${file} is not a valid config (see above)` : reasons}\nNothing was pushed: ${describeTarget(target)} is unchanged. Fix the file and run again.`
    )
  }
  step(`pushing ${file} to ${describeTarget(target)} (alertmesh config push)`)
  const push = await runAlertmesh(
    ['config', 'push', file, ...templates.map((t) => `--template=${t}`), ...consulArgs(target)],
    target.env
  )
  detail(push.stdout + push.stderr)
  if (push.code !== 0) {
    throw new ScriptError(`alertmesh config push failed (see above); nothing was pushed`)
  }
  const hash = /\(hash ([0-9a-f]{12})/.exec(push.stdout)?.[1]
  if (hash === undefined) {
    throw new ScriptError(`alertmesh config push did not print the pushed hash:\n${push.stdout}`)
  }
  return hash
}

/**
 * @typedef {object} NodeRow
 * @property {string} node - the node name.
 * @property {string} hash - the hash it applied, `-` when none.
 * @property {string} problem - DRIFT and/or the error of its last refused config, or ''.
 */

/**
 * configStatus runs `alertmesh config status` and parses its table.
 *
 * @param {ConsulTarget} target - where.
 * @returns {Promise<{code: number, text: string, rows: NodeRow[]}>} its output.
 */
export async function configStatus(target) {
  const { code, stdout, stderr } = await runAlertmesh(
    ['config', 'status', ...consulArgs(target)],
    target.env
  )
  const lines = stdout.split('\n')
  const header = lines.findIndex((l) => l.startsWith('NODE '))
  const rows =
    header === -1
      ? []
      : lines
          .slice(header + 1)
          .filter((l) => l.trim() !== '')
          .map((l) => {
            // Columns: NODE HASH INDEX SOURCE APPLIED PROBLEM, separated by at least two spaces.
            const cells = l.split(/ {2,}/)
            return {
              node: cells[0] ?? '',
              hash: cells[1] ?? '',
              problem: cells.slice(5).join('  '),
            }
          })
  return { code, text: stdout + stderr, rows }
}

/**
 * printStatus prints `alertmesh config status` under a step line.
 *
 * @param {ConsulTarget} target - where.
 * @returns {Promise<number>} its exit code (1 while a node drifts or reports an error).
 */
export async function printStatus(target) {
  step('alertmesh config status')
  const status = await configStatus(target)
  detail(status.text)
  return status.code
}

/**
 * waitForHash polls `alertmesh config status` until every node that reports under
 * `<prefix>/status/` has applied `hash`, printing progress whenever it changes.
 *
 * @param {string} hash - the pushed config's hash.
 * @param {ConsulTarget} target - where.
 * @param {number} timeoutMs - how long to wait.
 */
export async function waitForHash(hash, target, timeoutMs) {
  step(`waiting up to ${seconds(timeoutMs)} for every node to apply ${hash}`)
  const start = Date.now()
  let last = ''
  for (;;) {
    const { rows } = await configStatus(target)
    const done = rows.filter((r) => r.hash === hash)
    const behind = rows.filter((r) => r.hash !== hash)
    const line =
      rows.length === 0
        ? 'no node has reported its config yet'
        : `${done.length}/${rows.length} nodes on ${hash}` +
          (behind.length === 0
            ? ''
            : `; waiting for ${behind
                .map((r) => `${r.node} (${r.hash}${r.problem === '' ? '' : `, ${r.problem}`})`)
                .join(', ')}`)
    if (line !== last) {
      detail(`+${seconds(Date.now() - start)}  ${line}`)
      last = line
    }
    if (rows.length > 0 && behind.length === 0) {
      return
    }
    if (Date.now() - start > timeoutMs) {
      throw new ScriptError(
        `not every node applied ${hash} within ${seconds(timeoutMs)}: ${line}. ` +
          'Check those nodes’ logs; a node that is gone for good keeps its status key ' +
          '(delete it with `consul kv delete <prefix>/status/<node>`).'
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
