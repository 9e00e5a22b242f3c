import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { LoggedProcess } from './logged-process.js'
import { freePort } from './ports.js'

/** PROMETHEUS_BIN is Debian's Prometheus 2.42 (package `prometheus`). */
export const PROMETHEUS_BIN = '/usr/bin/prometheus'

/** STOP_TIMEOUT_MS bounds a clean shutdown before stop() falls back to SIGKILL. */
const STOP_TIMEOUT_MS = 10_000

/** PrometheusOptions configure one Prometheus server for a test. */
export interface PrometheusOptions {
  /**
   * Base URLs of the Alertmanagers (e.g. `http://127.0.0.1:9093`) Prometheus sends every alert
   * to: one `alerting.alertmanagers` entry with api_version v2 and these as static targets.
   */
  readonly alertmanagers: readonly string[]
  /** Text of the rule file (written next to the config, listed in `rule_files`). */
  readonly rules: string
  /**
   * Global evaluation_interval, in Prometheus duration syntax.
   *
   * @default '1s'
   */
  readonly evaluationInterval?: string
  /** Extra flags. */
  readonly args?: readonly string[]
  /**
   * Extra keys of the `alertmanagers` entry, one per line, e.g. `scheme: https` or a
   * `basic_auth:` block (indented by two under the key).
   */
  readonly alertmanagerClient?: readonly string[]
}

/**
 * prometheusConfig renders the server config: no scrape jobs, one rule file and the
 * Alertmanagers as static v2 targets.
 *
 * @param rulesFile - absolute path of the rule file.
 * @param options - the Alertmanagers and the evaluation interval.
 * @returns the YAML text.
 */
function prometheusConfig(rulesFile: string, options: PrometheusOptions): string {
  const targets = options.alertmanagers.map((url) => `'${new URL(url).host}'`).join(', ')
  return `global:
  evaluation_interval: ${options.evaluationInterval ?? '1s'}
rule_files:
- ${rulesFile}
alerting:
  alertmanagers:
  - api_version: v2
${(options.alertmanagerClient ?? []).map((line) => `    ${line}\n`).join('')}    static_configs:
    - targets: [${targets}]
`
}

/**
 * Prometheus is a real Prometheus server process on 127.0.0.1 with its own config, rule file and
 * TSDB in a temp directory, started with --web.enable-lifecycle so tests can reload it.
 */
export class Prometheus extends LoggedProcess {
  readonly url: string
  readonly dir: string
  readonly rulesFile: string

  private constructor(url: string, dir: string, rulesFile: string, child: ChildProcess) {
    super(child)
    this.url = url
    this.dir = dir
    this.rulesFile = rulesFile
  }

  /**
   * start spawns Prometheus and waits until it answers /-/ready.
   *
   * @param options - Alertmanagers, rules and flags.
   * @returns the running server.
   */
  static async start(options: PrometheusOptions): Promise<Prometheus> {
    const dir = await mkdtemp(join(tmpdir(), 'alertmesh-prometheus-'))
    const rulesFile = join(dir, 'rules.yml')
    const configFile = join(dir, 'prometheus.yml')
    await writeFile(rulesFile, options.rules)
    await writeFile(configFile, prometheusConfig(rulesFile, options))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Alerts carry generatorURL links under this address instead of the host name.
        `--web.external-url=${url}/`,
        '--web.enable-lifecycle',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    const prometheus = new Prometheus(url, dir, rulesFile, child)
    await prometheus.untilReady(
      'prometheus',
      'prometheus ready',
      async () => (await fetch(`${url}/-/ready`)).ok,
      () => prometheus.stop()
    )
    return prometheus
  }

  /**
   * writeRules replaces the rule file; reload() applies it.
   *
   * @param rules - the YAML text.
   */
  async writeRules(rules: string): Promise<void> {
    await writeFile(this.rulesFile, rules)
  }

  /** reload asks for POST /-/reload, which returns once the config and rules are applied. */
  async reload(): Promise<void> {
    const res = await fetch(`${this.url}/-/reload`, { method: 'POST' })
    if (!res.ok) {
      throw new Error(`prometheus reload: ${res.status} ${await res.text()}`)
    }
  }

  /**
   * getJson fetches a path under the server's URL and parses JSON.
   *
   * @param path - e.g. `/api/v1/alertmanagers`.
   * @returns the parsed body.
   */
  async getJson<T = unknown>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`)
    if (!res.ok) {
      throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
    }
    return (await res.json()) as T
  }

  /**
   * stop sends SIGTERM (SIGKILL if it has not exited within 10 s), waits for the exit and
   * removes the temp dir.
   *
   * @returns the exit code, or the signal name when killed by one.
   */
  async stop(): Promise<number | string | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGTERM')
      const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await this.exited()
      clearTimeout(timer)
    }
    await rm(this.dir, { recursive: true, force: true })
    return this.process.exitCode ?? this.process.signalCode
  }
}

/**
 * httpsBasicAuthClient is the `alertmanagers` entry keys for nodes behind TLS and basic auth:
 * `scheme: https`, the credentials and the CA that signed the nodes' certificate.
 *
 * @param caFile - the CA certificate file.
 * @param username - the basic auth user.
 * @param password - its password.
 * @returns lines for {@link PrometheusOptions}' `alertmanagerClient`.
 */
export function httpsBasicAuthClient(caFile: string, username: string, password: string): string[] {
  return [
    'scheme: https',
    'basic_auth:',
    `  username: ${username}`,
    `  password: ${password}`,
    'tls_config:',
    `  ca_file: ${caFile}`,
  ]
}

/**
 * sampleValue reads one sample from a /metrics exposition (a node's or Prometheus's own).
 *
 * @param baseUrl - the server, e.g. a node's `url`.
 * @param series - the series exactly as exposed, e.g.
 *   `alertmanager_alerts_received_total{status="firing",version="v2"}`.
 * @returns the value, or 0 when the series is not exposed (yet).
 */
export async function sampleValue(baseUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}
