import { InvalidArgumentError, compareGoStrings, errorMessage } from '../util/index.js'

import type { ConsulClient } from './client.js'
import { ConsulError } from './errors.js'
import { kvLayout } from './kv-layout.js'

/**
 * NodeStatus is what one node reports at `<prefix>/status/<node>`: the config it runs and the
 * last config it refused. Indexes are decimal strings because they are uint64 and JSON numbers
 * are not exact above 2^53.
 */
export interface NodeStatus {
  readonly node: string
  /** Hash of the config text and templates in effect. */
  readonly configHash: string
  /** ModifyIndex of the config in effect, as a decimal string. */
  readonly appliedIndex: string
  /** When that config took effect, RFC 3339. */
  readonly appliedAt: string
  /** Where the config in effect came from. */
  readonly source: 'consul' | 'cache' | 'file'
  /** The last config this node refused, if its latest attempt failed. */
  readonly error?: {
    readonly message: string
    /** ModifyIndex of the refused config, as a decimal string. */
    readonly index: string
    /** When it was refused, RFC 3339. */
    readonly at: string
  }
}

/** ReadNodeStatusesOptions tune {@link readNodeStatuses}. */
export interface ReadNodeStatusesOptions {
  readonly signal?: AbortSignal
  /** Hears each entry that was skipped because it does not decode, with the reason. */
  readonly onInvalid?: (key: string, reason: string) => void
}

const SOURCES: readonly string[] = ['consul', 'cache', 'file'] satisfies NodeStatus['source'][]
const DECIMAL = /^\d+$/

/**
 * writeNodeStatus stores a node's status at `<prefix>/status/<node>` as indented JSON, so
 * `consul kv get` shows it readably.
 *
 * @param client - the Consul client.
 * @param prefix - the KV prefix, e.g. `alertmesh`.
 * @param status - the status; `node` names the key.
 * @throws InvalidArgumentError when the node name is empty or contains `/`.
 * @throws ConsulError when Consul refuses the write.
 */
export async function writeNodeStatus(
  client: ConsulClient,
  prefix: string,
  status: NodeStatus
): Promise<void> {
  if (status.node === '' || status.node.includes('/')) {
    throw new InvalidArgumentError(
      `node name ${JSON.stringify(status.node)} must be non-empty and without /`
    )
  }
  const key = `${kvLayout(prefix).statusPrefix}${status.node}`
  const ok = await client.kvPut(key, `${JSON.stringify(status, null, 2)}\n`)
  if (!ok) {
    // Without cas Consul always answers true; false means something in between misbehaves.
    throw new ConsulError('AM_CONSUL_REQUEST', `Consul did not store ${key} (PUT answered false)`)
  }
}

/**
 * readNodeStatuses reads every node's status. It is tolerant: an entry that is not a valid
 * status (hand-edited, written by another version, or under a name that is not its `node`)
 * is skipped and reported to `onInvalid`, and the rest are returned.
 *
 * @param client - the Consul client.
 * @param prefix - the KV prefix, e.g. `alertmesh`.
 * @param options - cancellation and a listener for skipped entries.
 * @returns the statuses, sorted by node name.
 * @throws ConsulError when Consul cannot be read.
 */
export async function readNodeStatuses(
  client: ConsulClient,
  prefix: string,
  options: ReadNodeStatusesOptions = {}
): Promise<NodeStatus[]> {
  const { statusPrefix } = kvLayout(prefix)
  const { value: entries } = await client.kvList(
    statusPrefix,
    options.signal === undefined ? {} : { signal: options.signal }
  )
  const statuses: NodeStatus[] = []
  for (const entry of entries) {
    const name = entry.key.slice(statusPrefix.length)
    if (name === '' || name.includes('/')) {
      // Folder markers and deeper keys are not node statuses; nothing to report.
      continue
    }
    try {
      const status = decodeNodeStatus(JSON.parse(entry.value.toString('utf8')))
      if (status.node !== name) {
        throw new Error(`its node field is ${JSON.stringify(status.node)}`)
      }
      statuses.push(status)
    } catch (err: unknown) {
      options.onInvalid?.(entry.key, errorMessage(err))
    }
  }
  return statuses.sort((a, b) => compareGoStrings(a.node, b.node))
}

/** decodeNodeStatus checks a parsed JSON value field by field and copies the known fields. */
function decodeNodeStatus(json: unknown): NodeStatus {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('not a JSON object')
  }
  const node = stringField(json, 'node')
  const configHash = stringField(json, 'configHash')
  const appliedIndex = decimalField(json, 'appliedIndex')
  const appliedAt = stringField(json, 'appliedAt')
  const source = stringField(json, 'source')
  if (!isSource(source)) {
    throw new Error(`source ${JSON.stringify(source)} is not consul, cache or file`)
  }
  const base = {
    node,
    configHash,
    appliedIndex,
    appliedAt,
    source,
  }
  const error: unknown = Reflect.get(json, 'error')
  if (error === undefined || error === null) {
    return base
  }
  if (typeof error !== 'object' || Array.isArray(error)) {
    throw new Error('error is not an object')
  }
  return {
    ...base,
    error: {
      message: stringField(error, 'message', 'error.'),
      index: decimalField(error, 'index', 'error.'),
      at: stringField(error, 'at', 'error.'),
    },
  }
}

function isSource(value: string): value is NodeStatus['source'] {
  return SOURCES.includes(value)
}

function stringField(object: object, name: string, path = ''): string {
  const value: unknown = Reflect.get(object, name)
  if (typeof value !== 'string') {
    throw new Error(`${path}${name} is not a string`)
  }
  return value
}

function decimalField(object: object, name: string, path = ''): string {
  const value = stringField(object, name, path)
  if (!DECIMAL.test(value)) {
    throw new Error(`${path}${name} ${JSON.stringify(value)} is not a decimal index`)
  }
  return value
}
