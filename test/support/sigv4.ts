// An independent AWS Signature Version 4 check, written from AWS's published algorithm
// ("Create a signed AWS API request", docs.aws.amazon.com/IAM/latest/UserGuide) with
// node:crypto only, so that tests of the SNS notifier do not trust aws4 to check aws4.
import { createHash, createHmac } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/** SignedRequest is what a server saw: method, path and query, headers, body. */
export interface SignedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** ParsedAuthorization is the parts of a SigV4 `Authorization` header. */
export interface ParsedAuthorization {
  readonly accessKey: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

/**
 * parseAuthorization splits `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/
 * aws4_request, SignedHeaders=<a;b>, Signature=<hex>`.
 *
 * @param header - the Authorization header.
 * @returns its parts.
 */
export function parseAuthorization(header: string): ParsedAuthorization {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header
    )
  if (match === null) {
    throw new Error(`not a SigV4 Authorization header: ${header}`)
  }
  const [, accessKey = '', date = '', region = '', service = '', signed = '', signature = ''] =
    match
  return { accessKey, date, region, service, signedHeaders: signed.split(';'), signature }
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest()

/** uriEncode is SigV4's UriEncode: every byte but the unreserved ones as %XX. */
function uriEncode(text: string, keepSlash: boolean): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) {
      out += c
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}

/**
 * expectedSignature recomputes a request's SigV4 signature from the secret key: the canonical
 * request (method, URI-encoded path, sorted query, the signed headers lower-cased and trimmed,
 * the body's SHA-256), the string to sign with X-Amz-Date and the credential scope, and the
 * HMAC chain `AWS4<secret>` → date → region → service → `aws4_request`.
 *
 * @param request - the request as received.
 * @param secretKey - the secret access key.
 * @returns the hex signature the request should carry.
 */
export function expectedSignature(request: SignedRequest, secretKey: string): string {
  const auth = parseAuthorization(String(request.headers.authorization))
  const [rawPath = '/', rawQuery = ''] = request.path.split('?', 2)
  // Non-S3 services encode the (already encoded) path once more.
  const canonicalPath = uriEncode(rawPath, true)
  const canonicalQuery = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const [k = '', v = ''] = p.split('=', 2)
      return [uriEncode(decodeURIComponent(k), false), uriEncode(decodeURIComponent(v), false)]
    })
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const value = request.headers[name]
      const text = Array.isArray(value) ? value.join(',') : (value ?? '')
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`
    })
    .join('')
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    sha256(request.body),
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n')
  const key = [auth.date, auth.region, auth.service, 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    `AWS4${secretKey}`
  )
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}

/**
 * signatureIsValid says whether the request's signature is the one the secret key makes.
 *
 * @param request - the request as received.
 * @param secretKey - the secret access key.
 * @returns true when they match.
 */
export function signatureIsValid(request: SignedRequest, secretKey: string): boolean {
  const auth = parseAuthorization(String(request.headers.authorization))
  return auth.signature === expectedSignature(request, secretKey)
}
