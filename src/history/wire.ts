import { DECISION_KINDS } from './decisions.js'
import type { Decision, DecisionKind } from './decisions.js'

/** HISTORY_QUERY is the cluster query key under which nodes answer for their decisions. */
export const HISTORY_QUERY = 'history'

// Bounds of a question and an answer: a broken or hostile peer cannot make a node hold more.
const MAX_GROUP_KEYS = 100
const MAX_DECISIONS = 2_000
const MAX_TEXT_CHARS = 4_096

const KINDS = new Set<string>(DECISION_KINDS)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * encodeHistoryQuestion encodes which groups' decisions are wanted (alertmesh's own JSON, as
 * the node-status state's is: nothing of Alertmanager's travels here).
 *
 * @param groupKeys - the groups.
 * @returns the bytes.
 */
export function encodeHistoryQuestion(groupKeys: readonly string[]): Uint8Array {
  return encoder.encode(JSON.stringify({ groupKeys: groupKeys.slice(0, MAX_GROUP_KEYS) }))
}

/**
 * decodeHistoryQuestion reads a peer's question.
 *
 * @param data - the bytes.
 * @returns the group keys.
 * @throws Error naming what is wrong with it.
 */
export function decodeHistoryQuestion(data: Uint8Array): Set<string> {
  const parsed = parse(data)
  const keys = isObject(parsed) ? parsed['groupKeys'] : undefined
  if (!Array.isArray(keys) || keys.length > MAX_GROUP_KEYS) {
    throw new Error(`a history question lists up to ${MAX_GROUP_KEYS} group keys`)
  }
  return new Set(keys.filter((k): k is string => typeof k === 'string'))
}

/**
 * encodeHistoryAnswer encodes this node's decisions, the newest `MAX_DECISIONS` if more.
 *
 * @param decisions - oldest first.
 * @returns the bytes.
 */
export function encodeHistoryAnswer(decisions: readonly Decision[]): Uint8Array {
  return encoder.encode(JSON.stringify({ decisions: decisions.slice(-MAX_DECISIONS) }))
}

/**
 * decodeHistoryAnswer reads a peer's decisions, keeping the well-formed ones. Every decision
 * is stamped with the answering peer's name, whatever the bytes say.
 *
 * @param data - the bytes.
 * @param peer - who answered.
 * @returns the decisions.
 * @throws Error when the answer is not a decision list.
 */
export function decodeHistoryAnswer(data: Uint8Array, peer: string): Decision[] {
  const parsed = parse(data)
  const list = isObject(parsed) ? parsed['decisions'] : undefined
  if (!Array.isArray(list)) {
    throw new Error('a history answer has no decision list')
  }
  return list.slice(-MAX_DECISIONS).flatMap((item: unknown) => {
    const decision = asDecision(item, peer)
    return decision === undefined ? [] : [decision]
  })
}

function asDecision(item: unknown, peer: string): Decision | undefined {
  if (!isObject(item)) {
    return undefined
  }
  const { at, groupKey, receiver, integration, kind, detail, notifiedAt, repeats, lastAt } = item
  if (
    !isTime(at) ||
    !isText(groupKey) ||
    !isText(receiver) ||
    !isText(integration) ||
    !isText(detail) ||
    typeof kind !== 'string' ||
    !KINDS.has(kind) ||
    (notifiedAt !== undefined && !isTime(notifiedAt)) ||
    (repeats !== undefined && !(Number.isSafeInteger(repeats) && (repeats as number) > 1)) ||
    (lastAt !== undefined && !isTime(lastAt))
  ) {
    return undefined
  }
  return {
    at,
    node: peer,
    groupKey,
    receiver,
    integration,
    kind: kind as DecisionKind,
    detail,
    ...(notifiedAt === undefined ? {} : { notifiedAt }),
    ...(typeof repeats === 'number' && lastAt !== undefined ? { repeats, lastAt } : {}),
  }
}

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data)) as unknown
  } catch {
    throw new Error('not JSON')
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_CHARS
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
