// Where the built alertmesh lives, building it when it is missing, and running its CLI.
import { execFile, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ScriptError, step } from './cli.mjs'

/** ROOT is the repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** MAIN_JS is the built alertmesh CLI. */
export const MAIN_JS = join(ROOT, 'dist', 'bin', 'alertmesh.cjs')

/** STANDIN_JS is the built Consul stand-in (compiled with the tests, by tsconfig.json). */
export const STANDIN_JS = join(ROOT, 'dist', 'test', 'support', 'consul-standin', 'main.js')

const UI_INDEX = join(ROOT, 'dist', 'ui', 'index.html')

/**
 * ensureBuilt builds alertmesh, its web UI and the test support (the Consul stand-in) when any
 * of them is missing from dist/. An existing dist/ is used as it is: rebuild after changing the
 * sources with `npx tsc -p tsconfig.json && node scripts/build-bundle.mjs && node scripts/build-ui.mjs`.
 */
export function ensureBuilt() {
  if ([MAIN_JS, STANDIN_JS, UI_INDEX].every((f) => existsSync(f))) {
    return
  }
  step('building (dist/ is missing): tsc, then the bundle and the web UI with esbuild')
  /** @type {[string, string[]][]} */
  const commands = [
    ['npx', ['tsc', '-p', 'tsconfig.json']],
    [process.execPath, ['scripts/build-bundle.mjs']],
    [process.execPath, ['scripts/build-ui.mjs']],
  ]
  for (const [command, args] of commands) {
    const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' })
    if (result.status !== 0) {
      throw new ScriptError(
        `${[command === process.execPath ? 'node' : command, ...args].join(' ')} failed; run \`npm install\` first if dependencies are missing`
      )
    }
  }
}

/**
 * runAlertmesh runs the alertmesh CLI to completion and collects its output.
 *
 * @param {string[]} args - e.g. `['config', 'status', '--consul.address=127.0.0.1:8500']`.
 * @param {NodeJS.ProcessEnv} [env] - its environment (default: this process's).
 * @returns {Promise<{code: number, stdout: string, stderr: string}>} how it ended.
 */
export function runAlertmesh(args, env = process.env) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [MAIN_JS, ...args],
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null && typeof err.code !== 'number') {
          reject(new ScriptError(`could not run alertmesh ${args[0] ?? ''}: ${err.message}`))
          return
        }
        resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr })
      }
    )
  })
}
