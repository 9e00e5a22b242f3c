// A real process killed with SIGKILL in the middle of writing loses nothing it acknowledged,
// and leaves files the next start reads: during a stream of writes and compactions, between a
// snapshot's write and its rename, and between the rename and the journal's truncation.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

import { DurableStore, loadStoreFiles } from '#src/storage/index.js'

import { decode, encode, rec, tempDirs } from './helpers.js'
import type { Rec } from './helpers.js'

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url))

const freshDir = tempDirs()

/**
 * runChild starts the child and SIGKILLs it once `killWhen` accepts a line it printed.
 *
 * @returns every line the child printed before it died, and the signal that ended it.
 */
function runChild(
  mode: string,
  dir: string,
  killWhen: (line: string, lines: readonly string[]) => boolean
): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [CHILD, mode, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  let rest = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      if (killWhen(line, lines)) {
        child.kill('SIGKILL')
      }
    }
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      resolve({ lines, signal })
    })
  })
}

/** reopen reads the directory as a restarting store does, then compacts and reads it again. */
async function reopen(dir: string): Promise<{ keys: Set<string>; errors: readonly string[] }> {
  const files = { dir, snapshotFile: 'snap', journalFile: 'snap.journal' }
  const loaded = await loadStoreFiles({ ...files, decode })
  const state = new Map<string, Rec>()
  for (const r of [...loaded.snapshot.records, ...loaded.journal.records]) {
    state.set(r.key, r)
  }
  const store = await DurableStore.open<Rec>({
    ...files,
    name: 'reopened',
    encode,
    state: () => state.values(),
    compactBytes: 1 << 20,
  })
  await store.close()
  const again = await loadStoreFiles({ ...files, decode })
  assert.deepEqual(again.errors, [], 'the restart left clean files')
  assert.deepEqual(new Set(again.snapshot.records.map((r) => r.key)), new Set(state.keys()))
  return { keys: new Set(state.keys()), errors: loaded.errors }
}

describe('DurableStore under SIGKILL', () => {
  it('keeps every acknowledged write when killed during writes and compactions', async () => {
    const dir = freshDir()
    const { lines, signal } = await runChild('writes', dir, (_line, all) => all.length === 600)
    assert.equal(signal, 'SIGKILL')
    const acked = lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4))
    assert.ok(acked.length > 500, `${acked.length} acks`)
    const { keys, errors } = await reopen(dir)
    assert.deepEqual(
      acked.filter((k) => !keys.has(k)),
      [],
      'acknowledged writes lost'
    )
    // Only the journal's tail can be torn: the snapshot is replaced by rename, never in place.
    assert.ok(
      errors.every((e) => e.includes('/snap.journal: byte ')),
      errors.join('\n')
    )
  })

  const stops: { mode: string; snapshot: string[] }[] = [
    // Killed with the new snapshot complete in its temp file: the old snapshot is untouched.
    { mode: 'before-rename', snapshot: ['old1', 'old2'] },
    // Killed after the rename: the new snapshot is in place, the journal not truncated yet.
    { mode: 'after-rename', snapshot: ['old1', 'old2', 'new'] },
  ]
  for (const c of stops) {
    it(`loses nothing when killed ${c.mode.replace('-', ' ')}`, async () => {
      const dir = freshDir()
      await mkdir(dir)
      await writeFile(join(dir, 'snap'), encode([rec('old1'), rec('old2')]))
      const stop = c.mode.replace('-', ' ')
      const run = await runChild(c.mode, dir, (line) => line.startsWith(stop))
      assert.equal(run.signal, 'SIGKILL')
      assert.ok(run.lines.includes('ack new'))
      assert.ok(run.lines.at(-1)?.startsWith(stop), 'killed at the rename')
      const temp = run.lines.at(-1)?.split(' ').at(-1) ?? ''
      assert.deepEqual(
        decode(await readFile(join(dir, 'snap'))).records.map((r) => r.key),
        c.snapshot
      )
      // The journal still holds the acknowledged write: it is truncated only after the rename.
      assert.deepEqual(
        decode(await readFile(join(dir, 'snap.journal'))).records.map((r) => r.key),
        ['new']
      )
      if (c.mode === 'before-rename') {
        // The temp file was complete: only the rename was missing.
        assert.deepEqual(
          decode(await readFile(temp)).records.map((r) => r.key),
          ['old1', 'old2', 'new']
        )
      }
      const { keys, errors } = await reopen(dir)
      assert.deepEqual([...keys].sort(), ['new', 'old1', 'old2'])
      assert.deepEqual(errors, [])
    })
  }
})
