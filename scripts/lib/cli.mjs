// Shared plumbing of the operator scripts (push-config, cluster, dedup-experiment): argument
// parsing, `==>` progress lines, and errors that end the script with a message saying what to
// do next.
import { parseArgs } from 'node:util'

/** ScriptError ends a script with exit code 1 and its message, without a stack trace. */
export class ScriptError extends Error {
  name = 'ScriptError'
}

/**
 * step prints a progress line, `==> what`.
 *
 * @param {string} what - the step.
 */
export function step(what) {
  process.stdout.write(`==> ${what}\n`)
}

/**
 * detail prints an indented line under the current step.
 *
 * @param {string} text - one or more lines.
 */
export function detail(text) {
  for (const line of text.trimEnd().split('\n')) {
    process.stdout.write(line.trim() === '' ? '\n' : `    ${line.trimEnd()}\n`)
  }
}

/**
 * parseCommandLine parses `--flag value`, `--flag=value`, `--no-flag` and positionals with
 * node's parseArgs. Everything after `--` is returned separately (extra flags for the nodes).
 *
 * @param {string[]} argv - the arguments.
 * @param {Record<string, {type: 'string' | 'boolean', multiple?: boolean}>} options - known flags.
 * @param {string} usage - printed with a wrong flag.
 * @returns {{values: Record<string, unknown>, positionals: string[], rest: string[]}} the parse.
 */
export function parseCommandLine(argv, options, usage) {
  const terminator = argv.indexOf('--')
  const own = terminator === -1 ? argv : argv.slice(0, terminator)
  const rest = terminator === -1 ? [] : argv.slice(terminator + 1)
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(usage)
    process.exit(0)
  }
  try {
    const { values, positionals } = parseArgs({
      args: own,
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    })
    return { values, positionals, rest }
  } catch (err) {
    const first = usage.split('\n')[0] ?? ''
    throw new ScriptError(
      `${err instanceof Error ? err.message : String(err)}\n${first}\n(--help lists the flags)`
    )
  }
}

/**
 * intOption reads a positive integer flag.
 *
 * @param {unknown} value - the flag's string value, or undefined.
 * @param {string} name - the flag, for the message.
 * @param {number | undefined} fallback - the default.
 * @returns {number | undefined} the number.
 */
export function intOption(value, name, fallback) {
  if (value === undefined) {
    return fallback
  }
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    throw new ScriptError(`--${name} takes a positive whole number, not ${JSON.stringify(value)}`)
  }
  return n
}

/**
 * durationOption reads a duration flag given as `500ms`, `3s`, `2m` or plain seconds.
 *
 * @param {unknown} value - the flag's string value, or undefined.
 * @param {string} name - the flag, for the message.
 * @param {number} fallbackMs - the default in milliseconds.
 * @returns {number} milliseconds.
 */
export function durationOption(value, name, fallbackMs) {
  if (value === undefined) {
    return fallbackMs
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(value))
  if (m === null) {
    throw new ScriptError(
      `--${name} takes a duration such as 500ms, 3s or 2m, not ${JSON.stringify(value)}`
    )
  }
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000
  return Number(m[1]) * unit
}

/**
 * seconds renders milliseconds as seconds with one decimal, for progress lines.
 *
 * @param {number} ms - milliseconds.
 * @returns {string} e.g. `2.5 s`.
 */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`
}

/**
 * table renders rows as columns separated by two spaces, the first row being the header.
 *
 * @param {string[][]} rows - header and rows.
 * @returns {string} the lines.
 */
export function table(rows) {
  /** @type {number[]} */
  const widths = []
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

/**
 * runMain runs a script's main function: a ScriptError prints `error: message` and exits 1,
 * anything else is a bug and prints its stack.
 *
 * @param {() => Promise<number | undefined>} main - the script; resolves to its exit code.
 */
export function runMain(main) {
  main().then(
    (code) => {
      process.exitCode = code ?? 0
    },
    (err) => {
      if (err instanceof ScriptError) {
        process.stderr.write(`error: ${err.message}\n`)
      } else {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      }
      process.exitCode = 1
    }
  )
}
