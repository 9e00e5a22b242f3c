import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'

import { atomicWrite } from '../util/index.js'

import { ConfigError } from './errors.js'
import type { ConfigRegistry } from './integration-spec.js'
import { loadConfig } from './load.js'
import type { LoadedConfig } from './types.js'

/**
 * ConfigDocument is a config as a remote source hands it over: the Alertmanager YAML and the
 * template files that go with it (Consul's `<prefix>/config` and `<prefix>/templates/<name>`).
 */
export interface ConfigDocument {
  readonly text: string
  /** Template name (a relative path) → content. */
  readonly templates: ReadonlyMap<string, string>
}

/** LoadedDocument is a validated document: the config plus a key for "nothing changed". */
export interface LoadedDocument {
  readonly loaded: LoadedConfig
  /** Equal for documents whose config and templates mean the same (see LoadedConfig.effectiveHash). */
  readonly effectiveKey: string
}

// One path segment of a template name: no empty, `.` or `..` segments, nothing that could
// escape the templates directory when the name is joined to it.
const TEMPLATE_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._@+=-]+$/

/**
 * checkTemplateName refuses template names that are not a plain relative path.
 *
 * @param name - the name under the templates folder.
 * @param where - how to name the template in the message (e.g. the Consul key).
 * @throws ConfigError naming the template.
 */
function checkTemplateName(name: string, where: string): void {
  if (!name.split('/').every((segment) => TEMPLATE_SEGMENT.test(segment))) {
    throw new ConfigError(
      `template ${where}: name must be a relative path of letters, digits and ._@+=- (no empty, . or .. segments)`,
      { fileName: where }
    )
  }
}

/**
 * loadConfigDocument validates a document exactly as a config file is validated; relative
 * `templates` globs resolve against `templatesDir`, where the node writes the document's
 * templates once the config is applied.
 *
 * @param doc - the document.
 * @param options - `name` for messages (e.g. `consul key alertmesh/config`), `templatePrefix` to
 *   name templates in messages, `templatesDir` for relative paths, `registry` for the
 *   integrations the config may use.
 * @returns the loaded config and its effective key.
 * @throws ConfigError for an invalid config or template name.
 */
export function loadConfigDocument(
  doc: ConfigDocument,
  options: {
    readonly name: string
    readonly templatePrefix: string
    readonly templatesDir: string
    readonly registry: ConfigRegistry
  }
): LoadedDocument {
  const names = [...doc.templates.keys()].sort()
  for (const name of names) {
    checkTemplateName(name, `${options.templatePrefix}${name}`)
  }
  const loaded = loadConfig(doc.text, {
    baseDir: options.templatesDir,
    fileName: options.name,
    registry: options.registry,
  })
  const key = createHash('sha256').update(loaded.effectiveHash)
  for (const name of names) {
    key.update(`\0${name}\0${doc.templates.get(name) ?? ''}`)
  }
  return { loaded, effectiveKey: key.digest('hex') }
}

/**
 * writeTemplates makes `dir` hold exactly the document's templates: each written atomically,
 * stale ones removed, so the config's `templates` globs see the applied set.
 *
 * @param dir - the templates directory (created if missing).
 * @param templates - name → content.
 */
export async function writeTemplates(
  dir: string,
  templates: ReadonlyMap<string, string>
): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const [name, text] of templates) {
    checkTemplateName(name, name)
    const path = join(dir, name)
    await mkdir(dirname(path), { recursive: true })
    await atomicWrite(path, text)
  }
  const existing = await readdir(dir, { recursive: true, withFileTypes: true })
  for (const entry of existing) {
    if (!entry.isFile()) {
      continue
    }
    const relative = join(entry.parentPath, entry.name).slice(dir.length + 1)
    if (!templates.has(relative.split('\\').join('/'))) {
      await rm(join(entry.parentPath, entry.name), { force: true })
    }
  }
}

/** CachedDocument is the last applied remote document, kept for starts without the source. */
export interface CachedDocument extends ConfigDocument {
  /** Where it came from, e.g. `consul key alertmesh/config`. */
  readonly origin: string
  /** The source's version of it (Consul's ModifyIndex), as a decimal string. */
  readonly version: string
  /** When it was applied, RFC 3339. */
  readonly appliedAt: string
}

interface CacheFile {
  readonly format: 'alertmesh-config-cache/1'
  readonly origin: string
  readonly version: string
  readonly appliedAt: string
  readonly text: string
  readonly templates: Record<string, string>
}

/**
 * writeDocumentCache stores the last applied document (temp file, fsync, rename), so a node that
 * starts while Consul is unreachable runs on it instead of on nothing.
 *
 * @param path - the cache file.
 * @param doc - the applied document.
 */
export async function writeDocumentCache(path: string, doc: CachedDocument): Promise<void> {
  const file: CacheFile = {
    format: 'alertmesh-config-cache/1',
    origin: doc.origin,
    version: doc.version,
    appliedAt: doc.appliedAt,
    text: doc.text,
    templates: Object.fromEntries([...doc.templates].sort(([a], [b]) => (a < b ? -1 : 1))),
  }
  await mkdir(dirname(path), { recursive: true })
  await atomicWrite(path, `${JSON.stringify(file, null, 2)}\n`)
}

/**
 * readDocumentCache reads the cache written by writeDocumentCache.
 *
 * @param path - the cache file.
 * @returns the document, or undefined when there is no cache file.
 * @throws Error when the file exists but cannot be read or decoded (the message says which file).
 */
export async function readDocumentCache(path: string): Promise<CachedDocument | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw err
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err: unknown) {
    throw new Error(`config cache ${path} is not valid JSON; delete it to start without a cache`, {
      cause: err,
    })
  }
  const file = parsed as Partial<CacheFile> | null
  if (
    file === null ||
    typeof file !== 'object' ||
    file.format !== 'alertmesh-config-cache/1' ||
    typeof file.text !== 'string' ||
    typeof file.origin !== 'string' ||
    typeof file.version !== 'string' ||
    typeof file.appliedAt !== 'string' ||
    typeof file.templates !== 'object' ||
    Object.values(file.templates).some((t) => typeof t !== 'string')
  ) {
    throw new Error(
      `config cache ${path} is not an alertmesh config cache; delete it to start without a cache`
    )
  }
  return {
    origin: file.origin,
    version: file.version,
    appliedAt: file.appliedAt,
    text: file.text,
    templates: new Map(Object.entries(file.templates)),
  }
}
