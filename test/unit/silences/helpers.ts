// Shared helpers for the silences unit tests: a settable clock, a quiet logger, silence builders.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import bunyan from 'bunyan'

import { Silences } from '#src/silences/index.js'
import type {
  MeshSilence,
  PostableSilence,
  Silence,
  SilenceMatcher,
  SilencesOptions,
} from '#src/silences/index.js'

export const T0 = Date.UTC(2024, 0, 1, 12)
export const SEC = 1000
export const MIN = 60 * SEC
export const HOUR = 60 * MIN

/** Clock is a settable time source. */
export interface Clock {
  now: () => number
  set: (ms: number) => void
  add: (ms: number) => void
}

/**
 * clock returns a clock starting at `start`.
 *
 * @param start - epoch ms.
 * @returns the clock.
 */
export function clock(start = T0): Clock {
  let current = start
  return {
    now: () => current,
    set: (ms) => {
      current = ms
    },
    add: (ms) => {
      current += ms
    },
  }
}

/**
 * quietLog returns a logger that keeps its records in memory (for assertions) and prints none.
 *
 * @returns the logger and its records.
 */
export function quietLog(): { log: bunyan; records: () => { level: number; msg: string }[] } {
  const ring = new bunyan.RingBuffer({ limit: 1000 })
  const log = bunyan.createLogger({
    name: 'test',
    streams: [{ type: 'raw', stream: ring, level: 'trace' }],
  })
  return { log, records: () => ring.records as { level: number; msg: string }[] }
}

/** eq builds an EQUAL matcher. */
export const eq = (name: string, pattern: string): SilenceMatcher => ({
  type: 'EQUAL',
  name,
  pattern,
})
/** re builds a REGEXP matcher. */
export const re = (name: string, pattern: string): SilenceMatcher => ({
  type: 'REGEXP',
  name,
  pattern,
})

/**
 * mesh builds a MeshSilence as a peer would send it.
 *
 * @param id - the silence id.
 * @param overrides - fields to change; expiresAt defaults to endsAt + 1 h.
 * @returns the silence.
 */
export function mesh(
  id: string,
  overrides: Partial<Silence> & { expiresAt?: number } = {}
): MeshSilence {
  const { expiresAt, ...fields } = overrides
  const silence: Silence = {
    id,
    matchers: [eq('a', 'b')],
    startsAt: T0,
    endsAt: T0 + HOUR,
    updatedAt: T0,
    createdBy: '',
    comment: '',
    ...fields,
  }
  return { silence, expiresAt: expiresAt ?? silence.endsAt + HOUR }
}

/**
 * openMemory opens an in-memory store with a one-hour retention on the given clock.
 *
 * @param c - the clock.
 * @param options - more options.
 * @returns the store.
 */
export function openMemory(c: Clock, options: Partial<SilencesOptions> = {}): Promise<Silences> {
  return Silences.open({ retentionMs: HOUR, now: c.now, log: quietLog().log, ...options })
}

/**
 * tempDir creates a temporary directory.
 *
 * @returns its path and a function removing it.
 */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'silences-test-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * setUnsigned stores a silence with an empty author and comment (the fields most tests ignore).
 *
 * @param s - the silences store.
 * @param fields - the silence without createdBy and comment.
 * @returns the stored silence's id.
 */
export function setUnsigned(
  s: Silences,
  fields: Omit<PostableSilence, 'createdBy' | 'comment'>
): Promise<string> {
  return s.set({ ...fields, createdBy: '', comment: '' })
}

/**
 * setAB stores, unsigned, the silence most tests need: `a="b"` from T0 for an hour, with what a
 * test changes (the id it updates, another start or end, other matchers).
 *
 * @param s - the silences store.
 * @param fields - the fields that differ from that silence.
 * @returns the stored silence's id.
 */
export function setAB(
  s: Silences,
  fields: Partial<Omit<PostableSilence, 'createdBy' | 'comment'>> = {}
): Promise<string> {
  return setUnsigned(s, { matchers: [eq('a', 'b')], startsAt: T0, endsAt: T0 + HOUR, ...fields })
}

/** mulberry32 is a small seeded PRNG, so a failing case can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
