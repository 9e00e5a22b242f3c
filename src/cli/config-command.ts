import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'

import { configHash, loadConfigDocument, writeTemplates } from '../config/index.js'
import { ConsulClient, fetchConfigDocument, readNodeStatuses } from '../consul/index.js'
import type { NodeStatus } from '../consul/index.js'
import { buildIntegrations } from '../notify/index.js'
import { errorMessage } from '../util/index.js'

import { hashHex } from './config-controller.js'
import {
  CONSUL_FLAGS,
  ConsulFlagsError,
  consulSettings,
  resolveConsulFlags,
} from './consul-flags.js'
import { defineFlags } from './flag-set.js'
import type { FlagDef, ParsedFlags } from './flag-set.js'
import { nodeIntegrations } from './integrations.js'
import { createLogger } from './logger.js'
import { buildConfigTemplate } from './templates.js'

const USAGE = `usage: alertmesh config push FILE [--template FILE]... [<consul flags>]
       alertmesh config pull [--output FILE] [--templates-dir DIR] [<consul flags>]
       alertmesh config status [<consul flags>]

Manage the cluster's configuration in Consul KV.

  push    Validate FILE as a node would, then write it to <prefix>/config with a
          check-and-set on the index it was read at (a concurrent change makes
          push fail instead of being overwritten). --template FILE (repeatable)
          also writes <prefix>/templates/<file name>. An invalid config never
          reaches Consul.
  pull    Print <prefix>/config (or write it to --output FILE); with
          --templates-dir DIR also write the templates there.
  status  List every node's applied config hash, source and error from
          <prefix>/status/, marking nodes that differ from the config in KV.
          Exit code 1 when a node drifts or reports an error.

Consul flags (default from the environment like Consul's CLI):
${Object.entries<FlagDef>(CONSUL_FLAGS)
  .map(([name, f]) => `  --${name}${f.env === undefined ? '' : ` (env ${f.env})`}`)
  .join('\n')}
`

/** CONFIG_FLAGS are the flags of `config push|pull|status`: each verb reads those it needs. */
const CONFIG_FLAGS = defineFlags({
  template: {
    kind: 'strings',
    help: 'push: also write this file to <prefix>/templates/<file name> (repeatable).',
  },
  output: { kind: 'string', help: 'pull: write the config to this file instead of stdout.' },
  'templates-dir': { kind: 'string', help: 'pull: also write the templates into this directory.' },
  ...CONSUL_FLAGS,
})

type Parsed = ParsedFlags<typeof CONFIG_FLAGS.defs>

async function connect(
  parsed: Parsed,
  env: Readonly<Record<string, string | undefined>>
): Promise<{ client: ConsulClient; prefix: string }> {
  const flags = resolveConsulFlags(parsed.values, env, false)
  if (flags === undefined) {
    throw new ConsulFlagsError(
      'no Consul address: give --consul.address or set CONSUL_HTTP_ADDR (e.g. 127.0.0.1:8500)'
    )
  }
  return { client: new ConsulClient(await consulSettings(flags)), prefix: flags.kvPrefix }
}

async function push(parsed: Parsed, env: Record<string, string | undefined>, out: Writable) {
  const file = parsed.positionals[0]
  if (file === undefined || parsed.positionals.length > 1) {
    throw new ConsulFlagsError('config push needs exactly one FILE')
  }
  const text = await readFile(file, 'utf8')
  const templates = new Map<string, string>()
  const localPath = new Map<string, string>()
  for (const path of parsed.values.template) {
    templates.set(basename(path), await readFile(path, 'utf8'))
    localPath.set(basename(path), path)
  }
  // Validate first, exactly as a node will, so nothing invalid is ever written: the pushed
  // templates are laid out as a node lays them out under <storage.path>/templates/, where the
  // config's relative globs resolve, and parsed with the config.
  const { list, registry } = nodeIntegrations()
  const staging = await mkdtemp(join(tmpdir(), 'alertmesh-push-'))
  let loaded
  try {
    const templatesDir = join(staging, 'templates')
    ;({ loaded } = loadConfigDocument(
      { text, templates },
      { name: file, templatePrefix: 'template ', templatesDir, registry }
    ))
    await writeTemplates(templatesDir, templates)
    // A failing template is named by the --template file it came from, not the staged copy.
    buildConfigTemplate(loaded.config, 'http://localhost', (path) => {
      const name = path.startsWith(`${templatesDir}/`) ? path.slice(templatesDir.length + 1) : ''
      return localPath.get(name) ?? path
    })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  const config = loaded.config
  const log = createLogger({ level: 'fatal', format: 'logfmt' })
  for (const receiver of config.receivers) {
    buildIntegrations(receiver, list, {
      externalURL: 'http://localhost',
      userAgent: 'alertmesh',
      template: () => buildConfigTemplate(config, 'http://localhost'),
      log,
    })
  }
  const { client, prefix } = await connect(parsed, env)
  try {
    const key = `${prefix}/config`
    const current = await client.kvGet(key)
    for (const [name, body] of templates) {
      await client.kvPut(`${prefix}/templates/${name}`, body)
    }
    const cas = current.value?.modifyIndex ?? 0n
    const written = await client.kvPut(key, text, { cas })
    if (!written) {
      throw new Error(
        `${key} changed while pushing (check-and-set on index ${cas} failed); pull, compare and push again`
      )
    }
    out.write(
      `pushed ${file} to ${key} (hash ${hashHex(loaded.hash)}${templates.size === 0 ? '' : `, ${templates.size} template(s)`}); nodes apply it within a second — check with \`alertmesh config status\`\n`
    )
  } finally {
    client.close()
  }
}

async function pull(parsed: Parsed, env: Record<string, string | undefined>, out: Writable) {
  const { client, prefix } = await connect(parsed, env)
  try {
    const doc = await fetchConfigDocument(client, prefix)
    if (doc === undefined) {
      throw new Error(`no config at ${prefix}/config; push one with \`alertmesh config push FILE\``)
    }
    const { output, 'templates-dir': templatesDir } = parsed.values
    if (output === undefined) {
      out.write(doc.text)
    } else {
      await writeFile(output, doc.text)
    }
    if (templatesDir !== undefined) {
      for (const [name, body] of doc.templates) {
        const path = join(templatesDir, name)
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, body)
      }
    }
  } finally {
    client.close()
  }
}

function statusTable(statuses: readonly NodeStatus[], kvHash: string | undefined): string[] {
  const rows = statuses.map((s) => {
    const drift = kvHash !== undefined && s.configHash !== kvHash
    return [
      s.node,
      s.configHash === '' ? '-' : s.configHash,
      s.appliedIndex,
      s.source,
      s.appliedAt === '' ? '-' : s.appliedAt,
      [drift ? 'DRIFT' : '', s.error === undefined ? '' : `error: ${s.error.message}`]
        .filter((x) => x !== '')
        .join('; '),
    ]
  })
  const header = ['NODE', 'HASH', 'INDEX', 'SOURCE', 'APPLIED', 'PROBLEM']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  return [header, ...rows].map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  )
}

async function status(parsed: Parsed, env: Record<string, string | undefined>, out: Writable) {
  const { client, prefix } = await connect(parsed, env)
  try {
    const [current, statuses] = await Promise.all([
      client.kvGet(`${prefix}/config`),
      readNodeStatuses(client, prefix),
    ])
    const kvHash =
      current.value === undefined ? undefined : hashHex(configHash(current.value.value))
    out.write(
      kvHash === undefined
        ? `no config at ${prefix}/config\n`
        : `${prefix}/config: hash ${kvHash}, index ${current.value?.modifyIndex.toString() ?? ''}\n`
    )
    if (statuses.length === 0) {
      out.write(`no node has reported under ${prefix}/status/ yet\n`)
      return 1
    }
    out.write(`${statusTable(statuses, kvHash).join('\n')}\n`)
    const bad = statuses.filter(
      (s) => s.error !== undefined || (kvHash !== undefined && s.configHash !== kvHash)
    )
    return bad.length === 0 ? 0 : 1
  } finally {
    client.close()
  }
}

/**
 * configCommand runs `alertmesh config push|pull|status`.
 *
 * @param argv - the arguments after `config`.
 * @param env - the environment (CONSUL_HTTP_* defaults).
 * @param out - standard output.
 * @param err - standard error.
 * @returns the process exit code.
 */
export async function configCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  out: Writable,
  err: Writable
): Promise<number> {
  const [verb, ...rest] = argv
  if (verb === undefined || verb === '--help' || verb === '-h' || rest.includes('--help')) {
    ;(verb === undefined ? err : out).write(USAGE)
    return verb === undefined ? 1 : 0
  }
  try {
    const parsed = CONFIG_FLAGS.parse(rest, {
      positionals: true,
      hint: 'try alertmesh config --help',
    })
    switch (verb) {
      case 'push':
        await push(parsed, env, out)
        return 0
      case 'pull':
        await pull(parsed, env, out)
        return 0
      case 'status':
        return await status(parsed, env, out)
      default:
        err.write(`alertmesh: error: unknown command config ${verb}, try alertmesh config --help\n`)
        return 1
    }
  } catch (e: unknown) {
    err.write(`alertmesh: error: ${errorMessage(e)}\n`)
    return 1
  }
}
