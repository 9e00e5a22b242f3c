// Small HTTP helpers shaped after Go's net/http, which is what Consul's answers come from.

import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * cleanPath is Go's ServeMux cleanPath: resolve `.` and `..`, collapse repeated slashes, keep a
 * trailing slash. Consul's mux redirects (301) any request whose path is not already clean, so a
 * KV key with a leading slash, `//` or a `.` segment never reaches the KV endpoint.
 *
 * @param p - a decoded URL path.
 * @returns the clean path.
 */
export function cleanPath(p: string): string {
  if (p === '') {
    return '/'
  }
  const rooted = p.startsWith('/') ? p : `/${p}`
  const out: string[] = []
  for (const part of rooted.split('/')) {
    if (part === '' || part === '.') {
      continue
    }
    if (part === '..') {
      out.pop()
      continue
    }
    out.push(part)
  }
  let clean = `/${out.join('/')}`
  if (rooted.endsWith('/') && clean !== '/') {
    clean += '/'
  }
  return clean
}

/**
 * decodePath percent-decodes a raw URL path into the bytes Go would put in URL.Path, read as
 * UTF-8.
 *
 * @param raw - the raw path.
 * @returns the decoded path, or undefined for a malformed escape.
 */
export function decodePath(raw: string): string | undefined {
  const bytes: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i)
    if (ch === 0x25) {
      const hex = raw.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        return undefined
      }
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(raw[i] ?? ''))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * goEncodeQuery is Go's url.Values.Encode: keys sorted, form-encoded.
 *
 * @param query - the parameters.
 * @returns the encoded string.
 */
export function goEncodeQuery(query: URLSearchParams): string {
  const keys = [...new Set(query.keys())].sort()
  const esc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+')
  return keys.flatMap((k) => query.getAll(k).map((v) => `${esc(k)}=${esc(v)}`)).join('&')
}

/**
 * parseGoBool is strconv.ParseBool.
 *
 * @param value - the text.
 * @returns the value, or undefined when Go would fail.
 */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) {
    return true
  }
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) {
    return false
  }
  return undefined
}

/**
 * parseGoUint64 is strconv.ParseUint(s, 10, 64).
 *
 * @param value - the text.
 * @returns the number, or an error text in Go's words.
 */
export function parseGoUint64(value: string): bigint | { error: string } {
  if (!/^\d+$/.test(value)) {
    return { error: `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax` }
  }
  const n = BigInt(value)
  if (n > 0xffff_ffff_ffff_ffffn) {
    return { error: `strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range` }
  }
  return n
}

/**
 * readBody collects a request body, keeping at most `limit` + 1 bytes so an oversized upload
 * can be refused without buffering all of it.
 *
 * @param req - the request.
 * @param limit - the most bytes of interest.
 * @returns the bytes and the full length seen.
 */
export async function readBody(
  req: IncomingMessage,
  limit = Number.POSITIVE_INFINITY
): Promise<{ body: Buffer; length: number }> {
  const chunks: Buffer[] = []
  let kept = 0
  let length = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length
    if (kept <= limit) {
      chunks.push(chunk)
      kept += chunk.length
    }
  }
  return { body: Buffer.concat(chunks), length }
}

/**
 * send writes a complete response.
 *
 * @param res - the response.
 * @param status - the status code.
 * @param body - the body ('' for none).
 * @param contentType - the Content-Type, if any.
 */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType?: string
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  if (contentType !== undefined) {
    res.setHeader('Content-Type', contentType)
  }
  res.setHeader('Content-Length', bytes.length)
  res.writeHead(status)
  res.end(bytes)
}

/**
 * sendText writes a plain-text reason, as Go does for Consul's errors (the body is sniffed as
 * text/plain).
 *
 * @param res - the response.
 * @param status - the status.
 * @param text - the reason.
 */
export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, text, 'text/plain; charset=utf-8')
}

/**
 * sendJson writes a JSON body.
 *
 * @param res - the response.
 * @param status - the status.
 * @param body - the value to serialise.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json')
}
