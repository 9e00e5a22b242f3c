#!/usr/bin/env node
// Bundles the alertmesh command (src/cli/main.ts) with esbuild into one CommonJS file,
// dist/bin/alertmesh.cjs. Node 20 loads one ES module per file, and resolving, reading and
// compiling ~550 small files of src and node_modules took most of the start-up time. One
// CommonJS file is read once, and V8 only pre-parses its module bodies (each is a function until
// first required) instead of compiling every ES module's top level; the modules behind
// `await import()` (the sub-commands, Consul mode) are not even run before they are needed. It
// measured faster to ready than ES module chunks with code splitting (320 vs 370 ms of CPU).
import { existsSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

import { build } from 'esbuild'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist', 'bin')
const main = join(out, 'alertmesh.cjs')

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
    plugins: [withoutBunyanMv],
    // Less source to scan at every start; names stay, so stack traces and logs read the same.
    minifyWhitespace: true,
    minifySyntax: true,
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
