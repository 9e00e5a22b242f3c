// One declarative flag definition per command, from which its parser, its --help lines and the
// type of its parsed values are all derived: a flag name is written once, in the definition, and
// reading a name the definition does not have is a compile error. The grammar is kingpin's
// (Alertmanager's and amtool's flag library): `--flag=value`, `--flag value`, repeatable flags,
// bools as `--flag`, `--no-flag` or `--flag=false`.
import { AlertmeshError, formatGoDuration, parseGoDuration } from '../util/index.js'

/** FlagKind is how a flag's value is parsed (kingpin's String, Strings, Int, Bool, Duration, Enum). */
export type FlagKind = 'string' | 'strings' | 'int' | 'bool' | 'duration' | 'enum'

interface FlagDefBase {
  /** The help text, one sentence or more. */
  readonly help: string
  /** The value when the flag is not given, as it would be written; none means undefined (or []). */
  readonly default?: string
  /** The property of the command's options object that receives the value (see FlagFields). */
  readonly field?: string
  /** Whether parsing fails when the flag is not given (kingpin's Required). */
  readonly required?: true
  /** The environment variable the command falls back to, named in --help. */
  readonly env?: string
  /**
   * Accepted only for compatibility with Alertmanager and without effect: listed apart at the end
   * of --help.
   */
  readonly compat?: true
}

/** FlagDef describes one flag. */
export type FlagDef =
  | (FlagDefBase & { readonly kind: Exclude<FlagKind, 'enum'> })
  | (FlagDefBase & { readonly kind: 'enum'; readonly values: readonly string[] })

/** FlagDefs maps each flag name (without dashes) to its definition, in --help order. */
export type FlagDefs = Readonly<Record<string, FlagDef>>

type KindValue<F extends FlagDef> = F extends { readonly kind: 'strings' }
  ? readonly string[]
  : F extends { readonly kind: 'int' | 'duration' }
    ? number
    : F extends { readonly kind: 'bool' }
      ? boolean
      : F extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] }
        ? V
        : string

/**
 * FlagValue is a parsed flag's type: durations in ms; undefined when the flag is neither given
 * nor defaulted nor required.
 */
export type FlagValue<F extends FlagDef> = F extends { readonly kind: 'strings' }
  ? readonly string[]
  : F extends { readonly default: string } | { readonly required: true }
    ? KindValue<F>
    : KindValue<F> | undefined

/** FlagValues are the parsed values of a command's flags, keyed by flag name. */
export type FlagValues<D extends FlagDefs> = { readonly [N in keyof D]: FlagValue<D[N]> }

/** FlagFields are the values of the flags that name a `field`, keyed by that field. */
export type FlagFields<D extends FlagDefs> = {
  readonly [
    N in keyof D as D[N] extends { readonly field: infer K extends string } ? K : never
  ]: FlagValue<D[N]>
}

/** FlagError is a command-line problem, reported in one line (kingpin's wording). */
export class FlagError extends AlertmeshError {
  override readonly name = 'FlagError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_FLAG_INVALID', message, options)
  }
}

/** ParsedFlags is one parsed command line. */
export interface ParsedFlags<D extends FlagDefs> {
  readonly values: FlagValues<D>
  /** The flags given on the command line, in definition order. */
  readonly given: ReadonlySet<keyof D & string>
  /** The non-flag arguments, when the command takes them. */
  readonly positionals: readonly string[]
  /** The `stopAt` argument that ended parsing (e.g. `--help`), if any. */
  readonly stop: string | undefined
}

/** ParseOptions are what differs between commands that share the grammar. */
export interface ParseOptions {
  /**
   * Whether arguments that are not flags are collected as positionals; otherwise each is refused.
   *
   * @default false
   */
  readonly positionals?: boolean
  /** Arguments that end parsing where a flag could stand, e.g. `--help`. */
  readonly stopAt?: readonly string[]
  /**
   * Where the error messages point the user (with the 'alertmesh' wording).
   *
   * @default 'try --help'
   */
  readonly hint?: string
  /**
   * The error messages' wording: alertmesh's (kingpin's with a hint, and enum errors naming the
   * flag) or kingpin's own, as amtool prints them.
   *
   * @default 'alertmesh'
   */
  readonly wording?: 'alertmesh' | 'kingpin'
}

/** FlagSet is a command's flags: its parser and --help lines, derived from one definition. */
export interface FlagSet<D extends FlagDefs> {
  readonly defs: D
  /**
   * parse reads a command line.
   *
   * @param argv - the arguments after the command name.
   * @param options - positionals, stop arguments and the error hint.
   * @returns the typed values, which flags were given and the positionals.
   * @throws FlagError for an unknown flag, a missing or bad value, a repeated single-value flag
   *   or a stray argument.
   */
  parse(argv: readonly string[], options?: ParseOptions): ParsedFlags<D>
  /**
   * fields picks the values of the flags that name a `field`.
   *
   * @param values - parsed values.
   * @returns them keyed by field.
   */
  fields(values: FlagValues<D>): FlagFields<D>
  /**
   * help renders one entry per flag, `  --name=KIND` and the indented help with its default and
   * environment variable; compatibility-only flags come last, under their own heading.
   *
   * @returns the lines.
   */
  help(): string[]
}

function invalid(name: string, raw: string, why: string): FlagError {
  return new FlagError(`invalid value ${JSON.stringify(raw)} for flag --${name}: ${why}`)
}

/** convert parses one value, refusing a malformed int, bool or duration (not enums: see parse). */
function convert(name: string, def: FlagDef, raw: string): string | number | boolean {
  switch (def.kind) {
    case 'string':
    case 'strings':
    case 'enum':
      return raw
    case 'int':
      if (!/^[+-]?\d+$/.test(raw)) {
        throw invalid(name, raw, 'expected an integer')
      }
      return Number(raw)
    case 'bool': {
      const lower = raw.toLowerCase()
      if (!['true', 'false', '1', '0', 't', 'f'].includes(lower)) {
        throw invalid(name, raw, 'expected true or false')
      }
      return lower === 'true' || lower === '1' || lower === 't'
    }
    case 'duration':
      try {
        return parseGoDuration(raw)
      } catch (err: unknown) {
        throw invalid(name, raw, (err as Error).message)
      }
  }
}

/** Given is what the command line said: each flag's values as written, in order. */
interface Given {
  readonly raw: ReadonlyMap<string, readonly string[]>
  readonly positionals: readonly string[]
  readonly stop: string | undefined
}

/** read walks the command line, refusing what kingpin refuses while it parses. */
function read(defs: FlagDefs, argv: readonly string[], options: ParseOptions): Given {
  const hinted = (message: string): string =>
    options.wording === 'kingpin' ? message : `${message}, ${options.hint ?? 'try --help'}`
  const lookup = (name: string): FlagDef | undefined =>
    Object.hasOwn(defs, name) ? defs[name] : undefined
  const raw = new Map<string, string[]>()
  const positionals: string[] = []
  let stop: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (options.stopAt?.includes(arg) === true) {
      stop = arg
      break
    }
    if (!arg.startsWith('--')) {
      if (options.positionals !== true) {
        throw new FlagError(hinted(`unexpected ${arg}`))
      }
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1)
    let def = lookup(name)
    if (
      def === undefined &&
      name.startsWith('no-') &&
      lookup(name.slice(3))?.kind === 'bool' &&
      value === undefined
    ) {
      name = name.slice(3)
      def = lookup(name)
      value = 'false'
    }
    if (def === undefined) {
      throw new FlagError(hinted(`unknown long flag '--${name}'`))
    }
    if (value === undefined) {
      if (def.kind === 'bool') {
        value = 'true'
      } else {
        const next = argv[i + 1]
        // kingpin lexes a following `-x`/`--x` as a flag, not as this flag's value.
        if (next === undefined || (next.startsWith('-') && next.length > 1)) {
          throw new FlagError(`expected argument for flag '--${name}'`)
        }
        value = next
        i++
      }
    }
    if (def.kind !== 'strings' && raw.has(name)) {
      // kingpin refuses a non-repeatable flag given twice (Application.setValues).
      throw new FlagError(hinted(`flag '${name}' cannot be repeated`))
    }
    convert(name, def, value)
    raw.set(name, [...(raw.get(name) ?? []), value])
  }
  return { raw, positionals, stop }
}

function parse<D extends FlagDefs>(
  defs: D,
  argv: readonly string[],
  options: ParseOptions
): ParsedFlags<D> {
  const { raw, positionals, stop } = read(defs, argv, options)
  const values: Record<string, unknown> = {}
  const given = new Set<keyof D & string>()
  for (const [name, def] of Object.entries(defs)) {
    const list = raw.get(name)
    if (list !== undefined) {
      given.add(name)
    }
    if (def.kind === 'strings') {
      values[name] = list ?? (def.default === undefined ? [] : [def.default])
      continue
    }
    const text = list?.[0] ?? def.default
    // Enums are checked once the whole line is read, in definition order, as kingpin does (amtool
    // reports an unknown flag that follows a bad enum value, not the value).
    if (def.kind === 'enum' && text !== undefined && !def.values.includes(text)) {
      throw options.wording === 'kingpin'
        ? new FlagError(`enum value must be one of ${def.values.join(',')}, got '${text}'`)
        : invalid(name, text, `must be one of ${def.values.join(', ')}`)
    }
    values[name] = text === undefined ? undefined : convert(name, def, text)
  }
  // kingpin names one missing required flag (amtool's pick varies with Go's map order; this is
  // the first in definition order).
  const missing = Object.entries(defs).find(
    ([name, def]) => def.required === true && raw.get(name) === undefined
  )
  if (missing !== undefined) {
    throw new FlagError(`required flag --${missing[0]} not provided`)
  }
  // The loop above gave every defined name a value of its kind.
  return { values: values as FlagValues<D>, given, positionals, stop }
}

function fields<D extends FlagDefs>(defs: D, values: FlagValues<D>): FlagFields<D> {
  const out: Record<string, unknown> = {}
  for (const [name, def] of Object.entries(defs)) {
    if (def.field !== undefined) {
      out[def.field] = values[name]
    }
  }
  // Exactly the definitions that name a field, each under it.
  return out as FlagFields<D>
}

function helpEntry(name: string, def: FlagDef): string {
  const value =
    def.kind === 'bool'
      ? ''
      : `=${def.kind === 'duration' ? 'DURATION' : def.kind === 'int' ? 'INT' : 'VALUE'}`
  const env = def.env === undefined ? '' : ` Env: ${def.env}.`
  const shown =
    def.default === undefined || def.default === ''
      ? ''
      : ` (default: ${def.kind === 'duration' ? formatGoDuration(parseGoDuration(def.default)) : def.default})`
  return `  --${name}${value}\n      ${def.help}${env}${shown}`
}

/** COMPAT_HEADING introduces the compatibility-only flags in --help. */
const COMPAT_HEADING = 'Accepted for compatibility with Alertmanager, without effect:'

function help(defs: FlagDefs): string[] {
  const entries = Object.entries(defs)
  const acting = entries.filter(([, def]) => def.compat !== true)
  const compat = entries.filter(([, def]) => def.compat === true)
  return [
    ...acting.map(([name, def]) => helpEntry(name, def)),
    ...(compat.length === 0
      ? []
      : ['', COMPAT_HEADING, ...compat.map(([name, def]) => helpEntry(name, def))]),
  ]
}

/**
 * defineFlags declares a command's flags once; parsing, --help and the values' type follow.
 *
 * @param defs - flag name (without dashes) → definition, in --help order; write it `as const`
 *   (the type parameter is const) so enum values and fields keep their literal types.
 * @returns the command's FlagSet.
 * @example
 * const FLAGS = defineFlags({
 *   'log.level': { kind: 'enum', values: ['info', 'debug'], default: 'info', help: 'Log level.' },
 * })
 * const level = FLAGS.parse(process.argv.slice(2)).values['log.level'] // 'info' | 'debug'
 */
export function defineFlags<const D extends FlagDefs>(defs: D): FlagSet<D> {
  return {
    defs,
    parse: (argv, options = {}) => parse(defs, argv, options),
    fields: (values) => fields(defs, values),
    help: () => help(defs),
  }
}
