import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * atomicWrite replaces a file so that a crash at any point leaves either the old or the new
 * content, never a mix: write a temp file in the same directory, fsync it, rename it over the
 * target, then fsync the directory so the rename itself is durable (Alertmanager's
 * replaceFile, plus the directory sync it omits).
 *
 * @param path - the file to replace.
 * @param data - the new content.
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const file = await open(temp, 'w', 0o640)
  try {
    await file.writeFile(data)
    await file.sync()
  } catch (err: unknown) {
    await file.close()
    await rm(temp, { force: true })
    throw err
  }
  await file.close()
  try {
    await rename(temp, path)
  } catch (err: unknown) {
    await rm(temp, { force: true })
    throw err
  }
  await syncDir(dir)
}

/**
 * syncDir fsyncs a directory, making renames and new files in it durable.
 *
 * @param dir - the directory.
 */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
