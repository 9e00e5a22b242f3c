// How the client's typed values are written for Consul and Consul's JSON answers are read
// back: argument checks that refuse what Consul would misread, and decoders that narrow every
// answer before the client trusts it.
import { InvalidArgumentError, formatGoDuration } from '../util/index.js'

import type { KvEntry, ServiceCheck, ServiceInstance } from './client-types.js'
import { ConsulError } from './errors.js'
import type { RawCheck, RawResult } from './raw-client.js'

const UINT64_MAX = (1n << 64n) - 1n

/** checkKey refuses an empty KV key before it reaches Consul. */
export function checkKey(key: string): void {
  if (key === '') {
    throw new InvalidArgumentError('a Consul KV key must not be empty')
  }
}

/** uint64 checks a CAS index or flags value and writes it as Consul reads it. */
export function uint64(name: string, value: bigint): string {
  if (value < 0n || value > UINT64_MAX) {
    throw new InvalidArgumentError(`${name} must be a uint64, got ${value}`)
  }
  return value.toString()
}

/** unreadable is the error for an answer of Consul that does not have the expected shape. */
export function unreadable(where: string, detail: string): ConsulError {
  return new ConsulError(
    'AM_CONSUL_REQUEST',
    `Consul sent an unreadable answer to ${where}: ${detail}`
  )
}

/** toBoolean reads the true/false answer of a KV write or delete. */
export function toBoolean(body: unknown, where: string): boolean {
  if (typeof body !== 'boolean') {
    throw unreadable(where, 'expected true or false')
  }
  return body
}

/** toEntry narrows one item of Consul's KV JSON (values already base64-decoded to Buffers). */
export function toEntry(item: unknown, where: string): KvEntry {
  if (typeof item !== 'object' || item === null) {
    throw unreadable(where, 'expected a KV object')
  }
  const key: unknown = Reflect.get(item, 'Key')
  if (typeof key !== 'string') {
    throw unreadable(where, 'KV entry without a Key')
  }
  const value: unknown = Reflect.get(item, 'Value')
  let bytes: Buffer
  if (value === null || value === undefined) {
    bytes = Buffer.alloc(0)
  } else if (Buffer.isBuffer(value)) {
    bytes = value
  } else {
    throw unreadable(where, `KV entry ${key} has a Value that is not base64 text`)
  }
  return {
    key,
    value: bytes,
    flags: toUint64(Reflect.get(item, 'Flags') ?? 0, `${key} Flags`, where),
    createIndex: toUint64(Reflect.get(item, 'CreateIndex'), `${key} CreateIndex`, where),
    modifyIndex: toUint64(Reflect.get(item, 'ModifyIndex'), `${key} ModifyIndex`, where),
  }
}

/** toUint64 reads a JSON integer that lossless-json may have turned into a string. */
function toUint64(value: unknown, what: string, where: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value)
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    return BigInt(value)
  }
  throw unreadable(where, `${what} is not a uint64`)
}

/**
 * isUnknownCheckError tells whether a failed {@link ConsulClient.updateTtlCheck} means the agent
 * does not have the check, typically because Consul restarted and lost its state: Consul 1.11
 * and later answer 404 "Unknown check ID …", older agents 500 "CheckID … does not have
 * associated TTL". The remedy is to register the service again.
 *
 * @param err - what updateTtlCheck rejected with.
 * @returns true when registering again is the fix.
 */
export function isUnknownCheckError(err: unknown): boolean {
  return (
    err instanceof ConsulError &&
    err.code === 'AM_CONSUL_REQUEST' &&
    (err.status === 404 ||
      (err.status === 500 && /does not have associated TTL|Unknown check ID/i.test(err.message)))
  )
}

/** readIndex checks and parses the X-Consul-Index of a read. */
export function readIndex(result: Extract<RawResult, { kind: 'ok' }>, where: string): bigint {
  if (result.index === undefined) {
    throw unreadable(where, 'no X-Consul-Index header; is the address a Consul agent?')
  }
  if (!/^\d+$/.test(result.index)) {
    throw unreadable(where, `X-Consul-Index ${JSON.stringify(result.index)} is not a uint64`)
  }
  // Number() would round indexes above 2^53; they are uint64 in Consul.
  return BigInt(result.index)
}

/** nonEmpty refuses an empty ID or name before it reaches Consul. */
export function nonEmpty(what: string, value: string): string {
  if (value === '') {
    throw new InvalidArgumentError(`${what} must not be empty`)
  }
  return value
}

/** portNumber refuses a service port outside [0, 65535]. */
export function portNumber(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`service port must be an integer in [0, 65535], got ${port}`)
  }
  return port
}

function positiveMs(what: string, ms: number | undefined): string | undefined {
  if (ms === undefined) {
    return undefined
  }
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new InvalidArgumentError(`${what} must be > 0, got ${ms}`)
  }
  // Consul takes Go durations; whole milliseconds keep the text plain (`600ms`, `15s`, `1m0s`).
  return formatGoDuration(Math.ceil(ms))
}

/** toRawCheck checks a ServiceCheck and writes it in Consul's field names. */
export function toRawCheck(check: ServiceCheck): RawCheck {
  const ttl = positiveMs('check ttlMs', check.ttlMs)
  const interval = positiveMs('check intervalMs', check.intervalMs)
  const timeout = positiveMs('check timeoutMs', check.timeoutMs)
  const deregister = positiveMs('check deregisterCriticalAfterMs', check.deregisterCriticalAfterMs)
  const http = check.http === undefined || check.http === '' ? undefined : check.http
  if ((ttl === undefined) === (http === undefined)) {
    throw new InvalidArgumentError('a service check needs exactly one of ttlMs and http')
  }
  if (http !== undefined && interval === undefined) {
    throw new InvalidArgumentError('an HTTP check needs intervalMs')
  }
  if (ttl !== undefined && (interval !== undefined || timeout !== undefined)) {
    throw new InvalidArgumentError('a TTL check takes no intervalMs or timeoutMs')
  }
  return {
    CheckID: nonEmpty('check id', check.id),
    Name: nonEmpty('check name', check.name),
    ...(ttl === undefined ? {} : { TTL: ttl }),
    ...(http === undefined ? {} : { HTTP: http }),
    ...(interval === undefined ? {} : { Interval: interval }),
    ...(timeout === undefined ? {} : { Timeout: timeout }),
    DeregisterCriticalServiceAfter: deregister ?? '',
    Status: check.initialStatus ?? 'critical',
  }
}

/** toInstance narrows one CheckServiceNode of /v1/health/service. */
export function toInstance(item: unknown, where: string): ServiceInstance {
  const node: unknown = typeof item === 'object' && item !== null ? Reflect.get(item, 'Node') : null
  const service: unknown =
    typeof item === 'object' && item !== null ? Reflect.get(item, 'Service') : null
  if (
    typeof node !== 'object' ||
    node === null ||
    typeof service !== 'object' ||
    service === null
  ) {
    throw unreadable(where, 'expected objects with Node and Service')
  }
  const id: unknown = Reflect.get(service, 'ID')
  const nodeName: unknown = Reflect.get(node, 'Node')
  const nodeAddress: unknown = Reflect.get(node, 'Address')
  const address: unknown = Reflect.get(service, 'Address')
  const port: unknown = Reflect.get(service, 'Port')
  if (typeof id !== 'string' || typeof nodeName !== 'string') {
    throw unreadable(where, 'instance without Service.ID or Node.Node')
  }
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw unreadable(where, `instance ${id} has no integer Service.Port`)
  }
  // Consul leaves Service.Address empty when the registration gave none; clients (the Go API's
  // users, consul-template) then use the node's address.
  let shown = typeof address === 'string' ? address : ''
  if (shown === '') {
    shown = typeof nodeAddress === 'string' ? nodeAddress : ''
  }
  return {
    id,
    node: nodeName,
    address: shown,
    port,
    meta: stringMap(Reflect.get(service, 'Meta'), `instance ${id} Meta`, where),
    tags: stringList(Reflect.get(service, 'Tags'), `instance ${id} Tags`, where),
  }
}

/** stringMap reads a JSON object of strings; Consul sends null for an empty one. */
function stringMap(value: unknown, what: string, where: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (value === null || value === undefined) {
    return out
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw unreadable(where, `${what} is not an object`)
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw unreadable(where, `${what}[${k}] is not a string`)
    }
    out[k] = v
  }
  return out
}

/** stringList reads a JSON array of strings; Consul sends null for an empty one. */
function stringList(value: unknown, what: string, where: string): string[] {
  if (value === null || value === undefined) {
    return []
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw unreadable(where, `${what} is not a list of strings`)
  }
  return value
}
