/**
 * Command-line flag helpers for the benchmarks: `--name=value` flags, each with a default,
 * parsed strictly so a typo fails the run instead of silently using the default.
 */
import { parseArgs } from 'node:util'

/** FlagSpec declares one string flag with its default and help text. */
export interface FlagSpec {
  readonly default: string
  readonly help: string
}

/** UsageError reports a bad flag; the benchmark prints it with the usage text and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * parseFlags parses `argv` against `specs`; `--help` is always accepted.
 *
 * @param argv - process.argv.slice(2).
 * @param specs - flag name to spec.
 * @returns flag values (defaults filled in), or 'help'.
 * @throws UsageError for unknown flags or positional arguments.
 */
export function parseFlags<K extends string>(
  argv: readonly string[],
  specs: Readonly<Record<K, FlagSpec>>
): Record<K, string> | 'help' {
  const options: Record<string, { type: 'string' } | { type: 'boolean' }> = {
    help: { type: 'boolean' },
  }
  for (const name of Object.keys(specs)) {
    options[name] = { type: 'string' }
  }
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }))
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  if (values['help'] === true) {
    return 'help'
  }
  const out = {} as Record<K, string>
  for (const name of Object.keys(specs) as K[]) {
    const value = values[name]
    out[name] = typeof value === 'string' ? value : specs[name].default
  }
  return out
}

/**
 * usage renders the flag list for `--help`.
 *
 * @param command - how the benchmark is invoked.
 * @param specs - its flags.
 * @returns the help text.
 */
export function usage(command: string, specs: Readonly<Record<string, FlagSpec>>): string {
  const lines = Object.entries(specs).map(
    ([name, spec]) => `  --${name}=${spec.default === '' ? '""' : spec.default}\n      ${spec.help}`
  )
  return `usage: ${command} [flags]\n\n${lines.join('\n')}\n`
}

/**
 * positiveNumber parses a flag that must be a number > 0.
 *
 * @param name - the flag, for the error message.
 * @param value - its text.
 * @returns the number.
 * @throws UsageError when it is not a positive number.
 */
export function positiveNumber(name: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got "${value}"`)
  }
  return n
}

/**
 * nonNegativeNumber parses a flag that must be a number >= 0.
 *
 * @param name - the flag, for the error message.
 * @param value - its text.
 * @returns the number.
 * @throws UsageError when it is not a number >= 0.
 */
export function nonNegativeNumber(name: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${name} must be a number >= 0, got "${value}"`)
  }
  return n
}

/**
 * positiveInteger parses a flag that must be an integer > 0.
 *
 * @param name - the flag.
 * @param value - its text.
 * @returns the integer.
 * @throws UsageError otherwise.
 */
export function positiveInteger(name: string, value: string): number {
  const n = positiveNumber(name, value)
  if (!Number.isInteger(n)) {
    throw new UsageError(`--${name} must be an integer, got "${value}"`)
  }
  return n
}

/**
 * nonNegativeInteger parses a flag that must be an integer >= 0.
 *
 * @param name - the flag.
 * @param value - its text.
 * @returns the integer.
 * @throws UsageError otherwise.
 */
export function nonNegativeInteger(name: string, value: string): number {
  const n = nonNegativeNumber(name, value)
  if (!Number.isInteger(n)) {
    throw new UsageError(`--${name} must be an integer, got "${value}"`)
  }
  return n
}

/**
 * booleanFlag parses `true` or `false`.
 *
 * @param name - the flag.
 * @param value - its text.
 * @returns the boolean.
 * @throws UsageError otherwise.
 */
export function booleanFlag(name: string, value: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw new UsageError(`--${name} must be true or false, got "${value}"`)
  }
  return value === 'true'
}

/**
 * listOf parses a comma-separated flag whose items must come from `allowed`.
 *
 * @param name - the flag.
 * @param value - its text.
 * @param allowed - the accepted items.
 * @returns the items, without duplicates, in the order of `allowed`.
 * @throws UsageError for an unknown or empty list.
 */
export function listOf<T extends string>(name: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = items.filter((i) => !(allowed as readonly string[]).includes(i))
  if (unknown.length > 0 || items.length === 0) {
    throw new UsageError(
      `--${name} takes a comma-separated list of ${allowed.join(', ')}; got "${value}"`
    )
  }
  return allowed.filter((a) => items.includes(a))
}

/**
 * commandFlags is the flag handling every simple benchmark's main needs: it prints the usage
 * and returns undefined for `--help`, and prints the error with the usage and exits 2 on a bad
 * flag.
 *
 * @param command - how the benchmark is run, for the usage text.
 * @param specs - its flags.
 * @returns the flags, or undefined when only help was asked for.
 */
export function commandFlags<K extends string>(
  command: string,
  specs: Readonly<Record<K, FlagSpec>>
): Record<K, string> | undefined {
  let flags: Record<K, string> | 'help'
  try {
    flags = parseFlags(process.argv.slice(2), specs)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${usage(command, specs)}`)
      process.exit(2)
    }
    throw err
  }
  if (flags === 'help') {
    console.log(usage(command, specs))
    return undefined
  }
  return flags
}

/**
 * commandParams is {@link commandFlags} for a benchmark that turns its flags into typed
 * parameters: a bad flag or a bad value ({@link UsageError} from `read`) prints the error with
 * the usage and gives exit code 2; `--help` prints the usage and gives 0.
 *
 * @param command - how the benchmark is run, for the usage text.
 * @param specs - its flags.
 * @param read - turns the flags into parameters, throwing UsageError for a bad value.
 * @returns the parameters, or the exit code to end with.
 */
export function commandParams<K extends string, P>(
  command: string,
  specs: Readonly<Record<K, FlagSpec>>,
  read: (flags: Record<K, string>) => P
): { readonly params: P } | { readonly exitCode: number } {
  try {
    const flags = parseFlags(process.argv.slice(2), specs)
    if (flags === 'help') {
      console.log(usage(command, specs))
      return { exitCode: 0 }
    }
    return { params: read(flags) }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage(command, specs)}`)
      return { exitCode: 2 }
    }
    throw err
  }
}
