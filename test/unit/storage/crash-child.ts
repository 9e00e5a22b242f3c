// The child process of crash.test.ts: it writes to a DurableStore until its parent kills it with
// SIGKILL, and tells the parent on stdout what is durable (`ack <key>`) and where it stands.
//
//   node crash-child.js writes <dir>        endless parallel writes, compacting every few KiB
//   node crash-child.js before-rename <dir> one write, then a compaction that stops right before
//                                           its rename (the temp file is written and fsynced)
//   node crash-child.js after-rename <dir>  the same, stopping right after the rename (the
//                                           journal is not truncated yet)
import { createRequire, syncBuiltinESMExports } from 'node:module'

import { DurableStore, loadStoreFiles } from '#src/storage/index.js'

import { decode, encode, rec } from './helpers.js'
import type { Rec } from './helpers.js'

const [mode = '', dir = ''] = process.argv.slice(2)

function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** stopAround makes the next rename announce itself and hang, before or after renaming. */
function stopAround(when: 'before' | 'after'): void {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as {
    rename: (from: string, to: string) => Promise<void>
  }
  const rename = fsp.rename
  fsp.rename = async (from, to) => {
    if (when === 'after') {
      await rename(from, to)
    }
    say(`${when} rename ${from}`)
    // Wait for the SIGKILL. A pending promise alone does not keep Node running (the process
    // would exit with an unsettled top-level await and race the kill): a timer does.
    setInterval(() => undefined, 60_000)
    await new Promise(() => undefined)
  }
  // atomicWrite imports rename from node:fs/promises; its binding follows the patched export.
  syncBuiltinESMExports()
}

const loaded = await loadStoreFiles({
  dir,
  snapshotFile: 'snap',
  journalFile: 'snap.journal',
  decode,
})
const state = new Map<string, Rec>()
for (const r of [...loaded.snapshot.records, ...loaded.journal.records]) {
  state.set(r.key, r)
}
const store = await DurableStore.open<Rec>({
  dir,
  snapshotFile: 'snap',
  journalFile: 'snap.journal',
  name: 'crash child',
  encode,
  state: () => state.values(),
  compactBytes: 4096,
})
say('ready')

if (mode === 'writes') {
  let next = 0
  const writer = async (): Promise<void> => {
    for (;;) {
      const r = rec(`k${next++}`, 'x'.repeat(40))
      state.set(r.key, r)
      await store.write([r])
      say(`ack ${r.key}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, writer))
} else {
  const r = rec('new')
  state.set(r.key, r)
  await store.write([r])
  say(`ack ${r.key}`)
  stopAround(mode === 'before-rename' ? 'before' : 'after')
  await store.compact()
}
