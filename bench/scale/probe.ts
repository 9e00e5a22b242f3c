/**
 * The main thread's side of the /-/ready probe (ready-probe.ts): starts the worker, keeps its
 * samples, and summarises them per phase of the run.
 */
import { Worker } from 'node:worker_threads'

import type { ProbeConfig, ProbeSample } from './ready-probe.js'

/** LatencySummary is the distribution of the probes that started in one window. */
export interface LatencySummary {
  readonly samples: number
  readonly failed: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/**
 * percentile picks the value at rank ceil(q·n) of the sorted samples.
 *
 * @param sorted - ascending values.
 * @param q - 0..1.
 * @returns the value, or NaN for no samples.
 */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN
}

/**
 * ReadyProbe runs the probe worker against one target.
 */
export class ReadyProbe {
  readonly #worker: Worker
  readonly #samples: ProbeSample[] = []
  readonly #done: Promise<void>

  /**
   * @param config - the URL, interval and timeout.
   */
  constructor(config: ProbeConfig) {
    this.#worker = new Worker(new URL('./ready-probe.js', import.meta.url), { workerData: config })
    this.#done = new Promise((resolve, reject) => {
      this.#worker.on('message', (m: ProbeSample[] | 'done') => {
        if (m === 'done') {
          resolve()
        } else {
          this.#samples.push(...m)
        }
      })
      this.#worker.once('error', reject)
      this.#worker.once('exit', () => {
        resolve()
      })
    })
  }

  /** stop ends the probes and waits for the last samples. */
  async stop(): Promise<void> {
    this.#worker.postMessage('stop')
    await this.#done
    await this.#worker.terminate()
  }

  /**
   * summary describes the probes that started between two epoch times.
   *
   * @param fromMs - window start (epoch ms).
   * @param toMs - window end (epoch ms).
   * @returns the latency distribution.
   */
  summary(fromMs: number, toMs: number): LatencySummary {
    const inWindow = this.#samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs)
    const sorted = inWindow.map((s) => s.ms).sort((a, b) => a - b)
    return {
      samples: inWindow.length,
      failed: inWindow.filter((s) => !s.ok).length,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? Number.NaN,
    }
  }
}
