import { readFile } from 'node:fs/promises'

import type { HttpClientConfig } from '../../config/index.js'
import { errorMessage } from '../../util/index.js'

import { TransportError } from './errors.js'

/**
 * basicAuthorization renders a `Basic` Authorization header value like Go's `SetBasicAuth`.
 *
 * @param username - sent as is.
 * @param password - sent as is.
 * @returns `Basic <base64(username:password)>`.
 */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

/**
 * configuredAuthorization computes the Authorization header the static auth settings of an
 * `http_config` produce for one request, reading any `*_file` now (prometheus/common reads them
 * on every request so rotated secrets apply without a reload).
 *
 * Precedence mirrors prometheus/common's round-tripper chain, where each layer only sets the
 * header when nothing outside it did: a header already present (the caller's, or Go's basic
 * auth from URL userinfo) wins, then `basic_auth`, then `bearer_token`/`bearer_token_file`,
 * then `authorization`. (`oauth2`, handled elsewhere, overrides all of them, as
 * `oauth2.Transport` does.) Config validation allows only one of them anyway.
 *
 * @param config - the http_config.
 * @param existing - the Authorization value already on the request, if any.
 * @returns the header value to send, or undefined for none.
 * @throws TransportError when a credentials file cannot be read (retryable, as in Go).
 */
export async function configuredAuthorization(
  config: HttpClientConfig,
  existing: string | undefined
): Promise<string | undefined> {
  if (existing !== undefined && existing !== '') {
    return existing
  }
  const basic = config.basic_auth
  if (basic !== undefined) {
    const password =
      basic.password_file !== undefined && basic.password_file !== ''
        ? await readSecretFile(basic.password_file, 'unable to read basic auth password file')
        : (basic.password ?? '')
    // basicAuthRoundTripper trims both the inline and the file password.
    return basicAuthorization(basic.username, password.trim())
  }
  if (config.bearer_token !== undefined && config.bearer_token !== '') {
    return `Bearer ${config.bearer_token}`
  }
  if (config.bearer_token_file !== undefined && config.bearer_token_file !== '') {
    const token = await readSecretFile(
      config.bearer_token_file,
      'unable to read authorization credentials file'
    )
    return `Bearer ${token.trim()}`
  }
  const authorization = config.authorization
  if (authorization !== undefined) {
    const type = authorization.type === '' ? 'Bearer' : authorization.type
    if (authorization.credentials !== undefined && authorization.credentials !== '') {
      return `${type} ${authorization.credentials}`
    }
    if (authorization.credentials_file !== undefined && authorization.credentials_file !== '') {
      const credentials = await readSecretFile(
        authorization.credentials_file,
        'unable to read authorization credentials file'
      )
      return `${type} ${credentials.trim()}`
    }
  }
  return undefined
}

/**
 * readSecretFile reads a credentials file, failing with prometheus/common's wording.
 *
 * @param path - the file.
 * @param what - the message prefix, e.g. `unable to read basic auth password file`.
 * @returns the file's text, untrimmed.
 * @throws TransportError naming the file (never its content).
 */
export async function readSecretFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new TransportError(`${what} ${path}: ${errorMessage(err)}`, { cause: err })
  }
}
