import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

import { AlertmeshError, goPathErrorText } from '../util/index.js'

/** SecretFileError is a secret file that could not be read, worded as Go's *fs.PathError. */
export class SecretFileError extends AlertmeshError {
  override name = 'SecretFileError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_SECRET_FILE_UNREADABLE', message, options)
  }
}

/**
 * readSecretFile reads a `*_file` secret (api_key_file, routing_key_file, auth_password_file,
 * api_url_file, …) at notification time, as Alertmanager 0.25's notifiers do with os.ReadFile:
 * a rotated file is used by the next notification without a reload. Whether surrounding white
 * space is trimmed differs per field in 0.25 (PagerDuty, VictorOps and Slack trim; email's
 * password and OpsGenie's key do not), so the caller says.
 *
 * @param path - the configured file.
 * @param whitespace - `'trim'` for strings.TrimSpace, `'keep'` for the bytes as they are.
 * @returns the secret.
 * @throws SecretFileError with Go's message, e.g. `open /etc/key: no such file or directory`;
 *   each notifier wraps it in its own words, as 0.25 does.
 */
export async function readSecretFile(path: string, whitespace: 'trim' | 'keep'): Promise<string> {
  let content: string
  try {
    content = await readFile(path, 'utf8')
  } catch (err: unknown) {
    throw goPathError(path, err)
  }
  return trimmed(content, whitespace)
}

/**
 * readSecretFileSync is {@link readSecretFile} for the notifiers that read their secret once,
 * when they are built, as newer Alertmanager's Rocket.Chat and incident.io notifiers do in their
 * New, so that an unreadable file fails the (re)load as there.
 *
 * @param path - the configured file.
 * @param whitespace - `'trim'` for strings.TrimSpace, `'keep'` for the bytes as they are.
 * @returns the secret.
 * @throws SecretFileError with Go's message, e.g. `open /etc/key: no such file or directory`.
 */
export function readSecretFileSync(path: string, whitespace: 'trim' | 'keep'): string {
  let content: string
  try {
    content = readFileSync(path, 'utf8')
  } catch (err: unknown) {
    throw goPathError(path, err)
  }
  return trimmed(content, whitespace)
}

/** goPathError words a failed read as Go's *fs.PathError (src/util's wording). */
function goPathError(path: string, err: unknown): SecretFileError {
  return new SecretFileError(goPathErrorText(path, err), { cause: err })
}

function trimmed(content: string, whitespace: 'trim' | 'keep'): string {
  // Go's strings.TrimSpace: Unicode white space at both ends.
  return whitespace === 'trim' ? content.replace(/^\s+|\s+$/gu, '') : content
}
