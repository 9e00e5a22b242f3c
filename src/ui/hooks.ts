// Data loading for pages: load once, then refresh on a timer. A refresh replaces only the
// loaded data; form inputs keep their own state, so what the user types is never lost.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

/** refreshMs is how often pages reload their data (localStorage `alertmesh.refreshMs`, 10 s). */
export function refreshMs(): number {
  const configured = Number(window.localStorage.getItem('alertmesh.refreshMs'))
  return Number.isFinite(configured) && configured >= 200 ? configured : 10_000
}

export interface Loaded<T> {
  /** The latest data; kept while a refresh runs or after a refresh failed. */
  readonly data: T | undefined
  /** The last failure, cleared by the next success. */
  readonly error: string | undefined
  readonly loading: boolean
  /** reload loads again now (after an action such as expiring a silence). */
  readonly reload: () => void
}

/**
 * usePolled loads `load` now, whenever `key` changes, and every refreshMs() while the page is
 * visible. A load that was superseded is aborted and its answer ignored.
 */
export function usePolled<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    loadRef.current(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) {
          setData(value)
          setError(undefined)
          setLoading(false)
        }
      },
      (err: unknown) => {
        if (!controller.signal.aborted) {
          setError(err instanceof Error ? err.message : String(err))
          setLoading(false)
        }
      }
    )
    return () => {
      controller.abort()
    }
  }, [key, tick])

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') {
        setTick((t) => t + 1)
      }
    }, refreshMs())
    return () => {
      window.clearInterval(timer)
    }
  }, [key])

  const reload = useCallback(() => {
    setTick((t) => t + 1)
  }, [])
  return { data, error, loading, reload }
}

/** useNow is the current time, updated every `everyMs` (for "ends in 5m" texts). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now())
    }, everyMs)
    return () => {
      window.clearInterval(timer)
    }
  }, [everyMs])
  return now
}

/** useDebounced is `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSettled(value)
    }, ms)
    return () => {
      window.clearTimeout(timer)
    }
  }, [value, ms])
  return settled
}
