/**
 * Start-up benchmark, Alertmanager 0.25 and alertmesh in the same run, on the same configs:
 *
 * - single: how long after exec one node (no cluster) serves HTTP (first 200 from /-/healthy)
 *   and is ready (first 200 from /-/ready), and its RSS at idle afterwards. Supervisors and
 *   test harnesses start their clock at exec, so this does too. With --settled-ms, RSS is read
 *   again that long after ready: a Node.js process holds its start-up garbage and its grown
 *   young generation until V8's memory reducer runs, ~8 s after start when nothing allocates,
 *   so the reading at --idle-ms is the start-up's peak and this one what an idle node keeps.
 * - cluster: three nodes with --cluster.peer listing all three, started one after another as
 *   Alertmanager's acceptance tests do (spawn node 1, wait for its /-/ready, then node 2, then
 *   node 3), from just before the first spawn until every node's /api/v2/status says `ready`
 *   with 3 peers.
 *
 * Goal (issue 13): alertmesh within 1.5x Alertmanager's median on both.
 *
 * A third target, node-http, is the floor for any Node.js program: `node` running nothing but an
 * HTTP server that answers 200 to every path (single-node measure only). What alertmesh takes
 * beyond it is alertmesh's own start-up.
 *
 *   node dist/bench/startup.js [--runs=10] [--cluster-runs=5] [--idle-ms=2000]
 *     [--settled-ms=0 (off; e.g. 15000)] [--targets=alertmanager,alertmesh,node-http] [--measures=single,cluster]
 *     [--json=FILE (the single-node medians, for bench/performance.ts)]
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { freePort } from '#scripts/lib/ports.mjs'
import { httpOk, untilReady } from '#scripts/lib/ready.mjs'

import { readMemory } from './lib/proc.js'
import { median } from './lib/stats.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const COMMANDS: Record<string, readonly string[]> = {
  alertmanager: ['/usr/bin/prometheus-alertmanager'],
  alertmesh: [process.execPath, join(ROOT, 'dist', 'bin', 'alertmesh.cjs')],
  'node-http': [
    process.execPath,
    '-e',
    `const flag = process.argv.find((a) => a.startsWith('--web.listen-address='))
const [host, port] = flag.slice(flag.indexOf('=') + 1).split(':')
require('node:http').createServer((req, res) => res.end('OK')).listen(Number(port), host)`,
    '--',
  ],
}
// Targets that run a whole Alertmanager; the floor has no cluster to measure.
const CLUSTER_TARGETS = new Set(['alertmanager', 'alertmesh'])
const CONFIG = `route:
  receiver: r
  group_by: [alertname]
receivers:
- name: r
  webhook_configs:
  - url: http://127.0.0.1:9/hook
`
const GOAL_RATIO = 1.5
const TIMEOUT_MS = 30_000

// Every node this benchmark started and has not stopped yet, killed when the run is interrupted.
const live = new Set<ChildProcess>()
let tempDir: string | undefined

function installCleanup(): void {
  const killAll = (): void => {
    for (const child of live) {
      child.kill('SIGKILL')
    }
    live.clear()
    if (tempDir !== undefined) {
      rmSync(tempDir, { recursive: true, force: true })
    }
  }
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\ninterrupted by ${signal}: killing the nodes\n`)
      killAll()
      process.exit(130)
    })
  }
}

function track(child: ChildProcess): ChildProcess {
  live.add(child)
  child.once('exit', () => {
    live.delete(child)
  })
  return child
}

/**
 * untilOk waits, polling every 2 ms so the measured time stays close to the moment it first
 * answers, until `url` answers 2xx; a node that exits first fails at once.
 */
function untilOk(child: ChildProcess, name: string, url: string, deadline: number): Promise<void> {
  return untilReady(child, {
    name,
    what: `${name} to answer ${new URL(url).pathname} within 30 s`,
    check: () => httpOk(url),
    timeoutMs: Math.max(0, deadline - performance.now()),
    intervalMs: 2,
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      done()
      return
    }
    child.once('exit', () => {
      done()
    })
    child.kill('SIGTERM')
  })
}

interface SingleRun {
  servesMs: number
  readyMs: number
  idleRssMiB: number
  /** RSS settledMs after ready; undefined when not asked for. */
  settledRssMiB: number | undefined
}

async function oneRun(
  command: readonly string[],
  dir: string,
  idleMs: number,
  settledMs: number
): Promise<SingleRun> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const started = performance.now()
  const child = track(
    spawn(
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
  )
  try {
    const deadline = started + TIMEOUT_MS
    await untilOk(child, command.join(' '), `${base}/-/healthy`, deadline)
    const servesMs = performance.now() - started
    await untilOk(child, command.join(' '), `${base}/-/ready`, deadline)
    const readyMs = performance.now() - started
    // Idle: nothing is sent to the node after ready; what it holds then is its baseline.
    await sleep(idleMs)
    const { rssMiB } = await readMemory(child.pid as number)
    let settledRssMiB: number | undefined
    if (settledMs > 0) {
      await sleep(Math.max(0, started + readyMs + settledMs - performance.now()))
      settledRssMiB = (await readMemory(child.pid as number)).rssMiB
    }
    return { servesMs, readyMs, idleRssMiB: rssMiB, settledRssMiB }
  } finally {
    await stop(child)
  }
}

interface ClusterStatus {
  cluster: { status: string; peers: unknown[] }
}

async function clusterReady(base: string): Promise<boolean> {
  try {
    const s = (await (await fetch(`${base}/api/v2/status`)).json()) as ClusterStatus
    return s.cluster.status === 'ready' && s.cluster.peers.length === 3
  } catch {
    return false
  }
}

async function clusterRun(target: string, command: readonly string[], dir: string) {
  const web = await Promise.all([0, 1, 2].map(() => freePort()))
  const gossip = await Promise.all([0, 1, 2].map(() => freePort()))
  const children: ChildProcess[] = []
  const bases = web.map((port) => `http://127.0.0.1:${port}`)
  const started = performance.now()
  const deadline = started + TIMEOUT_MS
  try {
    const readyAt: number[] = []
    for (const i of [0, 1, 2]) {
      children.push(
        track(
          spawn(
            command[0] as string,
            [
              ...command.slice(1),
              `--config.file=${join(dir, 'am.yml')}`,
              `--storage.path=${join(dir, `${target}-${web[i] as number}`)}`,
              `--web.listen-address=127.0.0.1:${web[i] as number}`,
              `--cluster.listen-address=127.0.0.1:${gossip[i] as number}`,
              ...gossip.map((g) => `--cluster.peer=127.0.0.1:${g}`),
              ...(target === 'alertmesh' ? [`--node.name=n${i}`] : []),
            ],
            { stdio: 'ignore' }
          )
        )
      )
      const node = children[i] as ChildProcess
      await untilOk(node, `${target} node ${i}`, `${bases[i] as string}/-/ready`, deadline)
      readyAt.push(performance.now() - started)
    }
    while (performance.now() < deadline) {
      const ok = await Promise.all(bases.map(clusterReady))
      if (ok.every(Boolean)) {
        return { thirdReadyMs: readyAt[2] as number, settledMs: performance.now() - started }
      }
      await sleep(5)
    }
    throw new Error(`${target}: the 3 nodes did not all see 3 peers and "ready" within 30 s`)
  } finally {
    await Promise.all(children.map(stop))
  }
}

function ratioText(mesh: number | undefined, am: number | undefined): string {
  if (mesh === undefined || am === undefined) {
    return 'n/a'
  }
  const r = mesh / am
  return `${r.toFixed(2)}x (goal <= ${GOAL_RATIO}x: ${r <= GOAL_RATIO ? 'met' : 'missed'})`
}

async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string])
  )
  const runs = Number(args.get('runs') ?? 10)
  const clusterRuns = Number(args.get('cluster-runs') ?? 5)
  const idleMs = Number(args.get('idle-ms') ?? 2000)
  const settledMs = Number(args.get('settled-ms') ?? 0)
  const targets = (args.get('targets') ?? 'alertmanager,alertmesh,node-http').split(',')
  const measures = (args.get('measures') ?? 'single,cluster').split(',')
  const jsonFile = args.get('json')
  for (const target of targets) {
    if (COMMANDS[target] === undefined) {
      throw new Error(`unknown target ${target}`)
    }
  }
  installCleanup()
  const dir = await mkdtemp(join(tmpdir(), 'bench-startup-'))
  tempDir = dir
  await writeFile(join(dir, 'am.yml'), CONFIG)
  const single: Record<string, { serves: number; ready: number; rss: number; rows: string }> = {}
  const cluster: Record<string, { settled: number; rows: string }> = {}
  try {
    // Runs alternate between the targets, so a burst of load on the machine hits both alike.
    if (measures.includes('single')) {
      const samples = new Map(
        targets.map((t) => [
          t,
          {
            serves: [] as number[],
            ready: [] as number[],
            rss: [] as number[],
            settled: [] as number[],
          },
        ])
      )
      for (let i = 0; i < runs; i++) {
        for (const target of targets) {
          const run = await oneRun(COMMANDS[target] as readonly string[], dir, idleMs, settledMs)
          const s = samples.get(target) as Record<'serves' | 'ready' | 'rss' | 'settled', number[]>
          s.serves.push(run.servesMs)
          s.ready.push(run.readyMs)
          s.rss.push(run.idleRssMiB)
          if (run.settledRssMiB !== undefined) {
            s.settled.push(run.settledRssMiB)
          }
          const settledText =
            run.settledRssMiB === undefined
              ? ''
              : `, ${run.settledRssMiB.toFixed(1)} MiB ${settledMs} ms after ready`
          process.stdout.write(
            `[${target}] run ${i + 1}/${runs}: serves HTTP after ${run.servesMs.toFixed(0)} ms, ready after ${run.readyMs.toFixed(0)} ms, RSS at idle ${run.idleRssMiB.toFixed(1)} MiB${settledText}\n`
          )
        }
      }
      for (const [target, s] of samples) {
        single[target] = {
          serves: median(s.serves),
          ready: median(s.ready),
          rss: median(s.rss),
          rows: `| ${target} | ${median(s.serves).toFixed(0)} | ${median(s.ready).toFixed(0)} | ${Math.max(...s.ready).toFixed(0)} | ${median(s.rss).toFixed(1)} |${settledMs > 0 ? ` ${median(s.settled).toFixed(1)} |` : ''}`,
        }
      }
    }
    if (measures.includes('cluster')) {
      const clusterTargets = targets.filter((t) => CLUSTER_TARGETS.has(t))
      const samples = new Map(
        clusterTargets.map((t) => [t, { third: [] as number[], all: [] as number[] }])
      )
      for (let i = 0; i < clusterRuns; i++) {
        for (const target of clusterTargets) {
          const run = await clusterRun(target, COMMANDS[target] as readonly string[], dir)
          const s = samples.get(target) as { third: number[]; all: number[] }
          s.third.push(run.thirdReadyMs)
          s.all.push(run.settledMs)
          process.stdout.write(
            `[${target}] cluster run ${i + 1}/${clusterRuns}: node 3 ready after ${run.thirdReadyMs.toFixed(0)} ms, 3 peers and ready on every node after ${run.settledMs.toFixed(0)} ms\n`
          )
        }
      }
      for (const [target, s] of samples) {
        cluster[target] = {
          settled: median(s.all),
          rows: `| ${target} | ${median(s.third).toFixed(0)} | ${median(s.all).toFixed(0)} | ${Math.max(...s.all).toFixed(0)} |`,
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const lines = ['', `## Start-up (${new Date().toISOString()})`, '']
  if (Object.keys(single).length > 0) {
    lines.push(
      `One node, no cluster (${runs} runs each):`,
      '',
      '| target | serves HTTP, median (ms) | ready, median (ms) | ready, max (ms) | RSS at idle, median (MiB) |' +
        (settledMs > 0 ? ` RSS ${settledMs} ms after ready, median (MiB) |` : ''),
      `|---|---|---|---|---|${settledMs > 0 ? '---|' : ''}`,
      ...Object.values(single).map((s) => s.rows),
      ''
    )
  }
  if (Object.keys(cluster).length > 0) {
    lines.push(
      `Three nodes started one after another (${clusterRuns} runs each):`,
      '',
      '| target | node 3 ready, median (ms) | all 3 ready with 3 peers, median (ms) | max (ms) |',
      '|---|---|---|---|',
      ...Object.values(cluster).map((s) => s.rows),
      ''
    )
  }
  const am = single['alertmanager']
  const mesh = single['alertmesh']
  if (am !== undefined && mesh !== undefined) {
    lines.push(
      `exec to /-/ready, alertmesh / alertmanager: ${ratioText(mesh.ready, am.ready)}; RSS at idle ${mesh.rss.toFixed(1)} MiB vs ${am.rss.toFixed(1)} MiB (${(mesh.rss / am.rss).toFixed(2)}x)`
    )
  }
  const floor = single['node-http']
  if (am !== undefined && floor !== undefined) {
    lines.push(
      `floor, a bare Node.js HTTP server / alertmanager: ${(floor.ready / am.ready).toFixed(2)}x` +
        (mesh === undefined
          ? ''
          : `; alertmesh's own start-up beyond that floor: ${(mesh.ready - floor.ready).toFixed(0)} ms`)
    )
  }
  const amCluster = cluster['alertmanager']
  const meshCluster = cluster['alertmesh']
  if (amCluster !== undefined && meshCluster !== undefined) {
    lines.push(
      `3-node cluster to 3 peers and ready, alertmesh / alertmanager: ${ratioText(meshCluster.settled, amCluster.settled)}`
    )
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  if (jsonFile !== undefined) {
    const figures = Object.fromEntries(
      Object.entries(single).map(([t, f]) => [
        t,
        { servesMs: f.serves, readyMs: f.ready, idleRssMiB: f.rss },
      ])
    )
    await writeFile(jsonFile, `${JSON.stringify({ runs, idleMs, single: figures }, null, 2)}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `startup benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`
  )
  process.exit(1)
})
