#!/usr/bin/env node
// The whole test suite, as the README and CI run it: installs the Debian packages the tests
// drive (Alertmanager 0.25 and amtool as oracles), checks format and lint, type-checks and
// builds everything (tsc, the bundled command, the web UI), then runs every test file with
// node's test runner.
//
//   npm test                 everything
//   npm test -- --only=unit  only test/unit (also: --only=e2e)
//   npm test -- --skip-lint  skip prettier/eslint (local iteration)
//   ALERTMESH_TEST_CONCURRENCY=1 npm test   one test file at a time (default: cores + 1)
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { run as runTests } from 'node:test'
import { spec, tap as tapReporter } from 'node:test/reporters'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const skipLint = args.includes('--skip-lint')

// Each step's wall time, printed as the next one starts, to see where CI's minutes go.
let stepStarted
function step(title) {
  if (stepStarted !== undefined) {
    process.stdout.write(`(${((Date.now() - stepStarted) / 1000).toFixed(1)} s)\n`)
  }
  stepStarted = Date.now()
  process.stdout.write(`\n==> ${title}\n`)
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) {
    process.stderr.write(
      `\n${command} ${commandArgs.join(' ')} failed (exit ${result.status ?? result.signal}).\n`
    )
    process.exit(result.status ?? 1)
  }
}

// Debian packages the tests need: Alertmanager 0.25 and amtool (oracle and client tests),
// Alertmanager's Go sources (the config schema is checked field by field against its structs),
// chromium, which playwright-core drives for the web UI tests, and Prometheus 2.42, which sends
// alerts to a cluster in the interop tests.
const DEBIAN = [
  { pkg: 'chromium', probe: '/usr/bin/chromium' },
  { pkg: 'prometheus-alertmanager', probe: '/usr/bin/amtool' },
  {
    pkg: 'golang-github-prometheus-alertmanager-dev',
    probe: '/usr/share/gocode/src/github.com/prometheus/alertmanager/config/config.go',
  },
  { pkg: 'prometheus', probe: '/usr/bin/prometheus' },
  // Go 1.19 and its sources build the template oracles: Go's own text/template and
  // html/template (their test tables are read from the sources), and Alertmanager 0.25's
  // template package.
  { pkg: 'golang-go', probe: '/usr/bin/go' },
  { pkg: 'golang-1.19-src', probe: '/usr/share/go-1.19/src/text/template/exec_test.go' },
  // The fault tests (test/e2e/faults) partition their network namespaces with nftables.
  { pkg: 'nftables', probe: '/usr/sbin/nft' },
  { pkg: 'iproute2', probe: '/usr/bin/ip' },
]

function ensureDebianPackages() {
  const missing = DEBIAN.filter((d) => !existsSync(d.probe)).map((d) => d.pkg)
  if (missing.length === 0) {
    return
  }
  step(`installing Debian packages: ${missing.join(', ')} (one-time, about a minute)`)
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `Not root: install them with\n  sudo apt-get install -y ${missing.join(' ')}\nand run the tests again.\n`
    )
    process.exit(1)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update', '-qq'], { env })
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })
}

/**
 * startInBackground runs a command without waiting for it, holding its output.
 *
 * @returns the command, its exit and its output, for finish().
 */
function startInBackground(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = []
  child.stdout.on('data', (chunk) => output.push(chunk))
  child.stderr.on('data', (chunk) => output.push(chunk))
  const exit = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: 1, error: err }))
    child.on('close', (code, signal) => resolve({ code: code ?? signal }))
  })
  return { command: `${command} ${commandArgs.join(' ')}`, exit, output }
}

/** finish waits for a background command, prints its output, and stops the run if it failed. */
async function finish(background) {
  const { code, error } = await background.exit
  process.stdout.write(Buffer.concat(background.output))
  if (code !== 0) {
    process.stderr.write(`\n${background.command} failed (${error?.message ?? `exit ${code}`}).\n`)
    process.exit(typeof code === 'number' && code !== 0 ? code : 1)
  }
}

function testFiles(dir) {
  if (!existsSync(dir)) {
    return []
  }
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      return testFiles(path)
    }
    return name.endsWith('.test.js') ? [path] : []
  })
}

ensureDebianPackages()
// eslint (typed rules, about a minute) runs on one core while prettier and the builds use the
// other; its output is held and printed when it ends, so the two do not interleave.
const lint = skipLint ? undefined : startInBackground('npx', ['eslint', '.'])
if (!skipLint) {
  step('format check (prettier), with eslint running alongside')
  run('npx', ['prettier', '--check', '--log-level=warn', '.'])
}
step('type-check and build (tsc)')
// A clean build: compiled tests of deleted sources must not linger in dist/ and run again.
rmSync(join(root, 'dist'), { recursive: true, force: true })
run('npx', ['tsc', '-p', 'tsconfig.json'])
// The e2e tests run the bundled command (dist/bin/alertmesh.cjs), as it ships.
step('bundle the alertmesh command (esbuild)')
run(process.execPath, ['scripts/build-bundle.mjs'])
step('type-check and bundle the web UI (tsc, esbuild)')
run('npx', ['tsc', '-p', 'src/ui/tsconfig.json'])
run(process.execPath, ['scripts/build-ui.mjs'])
if (lint !== undefined) {
  step('lint (eslint), started with the format check')
  await finish(lint)
}

/**
 * The slowest test files, longest first, with their seconds measured one at a time on the 2-core
 * machine. They start first: with two files in flight, a long file that starts late leaves one
 * core idle at the end of the run, while short files started last fill the gaps (longest
 * processing time first). Only the long ones need a place here; the others follow in path
 * order. The run ends by listing the slowest files, to keep this current.
 */
const SLOWEST_FIRST = [
  'e2e/memberlist-interop.test.js', // 87
  'e2e/cluster-takeover.test.js', // 48
  'e2e/faults/flapping-link.test.js', // 38
  'e2e/interop-prometheus.test.js', // 37
  'e2e/cluster.test.js', // 33
  'e2e/scripts.test.js', // 26
  'e2e/faults/consul-isolated.test.js', // 23
  'e2e/ui-silence-form.test.js', // 20
  'e2e/receivers/email-diff.test.js', // 18
  'e2e/receivers/cluster-receivers.test.js', // 17
  'e2e/rolling-restart.test.js', // 15
  'e2e/ui-alerts.test.js', // 15
  'e2e/faults/partition.test.js', // 14
  'e2e/faults/slow-peer.test.js', // 13
]

/**
 * longestFirst puts the files of SLOWEST_FIRST first, in its order, then the rest in path order,
 * which puts e2e (the longer files) before unit.
 */
function longestFirst(files) {
  const base = join(root, 'dist', 'test')
  const slow = SLOWEST_FIRST.map((name) => join(base, name))
  const gone = SLOWEST_FIRST.filter((name) => !files.includes(join(base, name)))
  if (only === undefined && gone.length > 0) {
    // A renamed or deleted file: the run goes on, but the list wants updating.
    process.stdout.write(`note: SLOWEST_FIRST names files that do not exist: ${gone.join(', ')}\n`)
  }
  return [
    ...slow.filter((f) => files.includes(f)),
    ...files.filter((f) => !slow.includes(f)).sort(),
  ]
}

const groups = only === undefined ? ['unit', 'e2e'] : [only]
const files = longestFirst(groups.flatMap((group) => testFiles(join(root, 'dist', 'test', group))))
if (files.length === 0) {
  process.stderr.write('no test files found under dist/test\n')
  process.exit(1)
}
step(`running ${files.length} test files, the slowest first`)
// e2e files mostly wait on timers and child processes, so one file more than there are cores
// runs at a time: on 2 cores, 3 files took the test step from 378 to 286 s with the same
// results. ALERTMESH_TEST_CONCURRENCY sets another number (1 to debug one file's output).
const concurrency = Number(process.env.ALERTMESH_TEST_CONCURRENCY ?? availableParallelism() + 1)
// A file that never ends (a server left listening after a failed before(), a hung child) is
// stopped and reported as timed out instead of holding the whole run until CI gives up. The
// slowest file takes about a minute on 2 cores.
const fileTimeoutMs = 10 * 60_000
const tapFile = join(root, 'dist', 'test-results.tap')
// node's run() rather than `node --test FILES`: node 20's command line sorts the files by path,
// which would undo longestFirst. Each file still runs in its own process, as with --test, in
// this process's working directory: the repository root, as before.
process.chdir(root)
const tests = runTests({ files, concurrency, timeout: fileTimeoutMs })
// As `node --test` decides its exit status: any failure that is not a todo, a timed-out or
// crashed file included.
let failed = false
tests.on('test:fail', (event) => {
  failed ||= event.todo === undefined || event.todo === false
})
// Each file's summed top-level test time, printed at the end to keep SLOWEST_FIRST current.
const fileMs = new Map()
for (const outcome of ['test:pass', 'test:fail']) {
  tests.on(outcome, (event) => {
    if (event.nesting === 0 && event.file !== undefined) {
      fileMs.set(event.file, (fileMs.get(event.file) ?? 0) + event.details.duration_ms)
    }
  })
}
await Promise.all([
  pipeline(tests.pipe(new PassThrough({ objectMode: true })), new spec(), process.stdout, {
    end: false,
  }),
  pipeline(
    tests.pipe(new PassThrough({ objectMode: true })),
    tapReporter,
    createWriteStream(tapFile)
  ),
])
// One plain closing line, whatever reporter a reader understands.
const tap = readFileSync(tapFile, 'utf8')
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0)
const slowest = [...fileMs]
  .sort(([, a], [, b]) => b - a)
  .slice(0, SLOWEST_FIRST.length + 4)
  .map(
    ([file, ms]) =>
      `${(ms / 1000).toFixed(1)} s ${file.slice(join(root, 'dist', 'test').length + 1)}`
  )
step('summary')
process.stdout.write(`slowest files (their tests' time):\n  ${slowest.join('\n  ')}\n`)
process.stdout.write(
  `\ntests: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped\n`
)
process.exit(failed ? 1 : 0)
