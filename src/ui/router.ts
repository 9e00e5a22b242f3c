// Hash routes, the same paths as Alertmanager's UI so bookmarks keep working: #/alerts,
// #/silences, #/silences/new, #/silences/<id>, #/silences/<id>/edit, #/status. Query parameters
// (filters, tabs) live after a `?` inside the hash, so a filtered view survives a reload.
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { readonly page: 'alerts'; readonly query: URLSearchParams }
  | { readonly page: 'alert-story'; readonly fingerprint: string; readonly query: URLSearchParams }
  | { readonly page: 'silences'; readonly query: URLSearchParams }
  | { readonly page: 'silence-new'; readonly query: URLSearchParams }
  | { readonly page: 'silence-view'; readonly id: string; readonly query: URLSearchParams }
  | { readonly page: 'silence-edit'; readonly id: string; readonly query: URLSearchParams }
  | { readonly page: 'status'; readonly query: URLSearchParams }
  | { readonly page: 'routes'; readonly query: URLSearchParams }
  | { readonly page: 'not-found'; readonly path: string; readonly query: URLSearchParams }

/** parseHash reads a location hash (`#/silences/abc/edit?x=1`) into a route. */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '')
  const at = text.indexOf('?')
  const path = (at < 0 ? text : text.slice(0, at)).replace(/\/+$/, '')
  const query = new URLSearchParams(at < 0 ? '' : text.slice(at + 1))
  const parts = path.split('/').filter((p) => p !== '')
  const [first, second, third] = parts.map((p) => decodeURIComponent(p))
  if (parts.length === 0 || (first === 'alerts' && parts.length === 1)) {
    return { page: 'alerts', query }
  }
  if (first === 'alerts' && second !== undefined && parts.length === 2) {
    return { page: 'alert-story', fingerprint: second, query }
  }
  if (first === 'status' && parts.length === 1) {
    return { page: 'status', query }
  }
  if (first === 'routes' && parts.length === 1) {
    return { page: 'routes', query }
  }
  if (first === 'silences') {
    if (second === undefined) {
      return { page: 'silences', query }
    }
    if (second === 'new' && third === undefined) {
      return { page: 'silence-new', query }
    }
    if (third === undefined) {
      return { page: 'silence-view', id: second, query }
    }
    if (third === 'edit' && parts.length === 3) {
      return { page: 'silence-edit', id: second, query }
    }
  }
  return { page: 'not-found', path, query }
}

/** href builds a hash link: `href('/silences', {tab: 'expired'})` is `#/silences?tab=expired`. */
export function href(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') {
      params.set(key, value)
    }
  }
  const text = params.toString()
  return `#${path}${text === '' ? '' : `?${text}`}`
}

const ROUTE_CHANGED = 'alertmesh:route'

/** navigate goes to a hash link, adding a history entry. */
export function navigate(link: string): void {
  window.location.hash = link.replace(/^#/, '')
}

/**
 * replaceQuery rewrites the current route's query without a history entry (filters typed into
 * a page), so Back leaves the page rather than stepping through keystrokes.
 */
export function replaceQuery(query: Record<string, string | undefined>): void {
  const hash = window.location.hash.replace(/^#/, '')
  const path = hash.split('?')[0] ?? ''
  history.replaceState(null, '', href(path === '' ? '/alerts' : path, query))
  window.dispatchEvent(new Event(ROUTE_CHANGED))
}

/** useRoute is the current route, re-rendering on every change of the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash))
  useEffect(() => {
    const update = () => {
      setRoute(parseHash(window.location.hash))
    }
    window.addEventListener('hashchange', update)
    window.addEventListener(ROUTE_CHANGED, update)
    return () => {
      window.removeEventListener('hashchange', update)
      window.removeEventListener(ROUTE_CHANGED, update)
    }
  }, [])
  return route
}
