/** GO_ERRNO_TEXT are Go's syscall error strings for the errno codes a file read can meet. */
export const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
}

/**
 * goPathErrorText words a failed os.ReadFile as Go's *fs.PathError does:
 * `open /etc/x: no such file or directory` (`read …: is a directory` for a directory, which Go
 * opens fine and fails to read).
 *
 * @param path - the file.
 * @param err - what node:fs threw.
 * @returns Go's message.
 */
export function goPathErrorText(path: string, err: unknown): string {
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined
  const text = code === undefined ? undefined : GO_ERRNO_TEXT[code]
  const op = code === 'EISDIR' ? 'read' : 'open'
  return `${op} ${path}: ${text ?? (err instanceof Error ? err.message : String(err))}`
}
