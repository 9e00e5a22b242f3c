/**
 * The flags every benchmark that runs both targets takes: which targets, how to start them,
 * and where the record goes. Each benchmark spreads them into its own FLAGS and its params.
 */
import { join } from 'node:path'

import { listOf, nonNegativeNumber, positiveNumber } from './args.js'
import type { FlagSpec } from './args.js'
import { TARGET_NAMES } from './target.js'
import type { TargetName } from './target.js'

/** TargetFlagName names one of the shared flags. */
export type TargetFlagName =
  | 'targets'
  | 'quiet-wait'
  | 'ready-timeout'
  | 'alertmanager-bin'
  | 'alertmesh-main'
  | 'log-level'
  | 'results-dir'

/** TargetParams are the shared flags, validated. */
export interface TargetParams {
  readonly targets: readonly TargetName[]
  /** Longest wait for a quiet machine before each fresh process; 0 disables waiting. */
  readonly quietWaitS: number
  readonly readyTimeoutS: number
  readonly alertmanagerBin: string
  readonly alertmeshMain: string
  readonly logLevel: 'info' | 'debug'
  readonly resultsDir: string
}

/** TargetFlagOptions are what differs between benchmarks in the shared flags. */
export interface TargetFlagOptions {
  /** Help of --targets, e.g. how the benchmark orders them. */
  readonly targetsHelp: string
  /** Default of --quiet-wait, in seconds. */
  readonly quietWaitS: number
  /** Help of --log-level. @default 'info or debug: --log.level of both targets' */
  readonly logLevelHelp?: string
}

/**
 * targetFlags declares the shared flags.
 *
 * @param repoRoot - the repository root, for the default alertmesh entry point and results.
 * @param options - the per-benchmark help and defaults.
 * @returns the flag specs, to spread into the benchmark's FLAGS.
 */
export function targetFlags(
  repoRoot: string,
  options: TargetFlagOptions
): Record<TargetFlagName, FlagSpec> {
  return {
    targets: { default: TARGET_NAMES.join(','), help: options.targetsHelp },
    'quiet-wait': {
      default: String(options.quietWaitS),
      help: 'before each fresh process, wait up to this many seconds for other processes to use <5% CPU (0: do not wait)',
    },
    'ready-timeout': { default: '30', help: 'seconds to wait for GET /-/ready after starting' },
    'alertmanager-bin': {
      default: '/usr/bin/prometheus-alertmanager',
      help: 'Alertmanager 0.25 binary',
    },
    'alertmesh-main': {
      default: join(repoRoot, 'dist/bin/alertmesh.cjs'),
      help: 'alertmesh entry point, run with this node binary',
    },
    'log-level': {
      default: 'info',
      help: options.logLevelHelp ?? 'info or debug: --log.level of both targets',
    },
    'results-dir': {
      default: join(repoRoot, 'bench/results'),
      help: 'where the JSON record goes',
    },
  }
}

/**
 * readTargetFlags validates the shared flags.
 *
 * @param flags - parsed flag text.
 * @returns the params.
 * @throws UsageError for a bad value.
 */
export function readTargetFlags(flags: Readonly<Record<TargetFlagName, string>>): TargetParams {
  return {
    targets: listOf('targets', flags.targets, TARGET_NAMES),
    quietWaitS: nonNegativeNumber('quiet-wait', flags['quiet-wait']),
    readyTimeoutS: positiveNumber('ready-timeout', flags['ready-timeout']),
    alertmanagerBin: flags['alertmanager-bin'],
    alertmeshMain: flags['alertmesh-main'],
    logLevel: listOf('log-level', flags['log-level'], ['info', 'debug'] as const)[0] ?? 'info',
    resultsDir: flags['results-dir'],
  }
}
