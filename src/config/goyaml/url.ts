import { goQuote } from '../../labels/index.js'
import { AlertmeshError } from '../../util/index.js'

/**
 * The subset of Go's `net/url` (Go 1.19) that Alertmanager's config relies on: `url.Parse` with
 * its exact error texts, and `URL.String()`, whose normalisation is what `config.original`
 * shows (e.g. `http://x` stays `http://x`, unlike WHATWG URL which appends `/`).
 */

/** GoURL holds the fields of Go's url.URL that Parse can set. */
export interface GoURL {
  scheme: string
  opaque: string
  username: string | undefined
  password: string | undefined
  host: string
  path: string
  rawPath: string
  forceQuery: boolean
  rawQuery: string
  fragment: string
  rawFragment: string
}

/** GoUrlError is a url.Parse failure; its message is Go's `parse "<url>": <reason>`. */
export class GoUrlError extends AlertmeshError {
  constructor(message: string) {
    super('AM_CONFIG_INVALID', message)
    this.name = 'GoUrlError'
  }
}

type Mode = 'path' | 'host' | 'zone' | 'userinfo' | 'query' | 'fragment'

const enc = new TextEncoder()
const dec = new TextDecoder()

function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
    return false
  }
  const ch = String.fromCharCode(c)
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) {
    return false
  }
  if ('-_.~'.includes(ch)) {
    return false
  }
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?'
      case 'userinfo':
        return '@/?:'.includes(ch)
      case 'query':
        return true
      case 'fragment':
        return false
      case 'host':
      case 'zone':
        break
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) {
    return false
  }
  return true
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
}

/** unescape is Go's url.unescape over UTF-8 bytes. */
function unescape(s: string, mode: Mode): string {
  const b = enc.encode(s)
  const out: number[] = []
  for (let i = 0; i < b.length; i++) {
    const c = b[i] ?? 0
    if (c === 0x25) {
      const h1 = b[i + 1]
      const h2 = b[i + 2]
      if (h1 === undefined || h2 === undefined || !isHex(h1) || !isHex(h2)) {
        const bad = dec.decode(b.slice(i, Math.min(i + 3, b.length)))
        throw new Error(`invalid URL escape ${goQuote(bad)}`)
      }
      const v = parseInt(String.fromCharCode(h1, h2), 16)
      if (mode === 'host' && v < 0x80 && !(h1 === 0x32 && h2 === 0x35)) {
        throw new Error(`invalid URL escape ${goQuote(dec.decode(b.slice(i, i + 3)))}`)
      }
      out.push(v)
      i += 2
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new Error(`invalid character ${goQuote(String.fromCharCode(c))} in host name`)
      }
      out.push(c)
    }
  }
  return dec.decode(new Uint8Array(out))
}

/** escape is Go's url.escape over UTF-8 bytes (upper-case hex). */
function escape(s: string, mode: Mode): string {
  let out = ''
  for (const c of enc.encode(s)) {
    if (shouldEscape(c, mode)) {
      out +=
        c === 0x20 && mode === 'query' ? '+' : `%${c.toString(16).toUpperCase().padStart(2, '0')}`
    } else {
      out += String.fromCharCode(c)
    }
  }
  return out
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of enc.encode(s)) {
    if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(c))) {
      continue
    }
    if (shouldEscape(c, mode)) {
      return false
    }
  }
  return true
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port)
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']')
    if (i < 0) {
      throw new Error("missing ']' in host")
    }
    const colonPort = host.slice(i + 1)
    if (!validOptionalPort(colonPort)) {
      throw new Error(`invalid port ${goQuote(colonPort)} after host`)
    }
    const zone = host.slice(0, i).indexOf('%25')
    if (zone >= 0) {
      return (
        unescape(host.slice(0, zone), 'host') +
        unescape(host.slice(zone, i), 'zone') +
        unescape(host.slice(i), 'host')
      )
    }
  } else {
    const i = host.lastIndexOf(':')
    if (i !== -1 && !validOptionalPort(host.slice(i))) {
      throw new Error(`invalid port ${goQuote(host.slice(i))} after host`)
    }
  }
  return unescape(host, 'host')
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? ''
    if (/[a-zA-Z]/.test(c)) {
      continue
    }
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) {
        return ['', raw]
      }
      continue
    }
    if (c === ':') {
      if (i === 0) {
        throw new Error('missing protocol scheme')
      }
      return [raw.slice(0, i), raw.slice(i + 1)]
    }
    return ['', raw]
  }
  return ['', raw]
}

/**
 * parseGoUrl parses a URL as Go's `url.Parse` does.
 *
 * @param raw - the URL text.
 * @returns the parsed URL.
 * @throws GoUrlError with Go's message, e.g. `parse "http://a b": invalid character " " in host name`.
 */
export function parseGoUrl(raw: string): GoURL {
  const hash = raw.indexOf('#')
  const u = hash >= 0 ? raw.slice(0, hash) : raw
  const frag = hash >= 0 ? raw.slice(hash + 1) : ''
  const url: GoURL = {
    scheme: '',
    opaque: '',
    username: undefined,
    password: undefined,
    host: '',
    path: '',
    rawPath: '',
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  }
  try {
    parseInto(url, u)
  } catch (err) {
    throw new GoUrlError(`parse ${goQuote(u)}: ${(err as Error).message}`)
  }
  if (frag !== '') {
    try {
      url.fragment = unescape(frag, 'fragment')
      url.rawFragment = frag === escape(url.fragment, 'fragment') ? '' : frag
    } catch (err) {
      throw new GoUrlError(`parse ${goQuote(raw)}: ${(err as Error).message}`)
    }
  }
  return url
}

function parseInto(url: GoURL, raw: string): void {
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    throw new Error('net/url: invalid control character in URL')
  }
  if (raw === '*') {
    url.path = '*'
    return
  }
  const [scheme, rawRest] = getScheme(raw)
  let rest = rawRest
  url.scheme = scheme.toLowerCase()
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    url.forceQuery = true
    rest = rest.slice(0, -1)
  } else {
    const q = rest.indexOf('?')
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1)
      rest = rest.slice(0, q)
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest
      return
    }
    if ((rest.split('/')[0] ?? '').includes(':')) {
      throw new Error('first path segment in URL cannot contain colon')
    }
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2)
    rest = ''
    const slash = authority.indexOf('/')
    if (slash >= 0) {
      rest = authority.slice(slash)
      authority = authority.slice(0, slash)
    }
    const at = authority.lastIndexOf('@')
    url.host = parseHost(at < 0 ? authority : authority.slice(at + 1))
    if (at >= 0) {
      const userinfo = authority.slice(0, at)
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
        throw new Error('net/url: invalid userinfo')
      }
      const colon = userinfo.indexOf(':')
      url.username = unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userinfo')
      if (colon >= 0) {
        url.password = unescape(userinfo.slice(colon + 1), 'userinfo')
      }
    }
  }
  url.path = unescape(rest, 'path')
  url.rawPath = rest === escape(url.path, 'path') ? '' : rest
}

function escapedPath(u: GoURL): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) {
        return u.rawPath
      }
    } catch {
      // fall through to escaping Path, as Go does
    }
  }
  return u.path === '*' ? '*' : escape(u.path, 'path')
}

function escapedFragment(u: GoURL): string {
  if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
    try {
      if (unescape(u.rawFragment, 'fragment') === u.fragment) {
        return u.rawFragment
      }
    } catch {
      // fall through
    }
  }
  return escape(u.fragment, 'fragment')
}

/**
 * goUrlString renders a URL as Go's `URL.String()`.
 *
 * @param u - the URL.
 * @param redactPassword - replace a password with `xxxxx` (prometheus/common `URL.Redacted`).
 * @returns the URL text.
 */
export function goUrlString(u: GoURL, redactPassword = false): string {
  let out = u.scheme === '' ? '' : `${u.scheme}:`
  if (u.opaque !== '') {
    out += u.opaque
  } else {
    if (u.scheme !== '' || u.host !== '' || u.username !== undefined) {
      if (u.host !== '' || u.path !== '' || u.username !== undefined) {
        out += '//'
      }
      if (u.username !== undefined) {
        out += escape(u.username, 'userinfo')
        if (u.password !== undefined) {
          out += `:${redactPassword ? 'xxxxx' : escape(u.password, 'userinfo')}`
        }
        out += '@'
      }
      if (u.host !== '') {
        out += escape(u.host, 'host')
      }
    }
    const path = escapedPath(u)
    if (path !== '' && !path.startsWith('/') && u.host !== '') {
      out += '/'
    }
    if (out === '' && (path.split('/')[0] ?? '').includes(':')) {
      out += './'
    }
    out += path
  }
  if (u.forceQuery || u.rawQuery !== '') {
    out += `?${u.rawQuery}`
  }
  if (u.fragment !== '') {
    out += `#${escapedFragment(u)}`
  }
  return out
}

/**
 * parseHttpUrl is Alertmanager's `config.parseURL`: Go parsing plus an http/https scheme and a
 * non-empty host.
 *
 * @param raw - the URL text.
 * @returns the parsed URL.
 * @throws GoUrlError, e.g. `unsupported scheme "ftp" for URL` or `missing host for URL`.
 */
export function parseHttpUrl(raw: string): GoURL {
  const u = parseGoUrl(raw)
  if (u.scheme !== 'http' && u.scheme !== 'https') {
    throw new GoUrlError(`unsupported scheme ${goQuote(u.scheme)} for URL`)
  }
  if (u.host === '') {
    throw new GoUrlError('missing host for URL')
  }
  return u
}
