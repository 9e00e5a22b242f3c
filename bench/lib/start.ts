// The opening every benchmark entry point shares: parse its flags (exit 0 after --help, 2 on a
// bad flag), clean up target processes on exit, and record when it started on which machine.
import { commandParams } from './args.js'
import type { FlagSpec } from './args.js'
import { machineFacts } from './report.js'
import type { MachineFacts } from './report.js'
import { installCleanup } from './target.js'

/** BenchStart is a benchmark's parameters, start time and machine facts. */
export interface BenchStart<P> {
  readonly params: P
  readonly started: Date
  readonly machine: MachineFacts
}

/**
 * startBench parses the benchmark's flags, installs the cleanup of target processes and reads
 * the machine facts.
 *
 * @param name - the `--only=` name, e.g. `ingest`.
 * @param specs - the benchmark's flags.
 * @param read - turns the flags into parameters (throws UsageError on a bad value).
 * @param tools - the binaries whose versions the results record, from the parameters.
 * @param repoRoot - the repository root (for the commit the results name).
 * @returns the start, or the exit code for --help or a bad flag.
 */
export async function startBench<K extends string, P>(
  name: string,
  specs: Readonly<Record<K, FlagSpec>>,
  read: (flags: Record<K, string>) => P,
  tools: (params: P) => { readonly alertmanagerBin: string; readonly wrkBin?: string },
  repoRoot: string
): Promise<BenchStart<P> | { readonly exitCode: number }> {
  const parsed = commandParams(`npm run bench -- --only=${name}`, specs, read)
  if ('exitCode' in parsed) {
    return parsed
  }
  const { params } = parsed
  installCleanup()
  const started = new Date()
  const { alertmanagerBin, wrkBin = '/usr/bin/wrk' } = tools(params)
  const machine = await machineFacts({ alertmanagerBin, wrkBin, repoRoot })
  return { params, started, machine }
}
