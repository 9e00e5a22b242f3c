// Reading a store's files at start-up: torn writes and corrupt tails keep what comes before
// them, are reported with file and byte offset, and the damaged file is kept as `.corrupt`.
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import { issueText, keepCorruptCopy, loadStoreFiles, readStoreFile } from '#src/storage/index.js'
import type { StoreFile } from '#src/storage/index.js'

import { decode, encode, rec, tempDirs } from './helpers.js'
import type { Rec } from './helpers.js'

const dir = tempDirs()

const THREE = encode([rec('a'), rec('b'), rec('c')])
const ONE = encode([rec('a')]).length
const cat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts)

describe('readStoreFile', () => {
  it('reads a missing file as empty, without issues', async () => {
    const path = join(dir(), 'nope')
    assert.deepEqual(await readStoreFile(path, decode), {
      path,
      exists: false,
      size: 0,
      records: [],
      issues: [],
    })
  })

  it('fails on a file that exists but cannot be read', async () => {
    // A directory cannot be read as a file (EISDIR).
    const d = dir()
    await mkdir(d)
    await assert.rejects(readStoreFile(d, decode), { code: 'EISDIR' })
  })

  const cases: {
    name: string
    content: Uint8Array
    keys: string[]
    issues: { offset: number; message: RegExp }[]
  }[] = [
    // An empty file is an empty state.
    { name: 'an empty file', content: new Uint8Array(), keys: [], issues: [] },
    // What the encoder wrote comes back in order.
    { name: 'a clean file', content: THREE, keys: ['a', 'b', 'c'], issues: [] },
    // A torn write: the last record was cut short by a crash during an append.
    {
      name: 'a torn last record',
      content: THREE.subarray(0, THREE.length - 2),
      keys: ['a', 'b'],
      issues: [{ offset: 2 * ONE, message: /truncated/ }],
    },
    // A corrupt tail: garbage after good records stops reading there.
    {
      name: 'a corrupt tail',
      content: cat(THREE, Buffer.from([0xff, 0xff, 0xff, 0x07, 1, 2, 3])),
      keys: ['a', 'b', 'c'],
      issues: [{ offset: THREE.length, message: /truncated/ }],
    },
    // A record that does not decode is skipped; its length prefix still frames the next.
    {
      name: 'an undecodable record in the middle',
      content: cat(encode([rec('a')]), Buffer.from([2, 0x41, 0x42]), encode([rec('b')])),
      keys: ['a', 'b'],
      issues: [{ offset: ONE, message: /undecodable/ }],
    },
  ]
  for (const c of cases) {
    it(`reads ${c.name}`, async () => {
      const path = dir()
      await writeFile(path, c.content)
      const file = await readStoreFile(path, decode)
      assert.equal(file.exists, true)
      assert.equal(file.size, c.content.length)
      assert.deepEqual(
        file.records.map((r) => r.key),
        c.keys
      )
      assert.equal(file.issues.length, c.issues.length)
      c.issues.forEach((want, i) => {
        const got = file.issues[i]
        assert.ok(got)
        assert.equal(got.offset, want.offset)
        assert.match(got.message, want.message)
      })
    })
  }
})

describe('issueText', () => {
  it('names the file and the byte offset', () => {
    assert.equal(
      issueText('/data/silences', { offset: 220, message: 'truncated record' }),
      '/data/silences: byte 220: truncated record'
    )
  })
})

describe('keepCorruptCopy', () => {
  it('copies the damaged file to <file>.corrupt', async () => {
    const d = dir()
    await mkdir(d)
    const path = join(d, 'damaged')
    await writeFile(path, 'damaged')
    assert.equal(await keepCorruptCopy(path), `${path}.corrupt`)
    assert.equal(await readFile(`${path}.corrupt`, 'utf8'), 'damaged')
  })

  it('fails when the file cannot be copied', async () => {
    await assert.rejects(keepCorruptCopy(join(dir(), 'gone')), { code: 'ENOENT' })
  })
})

describe('loadStoreFiles', () => {
  async function load(
    d: string,
    files: { snap?: Uint8Array; journal?: Uint8Array },
    keepFailed?: (file: StoreFile<Rec>, err: unknown) => void
  ): Promise<{ loaded: Awaited<ReturnType<typeof loadStoreFiles<Rec>>>; events: string[] }> {
    await mkdir(d, { recursive: true })
    if (files.snap !== undefined) {
      await writeFile(join(d, 'snap'), files.snap)
    }
    if (files.journal !== undefined) {
      await writeFile(join(d, 'snap.journal'), files.journal)
    }
    const events: string[] = []
    const loaded = await loadStoreFiles<Rec>({
      dir: d,
      snapshotFile: 'snap',
      journalFile: 'snap.journal',
      decode,
      events: {
        read: (f) => events.push(`read ${f.path} ${f.issues.length}`),
        kept: (f, copy) => events.push(`kept ${f.path} ${copy}`),
        ...(keepFailed === undefined ? {} : { keepFailed }),
      },
    })
    return { loaded, events }
  }

  it('creates a missing directory and finds nothing to do', async () => {
    const d = join(dir(), 'deeper')
    const { loaded, events } = await load(d, {})
    assert.equal(loaded.snapshot.exists, false)
    assert.equal(loaded.journal.exists, false)
    assert.deepEqual(loaded.errors, [])
    assert.equal(loaded.needsCompaction, false)
    assert.deepEqual(events, [`read ${d}/snap 0`, `read ${d}/snap.journal 0`])
  })

  it('asks for a compaction when the journal has content, so appends never follow it', async () => {
    const d = dir()
    const { loaded } = await load(d, { snap: THREE, journal: encode([rec('d')]) })
    assert.deepEqual(
      loaded.journal.records.map((r) => r.key),
      ['d']
    )
    assert.deepEqual(loaded.errors, [])
    assert.equal(loaded.needsCompaction, true)
  })

  const damaged: {
    name: string
    snap: Uint8Array
    journal?: Uint8Array
    file: 'snap' | 'snap.journal'
    error: RegExp
  }[] = [
    // A torn write in the journal (crash during an append).
    {
      name: 'a torn journal',
      snap: THREE,
      journal: encode([rec('d'), rec('e')]).subarray(0, 2 * ONE - 1),
      file: 'snap.journal',
      error: new RegExp(`/snap\\.journal: byte ${ONE}: truncated`),
    },
    // A corrupt tail on the snapshot (not something atomicWrite leaves; a disk fault).
    {
      name: 'a snapshot with a corrupt tail',
      snap: cat(THREE, Buffer.from('\xff\xff\xff garbage')),
      file: 'snap',
      error: new RegExp(`/snap: byte ${THREE.length}: truncated`),
    },
  ]
  for (const c of damaged) {
    it(`keeps ${c.name} as .corrupt, reports file and offset, and asks for a compaction`, async () => {
      const d = dir()
      const { loaded, events } = await load(d, {
        snap: c.snap,
        ...(c.journal === undefined ? {} : { journal: c.journal }),
      })
      assert.equal(loaded.errors.length, 1)
      assert.match(loaded.errors[0] ?? '', c.error)
      assert.equal(loaded.needsCompaction, true)
      const path = join(d, c.file)
      assert.deepEqual(await readFile(`${path}.corrupt`), await readFile(path))
      assert.equal(events.at(-1), `kept ${path} ${path}.corrupt`)
    })
  }

  it('fails when the copy fails, unless the store handles it', async () => {
    // A .corrupt directory in the way makes the copy fail.
    const d = dir()
    await mkdir(join(d, 'snap.corrupt'), { recursive: true })
    const torn = { snap: THREE.subarray(0, 3) }
    await assert.rejects(load(d, torn), { code: 'EISDIR' })
    const failed: string[] = []
    const { loaded } = await load(d, torn, (f) => failed.push(f.path))
    assert.deepEqual(failed, [join(d, 'snap')])
    assert.equal(loaded.needsCompaction, true)
  })
})
