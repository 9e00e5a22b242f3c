#!/usr/bin/env node
// `npm start`: builds alertmesh, starts a webhook receiver on 127.0.0.1:9099 that prints each
// notification, and runs one node on scripts/example/alertmanager.yml (no Consul needed).
// Web UI: http://127.0.0.1:9093/ ; API and metrics: http://127.0.0.1:9093/api/v2/status, /metrics.
// Try: amtool --alertmanager.url=http://127.0.0.1:9093 alert add alertname=Test severity=critical
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'

const root = new URL('..', import.meta.url).pathname
process.stdout.write('==> building (tsc, then the bundle and the web UI with esbuild)\n')
const build = spawnSync('npm', ['run', '--silent', 'build'], {
  cwd: root,
  stdio: 'inherit',
})
if (build.status !== 0) {
  process.stderr.write('build failed: run `npm ci` first if dependencies are missing\n')
  process.exit(1)
}

const receiver = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    const alerts = payload.alerts
      .map((a) => `${a.status} ${JSON.stringify(a.labels)}`)
      .join('\n    ')
    process.stdout.write(
      `[webhook ${req.url}] ${payload.status} group ${payload.groupKey}\n    ${alerts}\n`
    )
    res.end()
  })
})
receiver.on('error', (err) => {
  process.stderr.write(
    `example webhook receiver could not listen on 127.0.0.1:9099 (${err.message}); notifications will fail\n`
  )
})
receiver.listen(9099, '127.0.0.1')

const args = [
  'dist/bin/alertmesh.cjs',
  '--config.file=scripts/example/alertmanager.yml',
  '--storage.path=data/',
  '--web.listen-address=127.0.0.1:9093',
  '--cluster.listen-address=',
  ...process.argv.slice(2),
]
process.stdout.write(`==> node ${args.join(' ')}\n`)
const node = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
const stop = () => node.kill('SIGTERM')
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
node.on('exit', (code) => {
  receiver.close()
  process.exit(code ?? 0)
})
