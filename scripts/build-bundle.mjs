#!/usr/bin/env node
// Bundles the alertmesh command (src/cli/main.ts) with esbuild into dist/bin/alertmesh.js plus
// chunks in dist/bin/chunks/. Node 20 loads one ES module per file, and resolving, reading and
// compiling ~600 small files of src and node_modules took most of the start-up time; a few
// minified chunks are read and compiled in a fraction of that. Code splitting keeps every
// `await import()` a separate chunk, so what a node needs only later (undici for notifications,
// the Consul client, the sub-commands) is not even compiled before /-/ready.
import { existsSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

import { build } from 'esbuild'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist', 'bin')

// Left to node_modules and loaded by require() at run time, when at all:
// - dtrace-provider: bunyan's optional native add-on;
// - ajv: only compiles the config schema when the pre-generated validator is stale;
// - iconv-lite: raw-body needs it only for a request body in a charset other than UTF-8, and
//   its 550 KB of code tables would otherwise be compiled at every start;
// - mime-db: a JSON file, which node parses much faster than the same data as JS source;
// - undici: imported on the first notification only (src/notify/http/dispatcher.ts). A CommonJS
//   package behind `await import()` becomes a chunk with a default export only, so its named
//   exports would be missing; node's own loader gives them.
const EXTERNAL = ['dtrace-provider', 'ajv', 'ajv/*', 'iconv-lite', 'mime-db', 'undici']

rmSync(out, { recursive: true, force: true })
let result
try {
  result = await build({
    absWorkingDir: root,
    entryPoints: { alertmesh: 'src/cli/main.ts' },
    outdir: out,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Less source to scan at every start; names stay, so stack traces and logs read the same.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // CommonJS dependencies call require(); an ES module has none, so the bundle makes one.
    banner: {
      js: "import { createRequire as __alertmeshCreateRequire } from 'node:module'; const require = __alertmeshCreateRequire(import.meta.url);",
    },
  })
} catch {
  process.stderr.write(
    'bundle failed (errors above); fix the source and run `npm run build` again\n'
  )
  process.exit(1)
}

// ui-files.ts finds the web UI at ../../ui/ from its own file: dist/src/cli/ for tsc's output,
// so its chunk must sit two folders below dist/ too.
const uiChunk = Object.entries(result.metafile.outputs).find(
  ([, output]) => output.inputs['src/cli/ui-files.ts'] !== undefined
)?.[0]
if (uiChunk === undefined || !uiChunk.startsWith('dist/bin/chunks/')) {
  process.stderr.write(
    `src/cli/ui-files.ts landed in ${uiChunk ?? 'no chunk'}, not dist/bin/chunks/: the UI would not be found\n`
  )
  process.exit(1)
}
const main = join(out, 'alertmesh.js')
if (!existsSync(main)) {
  process.stderr.write(`bundle did not produce ${main}\n`)
  process.exit(1)
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
process.stdout.write(
  `alertmesh bundled in ${relative(root, out)}: ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB with source maps\n`
)
