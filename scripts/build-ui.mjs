#!/usr/bin/env node
// Builds the web UI (src/ui) into dist/ui: one minified script bundled by esbuild, the
// stylesheet and the page. Everything is served by the node itself, so the UI works offline.
// Fails when the first load (page + script + stylesheet, gzipped) exceeds the 40 KB budget.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

import { build } from 'esbuild'

const root = new URL('..', import.meta.url).pathname
const source = join(root, 'src', 'ui')
const out = join(root, 'dist', 'ui')
const BUDGET_BYTES = 40 * 1024

mkdirSync(out, { recursive: true })
try {
  await build({
    entryPoints: [join(source, 'main.tsx')],
    outfile: join(out, 'script.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome105', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(source, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  })
} catch {
  process.stderr.write('UI build failed (errors above); fix src/ui and run `npm run build` again\n')
  process.exit(1)
}
copyFileSync(join(source, 'index.html'), join(out, 'index.html'))
copyFileSync(join(source, 'style.css'), join(out, 'style.css'))

const sizes = ['index.html', 'script.js', 'style.css'].map((name) => {
  const bytes = readFileSync(join(out, name))
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
})
const total = sizes.reduce((sum, s) => sum + s.gzip, 0)
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
process.stdout.write(
  `UI built in dist/ui: ${sizes.map((s) => `${s.name} ${kb(s.raw)} (${kb(s.gzip)} gz)`).join(', ')}; first load ${kb(total)} gzipped\n`
)
if (total > BUDGET_BYTES) {
  process.stderr.write(
    `The UI's first load is ${kb(total)} gzipped, over the ${kb(BUDGET_BYTES)} budget: drop a dependency or split the bundle.\n`
  )
  process.exit(1)
}
