// Readers for systemd's file formats, for what the units and the env file under systemd/ use:
// unit files (sections, repeated keys, continuation lines), time spans, EnvironmentFile=
// (restricted to what systemd and a POSIX shell read alike), and ExecStart='s `$VAR` word
// expansion; plus localise, which swaps the host paths, addresses and ports in alertmesh's
// flags for a test's own. No systemd runs as PID 1 on the test machines, so these stand in for
// systemd reading the files.
import assert from 'node:assert/strict'
import { join } from 'node:path'

/** UnitFile is a parsed unit: section → key → every value assigned, in order. */
export type UnitFile = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>

/**
 * parseUnit reads a unit file as systemd does for what our units use: `[Section]` headers,
 * `Key=Value` lines (whitespace around both trimmed), `#`/`;` comments, and a trailing
 * backslash continuing a line. A key may be assigned several times (SystemCallFilter=).
 *
 * @param text - the unit file's text.
 * @returns section → key → values.
 * @throws Error naming the line that is neither a section, an assignment nor a comment.
 */
export function parseUnit(text: string): UnitFile {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  const lines = text.replace(/\\\n/g, ' ').split('\n')
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue
    }
    const header = /^\[([A-Za-z]+)\]$/.exec(line)
    if (header !== null) {
      current = new Map()
      sections.set(header[1] as string, current)
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0 || current === undefined) {
      throw new Error(`unit line ${i + 1} is neither a section, an assignment nor a comment`)
    }
    const key = line.slice(0, eq).trim()
    const values = current.get(key) ?? []
    values.push(line.slice(eq + 1).trim())
    current.set(key, values)
  }
  return sections
}

/**
 * directive returns the last value of a key (systemd's rule for single-valued settings).
 *
 * @param unit - the parsed unit.
 * @param section - e.g. `Service`.
 * @param key - e.g. `ExecStart`.
 * @returns the value, or undefined when the key is not set.
 */
export function directive(unit: UnitFile, section: string, key: string): string | undefined {
  const values = unit.get(section)?.get(key)
  return values?.[values.length - 1]
}

/**
 * seconds parses a systemd time span such as `60s`, `2min` or `90` (the forms our units use).
 *
 * @param span - the span.
 * @returns whole seconds.
 * @throws Error for any other form.
 */
export function seconds(span: string): number {
  const m = /^(\d+)\s*(s|sec|min|m)?$/.exec(span)
  if (m === null) {
    throw new Error(`unsupported time span ${JSON.stringify(span)}`)
  }
  const n = Number(m[1])
  return m[2] === 'min' || m[2] === 'm' ? n * 60 : n
}

/**
 * parseEnvFile reads an EnvironmentFile the way systemd does, for the subset these files may use
 * (which a POSIX shell reads the same way): comments, VAR=word and VAR="value" lines where a
 * double-quoted value may span lines. Anything systemd and a shell could read differently
 * (`$`, backquotes, backslashes, single quotes) is refused, so the file stays in that subset.
 *
 * @param text - the file's text.
 * @returns variable → value, in file order.
 */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (m === null) {
      throw new Error(`env file line ${i + 1} is not VAR=value`)
    }
    const name = m[1] as string
    let value = m[2] as string
    if (value.startsWith('"')) {
      let body = value.slice(1)
      while (!body.includes('"')) {
        i++
        if (i >= lines.length) {
          throw new Error(`env file: the value of ${name} has no closing quote`)
        }
        body += `\n${lines[i] as string}`
      }
      const close = body.indexOf('"')
      if (body.slice(close + 1).trim() !== '') {
        throw new Error(`env file: text after the closing quote of ${name}`)
      }
      value = body.slice(0, close)
    }
    if (/[$`\\']/.test(value)) {
      throw new Error(
        `env file: ${name} uses $, \`, \\ or ', which systemd and sh read differently`
      )
    }
    vars.set(name, value)
  }
  return vars
}

/**
 * commentedOpts extracts the alternative ALERTMESH_OPTS block the env file carries commented
 * out: the lines from `#ALERTMESH_OPTS="` to the closing quote, without their `#`.
 *
 * @param text - the env file's text.
 * @returns the commented-out ALERTMESH_OPTS value.
 */
export function commentedOpts(text: string): string {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.startsWith('#ALERTMESH_OPTS="'))
  assert.ok(start >= 0, 'alertmesh.env has a commented-out alternative ALERTMESH_OPTS')
  const block: string[] = []
  for (const line of lines.slice(start)) {
    assert.ok(line.startsWith('#'), `every line of the commented block starts with #: ${line}`)
    block.push(line.slice(1))
    if (block.length > 1 && line.trimEnd().endsWith('"')) {
      break
    }
  }
  const vars = parseEnvFile(block.join('\n'))
  const opts = vars.get('ALERTMESH_OPTS')
  assert.ok(opts !== undefined)
  return opts
}

/**
 * splitWords is systemd's expansion of an unquoted `$VAR` word: split at whitespace.
 *
 * @param value - the variable's value.
 * @returns the words.
 */
export function splitWords(value: string): string[] {
  return value.split(/[ \t\n\r]+/).filter((w) => w !== '')
}

/**
 * flagValues returns every value of `--name=value` in a list of words.
 *
 * @param words - the command line.
 * @param name - the flag without dashes.
 * @returns the values, in order; empty when the flag is absent.
 */
export function flagValues(words: readonly string[], name: string): string[] {
  return words.filter((w) => w.startsWith(`--${name}=`)).map((w) => w.slice(name.length + 3))
}

/** NodeHost is the host resources of one node that a test swaps for temporary ones. */
export interface NodeHost {
  readonly dir: string
  readonly webPort: number
  readonly nodeName: string
  /** Cluster addresses in the env file (`10.0.0.11:9094`) → local ones (`127.0.0.1:P`). */
  readonly clusterAddresses: ReadonlyMap<string, string>
  /** This node's cluster listener, one of the local addresses. */
  readonly listen: string
  readonly keyFile: string
  readonly configFile?: string
  readonly consulAddress?: string
}

/**
 * localise swaps host paths, addresses and ports in the env file's flags for the test's. Flags
 * it does not know pass through unchanged, so alertmesh itself judges them.
 *
 * @param words - the env file's flags.
 * @param host - the test's paths, addresses and ports.
 * @returns the flags to run with.
 */
export function localise(words: readonly string[], host: NodeHost): string[] {
  const cluster = (address: string): string => {
    const local = host.clusterAddresses.get(address)
    assert.ok(local !== undefined, `cluster address ${address} is one of the test's hosts`)
    return local
  }
  return words.map((word) => {
    const m = /^--([a-z.-]+)=(.*)$/.exec(word)
    if (m === null) {
      return word
    }
    const name = m[1] as string
    const value = m[2] as string
    switch (name) {
      case 'storage.path':
        return `--${name}=${join(host.dir, 'data')}`
      case 'web.listen-address':
        return `--${name}=127.0.0.1:${host.webPort}`
      case 'web.external-url':
        return `--${name}=http://127.0.0.1:${host.webPort}/`
      case 'cluster.listen-address':
        cluster(value)
        return `--${name}=${host.listen}`
      case 'cluster.peer':
        return `--${name}=${cluster(value)}`
      case 'cluster.key-file':
        return `--${name}=${host.keyFile}`
      case 'node.name':
        return `--${name}=${host.nodeName}`
      case 'config.file':
        assert.ok(host.configFile !== undefined)
        return `--${name}=${host.configFile}`
      case 'consul.address':
        assert.ok(host.consulAddress !== undefined)
        return `--${name}=${host.consulAddress}`
      default:
        return word
    }
  })
}

/**
 * execArgv expands an Exec*= line as systemd does for what our units use: words split at
 * whitespace, and a word `$VAR` replaced by the variable's value split at whitespace (an unset
 * variable expands to nothing). Quoting is refused: the units need none.
 *
 * @param line - the ExecStart= value.
 * @param env - the unit's environment (its EnvironmentFile= variables).
 * @returns the argv, program first.
 */
export function execArgv(line: string, env: Readonly<Record<string, string>>): string[] {
  assert.doesNotMatch(line, /["']/, 'Exec lines need no quoting')
  return splitWords(line).flatMap((word) =>
    word.startsWith('$') ? splitWords(env[word.slice(1)] ?? '') : [word]
  )
}
