// How the scripts talk to nodes started with --web.config.file: a client config in the format of
// amtool's --http.config.file (Prometheus common's HTTPClientConfig, the subset that matters
// here: basic_auth and tls_config), and a GET that uses it.
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { dirname, isAbsolute, join } from 'node:path'

import { load } from 'js-yaml'

import { ScriptError } from './cli.mjs'

/**
 * @typedef {object} HttpClient
 * @property {string | undefined} authorization - the Authorization header, if any.
 * @property {{ca?: Buffer, cert?: Buffer, key?: Buffer, rejectUnauthorized: boolean}} tls -
 *   the TLS options for https URLs.
 */

/** PLAIN is the client without a config: no credentials, the system CAs. */
export const PLAIN = /** @type {HttpClient} */ ({
  authorization: undefined,
  tls: { rejectUnauthorized: true },
})

/**
 * loadHttpClient reads an amtool-style HTTP client config.
 *
 * @param {string | undefined} path - the file, or undefined for PLAIN.
 * @returns {HttpClient} the client settings.
 */
export function loadHttpClient(path) {
  if (path === undefined) {
    return PLAIN
  }
  const doc = /** @type {any} */ (load(readFileSync(path, 'utf8')) ?? {})
  const known = ['basic_auth', 'tls_config']
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) {
      throw new ScriptError(`${path}: ${key} is not supported here (only ${known.join(', ')})`)
    }
  }
  const file = (/** @type {unknown} */ p) =>
    typeof p === 'string' && p !== ''
      ? readFileSync(isAbsolute(p) ? p : join(dirname(path), p))
      : undefined
  const auth = doc.basic_auth
  let authorization
  if (auth !== undefined && auth !== null) {
    const password =
      auth.password_file === undefined
        ? String(auth.password ?? '')
        : String(file(auth.password_file)).trim()
    authorization = `Basic ${Buffer.from(`${String(auth.username ?? '')}:${password}`).toString('base64')}`
  }
  const t = doc.tls_config ?? {}
  const ca = file(t.ca_file)
  const cert = file(t.cert_file)
  const key = file(t.key_file)
  return {
    authorization,
    tls: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      rejectUnauthorized: t.insecure_skip_verify !== true,
    },
  }
}

/**
 * get fetches a URL with the client's credentials and CA, with a 3 s timeout.
 *
 * @param {string} url - http:// or https://.
 * @param {HttpClient} client - credentials and TLS settings.
 * @returns {Promise<{status: number, text: string}>} the answer.
 */
export function get(url, client) {
  const https = url.startsWith('https:')
  const send = https ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        timeout: 3000,
        headers: client.authorization === undefined ? {} : { Authorization: client.authorization },
        ...(https ? client.tls : {}),
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text })
        })
        res.on('error', reject)
      }
    )
    req.on('timeout', () => {
      req.destroy(new Error(`GET ${url}: timed out`))
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * webScheme says how nodes started with a web config file are reached.
 *
 * @param {string | undefined} webConfig - the --web.config.file given to the nodes.
 * @returns {'http' | 'https'} https when the file has a tls_server_config certificate.
 */
export function webScheme(webConfig) {
  if (webConfig === undefined) {
    return 'http'
  }
  const doc = /** @type {any} */ (load(readFileSync(webConfig, 'utf8')) ?? {})
  return doc?.tls_server_config?.cert_file ? 'https' : 'http'
}
