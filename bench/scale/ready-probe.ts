/**
 * Worker thread of the scale benchmark: GET /-/ready on the target every `intervalMs`, one
 * request at a time, and post each latency to the main thread. It runs on its own thread so the
 * loader, the webhook sink and their garbage collection in the main thread do not show up as
 * target latency.
 */
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'

/** ProbeConfig is the worker's workerData. */
export interface ProbeConfig {
  /** e.g. `http://127.0.0.1:9093/-/ready`. */
  readonly url: string
  /** The time between the starts of two probes when each answers at once. */
  readonly intervalMs: number
  /** A probe that takes longer is recorded as failed with this latency. */
  readonly timeoutMs: number
}

/** ProbeSample is one probe: when it started (epoch ms), how long it took, and whether it got 200. */
export interface ProbeSample {
  readonly atMs: number
  readonly ms: number
  readonly ok: boolean
}

/** POST_EVERY is how many samples the worker collects before posting them in one message. */
const POST_EVERY = 25

/**
 * probeOnce sends one GET and waits for the whole answer.
 *
 * @param agent - a keep-alive agent, so probes time the server and not TCP set-up.
 * @param config - the URL and timeout.
 * @returns whether the answer was 200.
 */
function probeOnce(agent: Agent, config: ProbeConfig): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(config.url, { agent, timeout: config.timeoutMs }, (res) => {
      res.resume()
      res.on('end', () => {
        resolve(res.statusCode === 200)
      })
    })
    req.on('timeout', () => {
      req.destroy()
    })
    req.on('error', () => {
      resolve(false)
    })
    req.end()
  })
}

/**
 * run probes until the main thread sends 'stop', then posts the last samples and 'done'.
 *
 * @param config - from workerData.
 */
async function run(config: ProbeConfig): Promise<void> {
  const port = parentPort
  if (port === null) {
    throw new Error('ready-probe must run as a worker thread')
  }
  const state = { stopping: false }
  port.on('message', (m: unknown) => {
    if (m === 'stop') {
      state.stopping = true
    }
  })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let pending: ProbeSample[] = []
  while (!state.stopping) {
    const started = performance.now()
    const ok = await probeOnce(agent, config)
    const ms = performance.now() - started
    pending.push({ atMs: performance.timeOrigin + started, ms, ok })
    if (pending.length >= POST_EVERY) {
      port.postMessage(pending)
      pending = []
    }
    const wait = config.intervalMs - ms
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
  port.postMessage(pending)
  port.postMessage('done')
  agent.destroy()
}

void run(workerData as ProbeConfig)
