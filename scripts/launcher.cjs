#!/usr/bin/env node
// The alertmesh command: runs the bundle (alertmesh-bundle.cjs, next to this file) with the V8
// code cache the build wrote for it (alertmesh-bundle.cjs.cache). With the cache, V8 neither
// parses the 1.6 MB bundle nor compiles the functions a start runs through; it checks that the
// cache was made from this very source by this very V8 with the same flags, and otherwise
// rejects it, and the bundle is compiled from source as usual: a stale or missing cache costs
// time, never correctness. Node 20 has no built-in compile cache for CommonJS (that came in 22),
// hence this file. scripts/build-bundle.mjs copies it to dist/bin/alertmesh.cjs and writes the
// cache by starting one node to ready with ALERTMESH_WRITE_CODE_CACHE set.
'use strict'
const { readFileSync, writeFileSync } = require('node:fs')
const { createRequire, wrap } = require('node:module')
const { join } = require('node:path')
const { Script } = require('node:vm')

const bundle = join(__dirname, 'alertmesh-bundle.cjs')
const cacheFile = `${bundle}.cache`
// The bundle is ASCII (esbuild escapes everything else); latin1 decodes it without UTF-8 checks.
const source = readFileSync(bundle, 'latin1')
let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {
  // No cache: compile from source.
}
const script = new Script(wrap(source), { filename: bundle, cachedData })
if (process.env.ALERTMESH_WRITE_CODE_CACHE === '1') {
  // Written at exit, so the cache holds every function the start and the shutdown ran.
  process.once('exit', () => {
    writeFileSync(cacheFile, script.createCachedData())
  })
}
const bundleModule = { exports: {}, filename: bundle, id: bundle, loaded: false }
script
  .runInThisContext()
  .call(
    bundleModule.exports,
    bundleModule.exports,
    createRequire(bundle),
    bundleModule,
    bundle,
    __dirname
  )
