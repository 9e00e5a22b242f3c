import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'

import { buildConfig } from './build.js'
import type { Obj } from './checks.js'
import { convertDocument, firstFailure } from './convert.js'
import { ConfigError } from './errors.js'
import { PhaseError, finalizeConfig } from './finalize.js'
import {
  FatalYamlError,
  decodeDocument,
  TagError,
  LineIndex,
  YamlSyntaxError,
  parseYamlTree,
} from './goyaml/index.js'
import type { Decoded, TypeIssue, YNode } from './goyaml/index.js'
import type { ConfigRegistry } from './integration-spec.js'
import { marshalConfig } from './marshal.js'
import type { LoadedConfig } from './types.js'
import { validateSchema } from './validate-schema.js'

/** LoadOptions tells loadConfig where the text came from. */
export interface LoadOptions {
  /** Directory that relative `templates` and `*_file` paths are resolved against. */
  readonly baseDir: string
  /** Name used in error messages (file path or Consul key). */
  readonly fileName?: string
  /** The integrations the config may use (built once by the composition root). */
  readonly registry: ConfigRegistry
}

/**
 * configHash is Alertmanager's `md5HashAsMetricValue`: the first 6 bytes of the MD5 of the raw
 * config, read as a little-endian integer (exact in a double), exported as
 * `alertmanager_config_hash`.
 *
 * @param raw - the config bytes (or text, hashed as UTF-8).
 * @returns the hash value.
 */
export function configHash(raw: string | Uint8Array): number {
  const sum = createHash('md5').update(raw).digest()
  let value = 0
  for (let i = 5; i >= 0; i--) {
    value = value * 256 + (sum[i] ?? 0)
  }
  return value
}

/**
 * loadConfig parses and validates an Alertmanager 0.25 configuration: strict YAML (duplicate
 * keys rejected, `<<` merge keys honoured), the JSON Schema of the whole config (unknown keys
 * rejected), every custom check Alertmanager runs, in its order, then defaults.
 *
 * @param text - the YAML text.
 * @param options - base directory, a name for messages and the integration registry.
 * @returns the typed config, the raw text, the re-marshalled `config.original` and the hash.
 * @throws ConfigError carrying Alertmanager's message (`amMessage`) plus path, line and column.
 * @example
 * const { config } = loadConfig('route:\n  receiver: a\nreceivers:\n- name: a\n', { baseDir: '.', registry })
 */
export function loadConfig(text: string, options: LoadOptions): LoadedConfig {
  return loadBytes(text, text, options)
}

/**
 * loadConfigFile reads a config file and loads it, resolving relative paths against the file's
 * directory (Alertmanager's `LoadFile`). The hash covers the file's bytes.
 *
 * @param path - the config file.
 * @param registry - the integrations the config may use.
 * @returns the loaded config.
 * @throws ConfigError for an invalid config; the fs error when the file cannot be read.
 */
export async function loadConfigFile(
  path: string,
  registry: ConfigRegistry
): Promise<LoadedConfig> {
  const bytes = await readFile(path)
  return loadBytes(bytes.toString('utf8'), bytes, {
    baseDir: dirname(path),
    fileName: path,
    registry,
  })
}

function loadBytes(text: string, raw: string | Uint8Array, options: LoadOptions): LoadedConfig {
  const where = new Locator(text, options.fileName)
  let root: YNode | undefined
  try {
    root = parseYamlTree(text)
  } catch (err) {
    if (err instanceof YamlSyntaxError) {
      const pos = err.offset === undefined ? undefined : where.lines.position(err.offset)
      throw where.error(`yaml: ${pos === undefined ? '' : `line ${pos.line}: `}${err.message}`, {
        offset: err.offset,
        summary: `yaml: ${err.message}`,
        cause: err,
      })
    }
    throw err
  }
  if (
    root === undefined ||
    (root.kind === 'scalar' && root.plain && /^(~|null|Null|NULL|)$/.test(root.text))
  ) {
    throw where.error('no route provided in config', {})
  }
  let decoded: Decoded
  try {
    decoded = decodeDocument(root, options.registry.schema)
  } catch (err) {
    if (err instanceof FatalYamlError || err instanceof TagError) {
      const offset = err instanceof FatalYamlError ? err.offset : undefined
      throw where.error(err.message, { offset, cause: err })
    }
    throw err
  }
  where.positions = decoded.positions
  where.data = decoded.data
  const issues: TypeIssue[] = [
    ...decoded.issues,
    ...validateSchema(decoded.data, decoded.positions, options.registry),
  ]
  issues.sort((a, b) => a.seq - b.seq)
  const { value, failures } = convertDocument(
    decoded.data,
    options.registry.schema,
    decoded.positions,
    issues.map((i) => i.pointer),
    options.registry.checks
  )
  const failure = firstFailure(failures)
  if (failure !== undefined) {
    throw where.error(failure.message, { pointer: failure.pointer, cause: failure.cause })
  }
  const first = issues[0]
  if (first !== undefined) {
    const lines = issues.map((i) => `  line ${where.lines.position(i.offset).line}: ${i.message}`)
    throw where.error(`yaml: unmarshal errors:\n${lines.join('\n')}`, {
      pointer: first.pointer,
      offset: first.offset,
      summary: first.message,
    })
  }
  const converted = value as Obj
  try {
    finalizeConfig(converted, options.registry.integrations)
  } catch (err) {
    if (err instanceof PhaseError) {
      throw where.error(err.message, { pointer: err.pointer, cause: err })
    }
    throw err
  }
  const config = buildConfig(
    converted,
    decoded.data as Obj,
    options.baseDir,
    options.registry.integrations
  )
  return {
    config,
    raw: text,
    original: marshalConfig(config, options.registry),
    hash: configHash(raw),
    effectiveHash: createHash('sha256').update(JSON.stringify(decoded.data)).digest('hex'),
  }
}

interface ErrorLocation {
  readonly pointer?: string
  readonly offset?: number | undefined
  readonly summary?: string
  readonly cause?: unknown
}

/** Locator turns JSON pointers and offsets into paths, lines and columns for ConfigError. */
class Locator {
  readonly lines: LineIndex
  readonly #fileName: string | undefined
  positions: Decoded['positions'] = new Map()
  data: unknown

  constructor(text: string, fileName: string | undefined) {
    this.lines = new LineIndex(text)
    this.#fileName = fileName
  }

  error(amMessage: string, loc: ErrorLocation): ConfigError {
    let offset = loc.offset
    let pointer = loc.pointer
    while (offset === undefined && pointer !== undefined) {
      const pos = pointer === '' ? undefined : this.positions.get(pointer)
      if (pos !== undefined) {
        offset = pos.key?.start ?? pos.value.start
      } else if (pointer === '') {
        // The whole document: no useful line to point at.
        break
      } else {
        pointer = pointer.slice(0, pointer.lastIndexOf('/'))
      }
    }
    const pos = offset === undefined ? undefined : this.lines.position(offset)
    return new ConfigError(amMessage, {
      path: loc.pointer === undefined ? undefined : formatPath(loc.pointer, this.data),
      line: pos?.line,
      column: pos?.column,
      fileName: this.#fileName,
      summary: loc.summary,
      cause: loc.cause,
    })
  }
}

/**
 * formatPath renders a JSON pointer as a field path: `/route/routes/2/group_wait` becomes
 * `route.routes[2].group_wait`.
 *
 * @param pointer - the JSON pointer.
 * @param data - the decoded document, to tell list indexes from map keys.
 * @returns the path ('' for the document itself).
 */
export function formatPath(pointer: string, data: unknown): string {
  if (pointer === '') {
    return ''
  }
  let out = ''
  let cur: unknown = data
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    if (Array.isArray(cur)) {
      out += `[${seg}]`
      cur = cur[Number(seg)]
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)
        ? `${out === '' ? '' : '.'}${seg}`
        : `[${JSON.stringify(seg)}]`
      cur =
        typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined
    }
  }
  return out
}
