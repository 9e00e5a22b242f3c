#!/usr/bin/env node
// npm run bench [-- --only=ingest --targets=alertmanager,alertmesh --duration=20 ...]
//
// Builds the project with `npx tsc -p tsconfig.json` and bundles the alertmesh command (what
// the benchmarks run, as it ships), then runs each compiled benchmark
// (dist/bench/<name>.js, one per bench/<name>.ts) in turn. `--only=a,b` picks benchmarks;
// every other argument is passed to each benchmark unchanged (`--help` lists their flags).
// tsc exits non-zero while other folders have type errors but still emits; only type errors
// in bench/ stop the run.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort()

let only = available
const passthrough = []
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--only=')) {
    only = arg
      .slice('--only='.length)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  } else {
    passthrough.push(arg)
  }
}
const unknown = only.filter((name) => !available.includes(name))
if (unknown.length > 0 || only.length === 0) {
  console.error(
    `run-bench: unknown benchmark(s) "${unknown.join(',')}"; available: ${available.join(', ')}`
  )
  process.exit(2)
}

console.log('run-bench: building (npx tsc -p tsconfig.json)...')
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' })
if (tsc.error !== undefined) {
  console.error(`run-bench: cannot run npx tsc: ${tsc.error.message}`)
  process.exit(1)
}
const tscLines = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l))
const benchErrors = tscLines.filter((l) => l.startsWith('bench/'))
if (benchErrors.length > 0) {
  console.error(`run-bench: type errors in bench/:\n${benchErrors.join('\n')}`)
  process.exit(1)
}
if (tsc.status !== 0) {
  console.log(
    `run-bench: tsc reported ${tscLines.length} type error(s) outside bench/; output was emitted, continuing`
  )
}

console.log('run-bench: bundling alertmesh (scripts/build-bundle.mjs)...')
const bundle = spawnSync(process.execPath, ['scripts/build-bundle.mjs'], {
  cwd: root,
  stdio: 'inherit',
})
if (bundle.status !== 0) {
  process.exit(1)
}

let exitCode = 0
for (const name of only) {
  const file = join(root, 'dist', 'bench', `${name}.js`)
  if (!existsSync(file)) {
    console.error(`run-bench: ${file} was not built`)
    exitCode = 1
    continue
  }
  console.log(`run-bench: node ${file} ${passthrough.join(' ')}`.trimEnd())
  const run = spawnSync(process.execPath, [file, ...passthrough], { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) {
    console.error(`run-bench: ${name} exited with ${run.status ?? run.signal}`)
    exitCode = run.status ?? 1
  }
}
process.exit(exitCode)
