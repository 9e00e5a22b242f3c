/**
 * Output of a benchmark: machine facts, the markdown comparison table and the JSON record in
 * bench/results/ (git-ignored).
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** MachineFacts describes where a run happened, for comparing runs later. */
export interface MachineFacts {
  readonly nproc: number
  readonly cpuModel: string
  readonly memTotalMiB: number
  readonly kernel: string
  readonly node: string
  readonly alertmanagerVersion: string
  readonly wrkVersion: string
  /** alertmesh git commit, with `-dirty` when the work tree has changes. */
  readonly alertmeshCommit: string
}

/**
 * firstLine runs a command and returns the first line of its output, or why it failed.
 *
 * @param command - executable.
 * @param args - arguments.
 * @param cwd - working folder.
 * @returns the first output line (stdout, else stderr).
 */
async function firstLine(command: string, args: readonly string[], cwd?: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, cwd === undefined ? {} : { cwd })
    return (stdout.trim() || stderr.trim()).split('\n')[0] ?? ''
  } catch (err) {
    // wrk -v prints its version and exits 1.
    const { stdout, stderr } = err as { stdout?: string; stderr?: string }
    const text = (stdout ?? '').trim() || (stderr ?? '').trim()
    return text === '' ? `unknown (${command} failed)` : (text.split('\n')[0] ?? '')
  }
}

/**
 * machineFacts collects nproc, CPU, memory, kernel, node, Alertmanager, wrk and alertmesh
 * versions.
 *
 * @param opts - binaries and the repository root.
 * @returns the facts.
 */
export async function machineFacts(opts: {
  readonly alertmanagerBin: string
  readonly wrkBin: string
  readonly repoRoot: string
}): Promise<MachineFacts> {
  const [alertmanagerVersion, wrkVersion, commit, dirty] = await Promise.all([
    firstLine(opts.alertmanagerBin, ['--version']),
    firstLine(opts.wrkBin, ['-v']),
    firstLine('git', ['rev-parse', '--short', 'HEAD'], opts.repoRoot),
    firstLine('git', ['status', '--porcelain', '--untracked-files=no'], opts.repoRoot),
  ])
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalMiB: Math.round(totalmem() / 1024 / 1024),
    kernel: release(),
    node: process.version,
    alertmanagerVersion,
    wrkVersion,
    alertmeshCommit: dirty === '' ? commit : `${commit}-dirty`,
  }
}

/**
 * markdownTable renders rows as a GitHub markdown table with padded columns.
 *
 * @param header - column titles.
 * @param rows - cells, as many per row as titles.
 * @returns the table text, one line per row.
 * @example markdownTable(['a'], [['1']]) // '| a |\n| - |\n| 1 |'
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[]
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/**
 * timestampForFile formats a date for a file name: `2026-08-01T12-30-05Z`.
 *
 * @param date - when the run started.
 * @returns the timestamp without characters that are awkward in file names.
 */
export function timestampForFile(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')
}

/**
 * writeResults writes the run's record as `<dir>/<name>-<timestamp>.json`.
 *
 * @param dir - the results folder (created when missing).
 * @param name - benchmark name.
 * @param started - when the run started.
 * @param record - anything JSON-serialisable.
 * @returns the file path.
 */
export async function writeResults(
  dir: string,
  name: string,
  started: Date,
  record: unknown
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${name}-${timestampForFile(started)}.json`)
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`)
  return path
}

/**
 * formatFigure prints a number with a sensible precision, or a dash when missing.
 *
 * @param value - the figure.
 * @param digits - decimals.
 * @returns the text.
 */
export function formatFigure(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) {
    return '-'
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  })
}

/**
 * log prints a progress line tagged with the target.
 *
 * @param who - target name or `bench`.
 * @param message - the line.
 */
export function log(who: string, message: string): void {
  console.log(`[${who}] ${message}`)
}

/**
 * errorText renders an error and its cause chain for the console and the JSON record.
 *
 * @param err - what was thrown.
 * @returns the message, causes appended.
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) {
    return String(err)
  }
  const cause = err.cause === undefined ? '' : `\n  cause: ${errorText(err.cause)}`
  return `${err.message}${cause}`
}

/**
 * runBenchmark runs a benchmark's main and turns its result into the exit code: the code it
 * returns, or 1 with the error printed when it crashes.
 *
 * @param main - the benchmark, resolving to its exit code.
 */
export function runBenchmark(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      console.error(`benchmark crashed: ${errorText(err)}`)
      process.exitCode = 1
    }
  )
}
