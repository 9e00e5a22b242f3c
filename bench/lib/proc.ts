/**
 * Process facts read from /proc: resident memory of a process and its descendants, and how
 * the CPU time of the machine was shared between the target, the benchmark and everything else.
 */
import { readFile, readdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'

/** MemorySample is one reading of a target's memory, in MiB. */
export interface MemorySample {
  /** VmRSS of the target process itself. */
  readonly rssMiB: number
  /** VmRSS summed over the target and all its descendants (equal to rssMiB for one process). */
  readonly treeRssMiB: number
  /** VmHWM (peak RSS) of the target process itself. */
  readonly peakRssMiB: number
  /** How many processes treeRssMiB covers. */
  readonly processes: number
}

/**
 * statusFieldKiB reads one `kB` field of /proc/<pid>/status.
 *
 * @param status - the file's text.
 * @param field - e.g. `VmRSS`.
 * @returns the value in KiB, or 0 when the field is absent (kernel threads, zombies).
 */
function statusFieldKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  return match?.[1] === undefined ? 0 : Number(match[1])
}

/**
 * childPids lists the direct children of a process from /proc/<pid>/task/<tid>/children.
 *
 * @param pid - the parent.
 * @returns child pids; empty when the process is gone.
 */
async function childPids(pid: number): Promise<number[]> {
  let tids: string[]
  try {
    tids = await readdir(`/proc/${pid}/task`)
  } catch {
    return []
  }
  const children: number[] = []
  for (const tid of tids) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8')
      children.push(...text.split(/\s+/).filter(Boolean).map(Number))
    } catch {
      // The thread exited between readdir and readFile.
    }
  }
  return children
}

/**
 * readMemory reads VmRSS/VmHWM of `pid` and the summed VmRSS of its process tree. A target
 * that forks helpers (workers, a sidecar) is charged for them too.
 *
 * @param pid - the target process.
 * @returns the sample.
 * @throws Error when the process does not exist.
 */
export async function readMemory(pid: number): Promise<MemorySample> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rssKiB = statusFieldKiB(status, 'VmRSS')
  let treeKiB = rssKiB
  let processes = 1
  const queue = await childPids(pid)
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    try {
      treeKiB += statusFieldKiB(await readFile(`/proc/${next}/status`, 'utf8'), 'VmRSS')
      processes++
      queue.push(...(await childPids(next)))
    } catch {
      // The child exited while we walked the tree.
    }
  }
  return {
    rssMiB: rssKiB / 1024,
    treeRssMiB: treeKiB / 1024,
    peakRssMiB: statusFieldKiB(status, 'VmHWM') / 1024,
    processes,
  }
}

/** CLOCK_TICKS_PER_S is USER_HZ, the unit of /proc CPU times (100 on every Linux we run). */
const CLOCK_TICKS_PER_S = 100

/** CpuSnapshot is a reading of CPU time counters, in clock ticks. */
export interface CpuSnapshot {
  /** Busy time of all CPUs together (/proc/stat). */
  readonly machineBusy: number
  /** Busy plus idle time of all CPUs together. */
  readonly machineTotal: number
  /** This benchmark process plus its reaped children (wrk runs, stopped targets). */
  readonly bench: number
  /** The running target and its reaped children. */
  readonly target: number
}

/** CpuUse is how the machine's CPU was spent between two snapshots. */
export interface CpuUse {
  readonly wallS: number
  /** CPU-seconds used by the target. */
  readonly targetCpuS: number
  /** CPU-seconds used by the benchmark itself, wrk included. */
  readonly benchCpuS: number
  /** CPU-seconds used by every other process on the machine. */
  readonly otherCpuS: number
  /** otherCpuS as a share of the machine's capacity over the window, in percent. */
  readonly otherPercent: number
}

/**
 * processTicks reads utime+stime+cutime+cstime of a process from /proc/<pid>/stat.
 *
 * @param pid - a process, or `self`.
 * @returns clock ticks, or 0 when the process is gone.
 */
async function processTicks(pid: number | 'self'): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which may contain spaces, start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0)
  } catch {
    return 0
  }
}

/**
 * cpuSnapshot reads the machine's CPU counters and those of the benchmark and the target.
 *
 * @param targetPid - the running target, if any.
 * @returns the snapshot.
 */
export async function cpuSnapshot(targetPid?: number): Promise<CpuSnapshot> {
  const stat = await readFile('/proc/stat', 'utf8')
  const cpu = (stat.split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    cpu
  const busy = user + nice + system + irq + softirq + steal
  return {
    machineBusy: busy,
    machineTotal: busy + idle + iowait,
    bench: await processTicks('self'),
    target: targetPid === undefined ? 0 : await processTicks(targetPid),
  }
}

/**
 * cpuUse compares two snapshots. The target must not have been reaped in between, and wrk
 * must have been (its time then shows in the benchmark's cutime), which holds when both
 * snapshots are taken while the target runs and no wrk run is in flight.
 *
 * @param before - earlier snapshot.
 * @param after - later snapshot.
 * @returns where the CPU time went.
 */
export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const machineTicks = after.machineTotal - before.machineTotal
  const target = after.target - before.target
  const bench = after.bench - before.bench
  const other = Math.max(0, after.machineBusy - before.machineBusy - target - bench)
  const cpus = availableParallelism()
  return {
    wallS: machineTicks / cpus / CLOCK_TICKS_PER_S,
    targetCpuS: target / CLOCK_TICKS_PER_S,
    benchCpuS: bench / CLOCK_TICKS_PER_S,
    otherCpuS: other / CLOCK_TICKS_PER_S,
    otherPercent: machineTicks > 0 ? (100 * other) / machineTicks : 0,
  }
}

/** QuietOptions configures waitForQuiet. */
export interface QuietOptions {
  /** Give up and go ahead after this long. */
  readonly maxWaitMs: number
  /** Quiet means other processes use at most this share of the machine, in percent. */
  readonly thresholdPercent: number
  /** Quiet must hold for this long in a row. */
  readonly windowMs: number
  /** Called about every 10 s while waiting, with the last busy share seen. */
  readonly onWait?: (otherPercent: number, waitedMs: number) => void
}

/**
 * waitForQuiet waits until processes other than the benchmark (and its children) leave the
 * CPU alone, so a measure does not start while a build or test run shares the machine.
 *
 * @param opts - see QuietOptions.
 * @returns whether the machine was quiet, how long it waited, and the last share seen.
 */
export async function waitForQuiet(
  opts: QuietOptions
): Promise<{ quiet: boolean; waitedMs: number; otherPercent: number }> {
  const started = Date.now()
  let lastReport = started
  for (;;) {
    const before = await cpuSnapshot()
    await new Promise((resolve) => setTimeout(resolve, opts.windowMs))
    const use = cpuUse(before, await cpuSnapshot())
    const waitedMs = Date.now() - started
    if (use.otherPercent <= opts.thresholdPercent) {
      return { quiet: true, waitedMs, otherPercent: use.otherPercent }
    }
    if (waitedMs >= opts.maxWaitMs) {
      return { quiet: false, waitedMs, otherPercent: use.otherPercent }
    }
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now()
      opts.onWait?.(use.otherPercent, waitedMs)
    }
  }
}
