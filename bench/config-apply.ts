/**
 * Config propagation benchmark: how long a routing change takes to be applied by every node of
 * a 3-node deployment.
 *
 * - alertmesh: three nodes in Consul mode on the Consul stand-in; one `PUT <prefix>/config`
 *   (what `consul kv put alertmesh/config @alertmanager.yml` does). The clock runs from just
 *   before the PUT to each node's "Completed loading of configuration from Consul" log line
 *   (millisecond timestamps, same machine clock).
 * - Alertmanager 0.25 has no shared config, so the comparison is what operators run for it: write
 *   the file on each of the three nodes and POST /-/reload to each (in parallel, as a config
 *   management tool would); the clock runs until each reload answered 200.
 *
 * Rounds are --pause-ms apart (default 250). With --pause-ms=0 changes come faster than the 10
 * reads per second that each node's watch allows itself (Consul asks clients to rate-limit
 * blocking queries), so the tail then shows the rate limiter, not the propagation.
 *
 *   node dist/bench/config-apply.js [--rounds=50] [--pause-ms=250] [--targets=alertmanager,alertmesh]
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { freePort } from '#scripts/lib/ports.mjs'
import { httpOk, spawnUntilReady } from '#scripts/lib/ready.mjs'

import { startConsulStandin } from '../test/support/consul-standin/index.js'

import { median } from './lib/stats.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const ALERTMESH = [process.execPath, join(ROOT, 'dist', 'bin', 'alertmesh.cjs')]
const ALERTMANAGER = ['/usr/bin/prometheus-alertmanager']
const NODES = 3
const PREFIX = 'bench'

/** configText is a valid config whose group_wait differs per round, so every round changes routing. */
function configText(round: number): string {
  return `route:
  receiver: r
  group_by: [alertname]
  group_wait: ${1000 + round}ms
receivers:
- name: r
  webhook_configs:
  - url: http://127.0.0.1:9/hook
`
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

interface Proc {
  readonly child: ChildProcess
  readonly base: string
  readonly dir: string
  /** Everything the node printed so far (its JSON log). */
  readonly output: () => string
}

async function spawnNode(
  command: readonly string[],
  args: readonly string[],
  dir: string
): Promise<Proc> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const { child, output } = await spawnUntilReady(
    command[0] as string,
    [
      ...command.slice(1),
      ...args,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { name: 'node', check: () => httpOk(`${base}/-/ready`), timeoutMs: 20_000, intervalMs: 20 }
  )
  return { child, base, dir, output }
}

async function stopAll(procs: readonly Proc[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode === null) {
        p.child.kill('SIGTERM')
        await new Promise((done) => p.child.once('exit', done))
      }
    })
  )
}

/** appliedAt finds the log time at which a node applied the config with the given index. */
function appliedAt(proc: Proc, index: string): number | undefined {
  for (const line of proc.output().split('\n')) {
    if (!line.includes('Completed loading of configuration from Consul')) {
      continue
    }
    const entry = JSON.parse(line) as { time: string; index?: string }
    if (entry.index === index) {
      return Date.parse(entry.time)
    }
  }
  return undefined
}

async function benchAlertmesh(rounds: number, pauseMs: number, root: string): Promise<number[]> {
  const consul = await startConsulStandin()
  const put = async (text: string): Promise<void> => {
    const res = await fetch(`${consul.url}/v1/kv/${PREFIX}/config`, { method: 'PUT', body: text })
    if (!res.ok) {
      throw new Error(`PUT failed: ${res.status}`)
    }
  }
  await put(configText(0))
  const procs: Proc[] = []
  const samples: number[] = []
  try {
    for (let i = 0; i < NODES; i++) {
      const dir = join(root, `mesh-${i}`)
      procs.push(
        await spawnNode(
          ALERTMESH,
          [
            `--consul.address=${consul.address}`,
            `--consul.kv-prefix=${PREFIX}`,
            `--node.name=n${i}`,
            '--log.format=json',
          ],
          dir
        )
      )
    }
    for (let round = 1; round <= rounds; round++) {
      await sleep(pauseMs)
      const started = Date.now()
      await put(configText(round))
      const index = String(consul.kvSnapshot()[`${PREFIX}/config`]?.modifyIndex ?? '')
      const deadline = Date.now() + 10_000
      let times: (number | undefined)[] = []
      while (Date.now() < deadline) {
        times = procs.map((p) => appliedAt(p, index))
        if (times.every((t) => t !== undefined)) {
          break
        }
        await sleep(5)
      }
      if (!times.every((t) => t !== undefined)) {
        throw new Error(`round ${round}: not every node applied index ${index} within 10 s`)
      }
      samples.push(...times.map((t) => t - started))
      if (round % 10 === 0) {
        process.stdout.write(`[alertmesh] ${round}/${rounds} rounds\n`)
      }
    }
  } finally {
    await stopAll(procs)
    await consul.stop()
  }
  return samples
}

async function benchAlertmanager(rounds: number, pauseMs: number, root: string): Promise<number[]> {
  const procs: Proc[] = []
  const samples: number[] = []
  try {
    for (let i = 0; i < NODES; i++) {
      const dir = join(root, `am-${i}`)
      await writeFile(join(root, `am-${i}.yml`), configText(0))
      procs.push(await spawnNode(ALERTMANAGER, [`--config.file=${join(root, `am-${i}.yml`)}`], dir))
    }
    for (let round = 1; round <= rounds; round++) {
      await sleep(pauseMs)
      const started = Date.now()
      const times = await Promise.all(
        procs.map(async (p, i) => {
          await writeFile(join(root, `am-${i}.yml`), configText(round))
          const res = await fetch(`${p.base}/-/reload`, { method: 'POST' })
          if (!res.ok) {
            throw new Error(`reload failed: ${res.status} ${await res.text()}`)
          }
          return Date.now() - started
        })
      )
      samples.push(...times)
      if (round % 10 === 0) {
        process.stdout.write(`[alertmanager] ${round}/${rounds} rounds\n`)
      }
    }
  } finally {
    await stopAll(procs)
  }
  return samples
}

async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string])
  )
  if (args.has('help')) {
    process.stdout.write(
      'node dist/bench/config-apply.js [--rounds=50] [--pause-ms=250] [--targets=alertmanager,alertmesh]\n'
    )
    return
  }
  const rounds = Number(args.get('rounds') ?? 50)
  const pauseMs = Number(args.get('pause-ms') ?? 250)
  const targets = (args.get('targets') ?? 'alertmanager,alertmesh').split(',')
  const root = await mkdtemp(join(tmpdir(), 'bench-config-apply-'))
  const rows: string[] = []
  try {
    for (const target of targets) {
      let samples: number[]
      if (target === 'alertmesh') {
        samples = await benchAlertmesh(rounds, pauseMs, root)
      } else if (target === 'alertmanager') {
        samples = await benchAlertmanager(rounds, pauseMs, root)
      } else {
        throw new Error(`unknown target ${target}`)
      }
      rows.push(
        `| ${target} | ${target === 'alertmesh' ? 'PUT to Consul KV, nodes watch' : 'write file + POST /-/reload on each node'} | ${median(samples).toFixed(0)} | ${percentile(samples, 99).toFixed(0)} | ${Math.max(...samples).toFixed(0)} | ${samples.length} |`
      )
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  process.stdout.write(
    [
      '',
      `## Config change applied on ${NODES} nodes (${rounds} changes ${pauseMs} ms apart, ${new Date().toISOString()})`,
      '',
      '| target | how the change is made | p50 (ms) | p99 (ms) | max (ms) | samples |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n')
  )
}

main().catch((err: unknown) => {
  process.stderr.write(
    `config-apply benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`
  )
  process.exit(1)
})
