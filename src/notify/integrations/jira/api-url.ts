import { goUrlString } from '../../../config/index.js'
import type { GoURL } from '../../../config/index.js'

/**
 * joinAPIPath is Go's `URL.JoinPath(elem).String()` as the jira notifier builds its request
 * URLs from `api_url` (notify/jira/jira.go doAPIRequest): the escaped path and the element are
 * joined and cleaned (path.Join), a trailing slash of the element is kept, the query stays and
 * the fragment, which is never sent, is dropped.
 *
 * @param u - the configured api_url.
 * @param elem - e.g. `issue`, `issue/OPS-1/transitions` or `/search`.
 * @returns the request URL.
 *
 * @example
 * ```ts
 * joinAPIPath(parseGoUrl('https://x.atlassian.net/rest/api/2/'), 'issue')
 * // 'https://x.atlassian.net/rest/api/2/issue'
 * ```
 */
export function joinAPIPath(u: GoURL, elem: string): string {
  const escaped = goUrlString({ ...noQuery(u), scheme: '', host: '', username: undefined })
  let p = escaped.startsWith('/')
    ? goPathJoin(escaped, elem)
    : goPathJoin(`/${escaped}`, elem).slice(1)
  if (elem.endsWith('/') && !p.endsWith('/')) {
    p += '/'
  }
  const origin = goUrlString({ ...noQuery(u), path: '', rawPath: '' })
  const slash = p !== '' && !p.startsWith('/') && u.host !== '' ? '/' : ''
  const query = u.forceQuery || u.rawQuery !== '' ? `?${u.rawQuery}` : ''
  return `${origin}${slash}${p}${query}`
}

/**
 * isAPIv3Path is the notifier's isAPIv3Path: the api_url's path ends in `/3`, trailing slashes
 * aside, so the description is sent as ADF JSON.
 *
 * @param path - the api_url's path.
 * @returns whether the URL is Jira's REST API v3.
 */
export function isAPIv3Path(path: string): boolean {
  return path.replace(/\/+$/, '').endsWith('/3')
}

function noQuery(u: GoURL): GoURL {
  return { ...u, rawQuery: '', forceQuery: false, fragment: '', rawFragment: '' }
}

/** goPathJoin is Go's path.Join of two elements. */
function goPathJoin(a: string, b: string): string {
  const parts = [a, b].filter((e) => e !== '')
  return parts.length === 0 ? '' : goPathClean(parts.join('/'))
}

/** goPathClean is Go's path.Clean: one slash, no `.`, `..` resolved lexically. */
export function goPathClean(p: string): string {
  if (p === '') {
    return '.'
  }
  const rooted = p.startsWith('/')
  const out: string[] = []
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') {
      continue
    }
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') {
        out.pop()
      } else if (!rooted) {
        out.push('..')
      }
      continue
    }
    out.push(segment)
  }
  const joined = out.join('/')
  if (rooted) {
    return `/${joined}`
  }
  return joined === '' ? '.' : joined
}
