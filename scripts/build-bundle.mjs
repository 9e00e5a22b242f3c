#!/usr/bin/env node
// Bundles the alertmesh command (src/cli/main.ts) with esbuild into one CommonJS file,
// dist/bin/alertmesh-bundle.cjs, installs the launcher (scripts/launcher.cjs) as
// dist/bin/alertmesh.cjs, and writes the bundle's V8 code cache by starting one node to ready
// and stopping it. Node 20 loads one ES module per file, and resolving, reading and
// compiling ~550 small files of src and node_modules took most of the start-up time. One
// CommonJS file is read once, and V8 only pre-parses its module bodies (each is a function until
// first required) instead of compiling every ES module's top level; the modules behind
// `await import()` (the sub-commands, Consul mode) are not even run before they are needed. It
// measured faster to ready than ES module chunks with code splitting (320 vs 370 ms of CPU).
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

import { build } from 'esbuild'

import { freePort } from './lib/ports.mjs'
import { httpOk, spawnUntilReady } from './lib/ready.mjs'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist', 'bin')
const launcher = join(out, 'alertmesh.cjs')
const main = join(out, 'alertmesh-bundle.cjs')
const codeCache = `${main}.cache`

// Left to node_modules and loaded by require() at run time, when at all:
// - dtrace-provider: bunyan's optional native add-on;
// - ajv: only compiles the config schema when the pre-generated validator is stale;
// - iconv-lite: raw-body needs it only for a request body in a charset other than UTF-8, and
//   its 550 KB of code tables would otherwise be compiled at every start;
// - mime-db: a JSON file, which node parses much faster than the same data as JS source;
// - undici: imported on the first notification only (src/notify/http/dispatcher.ts); bundled,
//   its 760 KB would be pre-parsed at every start.
// - consul: the Consul client, used in Consul mode only (src/cli/consul-mode.ts).
const EXTERNAL = ['dtrace-provider', 'ajv', 'ajv/*', 'iconv-lite', 'mime-db', 'undici', 'consul']

/**
 * bunyan requires its optional `mv` at load, for rotating-file streams only; alertmesh logs to
 * stderr. mv brings rimraf, glob and minimatch, which took ~10 ms of every start, so the
 * bundle gets a module that throws instead, which bunyan handles as "mv not installed".
 *
 * @type {import('esbuild').Plugin}
 */
const withoutBunyanMv = {
  name: 'without-bunyan-mv',
  setup(b) {
    b.onResolve({ filter: /^mv$/ }, (args) =>
      args.importer.includes('/node_modules/bunyan/')
        ? { path: 'mv', namespace: 'without-bunyan-mv' }
        : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'without-bunyan-mv' }, () => ({
      contents: "throw new Error('mv is not bundled: alertmesh uses no rotating-file stream')",
      loader: 'js',
    }))
  },
}

/**
 * Modules a start does not need but whose importers require them at load. Each is replaced by
 * a module with the same functions and properties that requires the real one on first use:
 * - mime-types builds its lookup maps from mime-db's 200 KB JSON as it loads, and koa loads it
 *   (twice: koa and accepts pin different majors): ~10 ms. Nothing before ready needs a MIME
 *   type (src/api/app.ts sets its text responses' Content-Type as a header for that reason).
 * - iconv-lite (external, see EXTERNAL), which raw-body requires at load for the rare request
 *   body in a charset other than UTF-8: ~5 ms of resolving and compiling its files.
 */
const LAZY_MODULES = {
  'mime-types': {
    functions: ['charset', 'contentType', 'extension', 'lookup'],
    properties: ['charsets', 'extensions', 'types'],
  },
  'iconv-lite': {
    functions: ['decode', 'encode', 'encodingExists', 'getCodec', 'getDecoder', 'getEncoder'],
    properties: ['encodings'],
  },
}

/** @type {import('esbuild').Plugin} */
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const names = Object.keys(LAZY_MODULES).join('|')
    b.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) =>
      args.pluginData?.real === true
        ? undefined
        : { path: `${args.path}@${args.resolveDir}`, namespace: 'lazy-modules', pluginData: args }
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy-modules' }, (args) => {
      const { path, resolveDir } = args.pluginData
      const { functions, properties } = LAZY_MODULES[path]
      return {
        resolveDir,
        pluginData: { real: true },
        loader: 'js',
        contents: `let real
const load = () => (real ??= require(${JSON.stringify(path)}))
for (const name of ${JSON.stringify(functions)}) {
  exports[name] = (...a) => load()[name](...a)
}
for (const name of ${JSON.stringify(properties)}) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] })
}
`,
      }
    })
  },
}

/**
 * bunyan requires its optional dtrace-provider when it loads, and dtrace-provider has no native
 * part on Linux (there is no DTrace there): it hands back a stub after trying three build
 * directories, ~5 ms of every start. On Linux the bundle tells bunyan it is absent, which bunyan
 * handles by not firing probes, as with the stub; elsewhere the real (external) one is required.
 *
 * @type {import('esbuild').Plugin}
 */
const dtraceOnlyWhereItExists = {
  name: 'dtrace-only-where-it-exists',
  setup(b) {
    b.onResolve({ filter: /^dtrace-provider$/ }, (args) =>
      args.pluginData?.real === true
        ? undefined
        : { path: 'dtrace-provider', namespace: 'dtrace-provider', pluginData: args }
    )
    b.onLoad({ filter: /.*/, namespace: 'dtrace-provider' }, (args) => ({
      resolveDir: args.pluginData.resolveDir,
      pluginData: { real: true },
      loader: 'js',
      contents: `if (process.platform === 'linux') {
  throw new Error('dtrace-provider: Linux has no DTrace')
}
module.exports = require('dtrace-provider')
`,
    }))
  },
}

/**
 * prom-client's index requires its Pushgateway (https, zlib) and AggregatorRegistry (cluster,
 * child_process) at load; alertmesh uses neither, and Node compiles each of those built-ins at
 * ~1 ms apiece. Those two exports become getters that require on first use.
 *
 * @type {import('esbuild').Plugin}
 */
const lazyPromClientExtras = {
  name: 'lazy-prom-client-extras',
  setup(b) {
    b.onLoad({ filter: /node_modules\/prom-client\/index\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8')
      for (const [name, path] of [
        ['Pushgateway', './lib/pushgateway'],
        ['AggregatorRegistry', './lib/cluster'],
      ]) {
        const eager = `exports.${name} = require('${path}');`
        if (!contents.includes(eager)) {
          throw new Error(
            `prom-client/index.js no longer has \`${eager}\`: update ${name} in scripts/build-bundle.mjs`
          )
        }
        contents = contents.replace(
          eager,
          `Object.defineProperty(exports, '${name}', { enumerable: true, get: () => require('${path}') });`
        )
      }
      return { contents, loader: 'js' }
    })
  },
}

rmSync(out, { recursive: true, force: true })
let result
try {
  result = await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: main,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    plugins: [withoutBunyanMv, lazyModules, dtraceOnlyWhereItExists, lazyPromClientExtras],
    // Less source to scan at every start, and to hold: V8 keeps the bundle's source in memory
    // for as long as the node runs (to compile functions on first call), and minified
    // identifiers cut it from 2.0 to 1.5 MB (0.9 MiB less RSS at idle). keepNames keeps the
    // names of functions and classes, so stack traces and logs read the same.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // The sources are ES modules: import.meta.url becomes the bundle's own file URL, and
    // ui-files.ts is told where dist/ui is from dist/bin.
    define: { 'import.meta.url': '__alertmeshUrl', __ALERTMESH_UI_DIR__: '"../ui/"' },
    // The sources are strict (ES modules); the directive must come before the banner's code.
    banner: {
      js: "'use strict'; const __alertmeshUrl = require('node:url').pathToFileURL(__filename).href;",
    },
  })
} catch {
  process.stderr.write(
    'bundle failed (errors above); fix the source and run `npm run build` again\n'
  )
  process.exit(1)
}

if (!existsSync(main)) {
  process.stderr.write(`bundle did not produce ${main}\n`)
  process.exit(1)
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
process.stdout.write(
  `alertmesh bundled into ${relative(root, main)}: ${(bytes / 1024 / 1024).toFixed(1)} MB with its source map\n`
)

// esbuild keeps the entry's `#!` line; the launcher compiles the bundle as a function body,
// where it is a syntax error. A comment in its place keeps the source map's lines.
const bundled = readFileSync(main, 'latin1')
if (bundled.startsWith('#!')) {
  writeFileSync(main, `//${bundled.slice(2)}`, 'latin1')
}
copyFileSync(join(root, 'scripts', 'launcher.cjs'), launcher)
chmodSync(launcher, 0o755)
await writeCodeCache()

/**
 * writeCodeCache starts the command once, on a one-receiver config, waits for /-/ready, and
 * stops it; the launcher writes the code cache as the process exits (ALERTMESH_WRITE_CODE_CACHE).
 */
async function writeCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'alertmesh-code-cache-'))
  try {
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      'route:\n  receiver: r\nreceivers:\n- name: r\n  webhook_configs:\n  - url: http://127.0.0.1:9/\n'
    )
    const port = await freePort()
    // The launcher writes the code cache as the process exits, hence the SIGTERM once ready.
    const started = await spawnUntilReady(
      process.execPath,
      [
        launcher,
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      {
        name: 'alertmesh',
        check: () => httpOk(`http://127.0.0.1:${port}/-/ready`),
        env: { ...process.env, ALERTMESH_WRITE_CODE_CACHE: '1' },
        intervalMs: 20,
      }
    ).catch((/** @type {unknown} */ err) => (err instanceof Error ? err.message : String(err)))
    let why = ''
    if (typeof started === 'string') {
      why = started
    } else {
      started.child.kill('SIGTERM')
      await started.exited
      why = started.output()
    }
    if (typeof started === 'string' || !existsSync(codeCache)) {
      process.stderr.write(
        `the built command did not start (so no code cache was written):\n${why}\n` +
          `run \`node ${relative(root, launcher)} --config.file=scripts/example/alertmanager.yml\` to see why\n`
      )
      process.exit(1)
    }
    process.stdout.write(
      `code cache written to ${relative(root, codeCache)}: ${(statSync(codeCache).size / 1024 / 1024).toFixed(1)} MB\n`
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
