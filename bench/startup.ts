/**
 * Start-up benchmark: how long after exec a node serves HTTP (first 200 from /-/healthy) and is
 * ready (first 200 from /-/ready), for Alertmanager 0.25 and alertmesh in the same run, on the
 * same config. Supervisors and test harnesses start their clock at exec, so this does too.
 *
 *   node dist/bench/startup.js [--runs=10] [--targets=alertmanager,alertmesh]
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { median } from './lib/stats.js'
import { freePort } from './lib/target.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const COMMANDS: Record<string, readonly string[]> = {
  alertmanager: ['/usr/bin/prometheus-alertmanager'],
  alertmesh: [process.execPath, join(ROOT, 'dist', 'bin', 'alertmesh.js')],
}
const CONFIG = `route:
  receiver: r
  group_by: [alertname]
receivers:
- name: r
  webhook_configs:
  - url: http://127.0.0.1:9/hook
`

async function firstOk(url: string, deadline: number): Promise<boolean> {
  while (performance.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false
    )
    if (ok) {
      return true
    }
    await sleep(2)
  }
  return false
}

async function oneRun(
  command: readonly string[],
  dir: string
): Promise<{ servesMs: number; readyMs: number }> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const started = performance.now()
  const child = spawn(
    command[0] as string,
    [
      ...command.slice(1),
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, `data-${port}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' }
  )
  try {
    const deadline = started + 20_000
    if (!(await firstOk(`${base}/-/healthy`, deadline))) {
      throw new Error(`${command.join(' ')} did not serve /-/healthy within 20 s`)
    }
    const servesMs = performance.now() - started
    if (!(await firstOk(`${base}/-/ready`, deadline))) {
      throw new Error(`${command.join(' ')} did not get ready within 20 s`)
    }
    return { servesMs, readyMs: performance.now() - started }
  } finally {
    child.kill('SIGTERM')
    await new Promise((done) => child.once('exit', done))
  }
}

async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string])
  )
  const runs = Number(args.get('runs') ?? 10)
  const targets = (args.get('targets') ?? 'alertmanager,alertmesh').split(',')
  const dir = await mkdtemp(join(tmpdir(), 'bench-startup-'))
  await writeFile(join(dir, 'am.yml'), CONFIG)
  const rows: string[] = []
  const results: Record<string, { serves: number; ready: number }> = {}
  try {
    for (const target of targets) {
      const command = COMMANDS[target]
      if (command === undefined) {
        throw new Error(`unknown target ${target}`)
      }
      const serves: number[] = []
      const ready: number[] = []
      for (let i = 0; i < runs; i++) {
        const run = await oneRun(command, dir)
        serves.push(run.servesMs)
        ready.push(run.readyMs)
        process.stdout.write(
          `[${target}] run ${i + 1}/${runs}: serves HTTP after ${run.servesMs.toFixed(0)} ms, ready after ${run.readyMs.toFixed(0)} ms\n`
        )
      }
      results[target] = { serves: median(serves), ready: median(ready) }
      rows.push(
        `| ${target} | ${median(serves).toFixed(0)} | ${Math.max(...serves).toFixed(0)} | ${median(ready).toFixed(0)} | ${Math.max(...ready).toFixed(0)} |`
      )
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  process.stdout.write(
    [
      '',
      `## Start-up (${runs} runs each, ${new Date().toISOString()})`,
      '',
      '| target | serves HTTP, median (ms) | max (ms) | ready, median (ms) | max (ms) |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      'Target: alertmesh serves HTTP within 500 ms of exec.',
      '',
    ].join('\n')
  )
  const mesh = results['alertmesh']
  if (mesh !== undefined) {
    process.stdout.write(
      `alertmesh serves HTTP after ${mesh.serves.toFixed(0)} ms (median): target ${mesh.serves <= 500 ? 'met' : 'missed'}\n`
    )
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `startup benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`
  )
  process.exit(1)
})
