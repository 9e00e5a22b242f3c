import { isResolved } from './alert.js'
import type { Alert } from './alert.js'
import { mergeAlerts, overlaps } from './merge.js'

/** AlertListener receives every alert the store accepts, already merged. */
export type AlertListener = (alert: Alert) => void

/** AlertStoreOptions configures an AlertStore; its zero value is a safe default. */
export interface AlertStoreOptions {
  /** Clock, injected for tests. @default Date.now */
  readonly now?: () => number
  /** Called for each alert removed by gc(), so per-alert state elsewhere can be dropped. */
  readonly onDelete?: (fingerprint: string) => void
}

/**
 * AlertStore is the in-memory alert store of a node (Alertmanager's provider/mem): one entry
 * per fingerprint, merge on overlapping updates, fan-out to subscribers, periodic GC of resolved
 * alerts. Alerts are immutable objects, so subscribers and groups share them without copies.
 */
export class AlertStore {
  readonly #alerts = new Map<string, Alert>()
  readonly #listeners = new Set<AlertListener>()
  readonly #now: () => number
  readonly #onDelete: ((fingerprint: string) => void) | undefined

  constructor(options: AlertStoreOptions = {}) {
    this.#now = options.now ?? Date.now
    this.#onDelete = options.onDelete
  }

  /**
   * put stores alerts (merging with stored versions whose activity range overlaps) and hands
   * each stored result to every subscriber, in order.
   *
   * @param alerts - validated alerts.
   */
  put(alerts: readonly Alert[]): void {
    const now = this.#now()
    for (const incoming of alerts) {
      const stored = this.#alerts.get(incoming.fingerprint)
      const alert =
        stored !== undefined && overlaps(stored, incoming)
          ? mergeAlerts(stored, incoming, now)
          : incoming
      this.#alerts.set(alert.fingerprint, alert)
      for (const listener of this.#listeners) {
        listener(alert)
      }
    }
  }

  /**
   * subscribe registers a listener and first replays every stored alert to it (resolved ones
   * included), as a new dispatcher after a reload must see them all.
   *
   * @param listener - called synchronously for each alert.
   * @returns a function that unsubscribes.
   */
  subscribe(listener: AlertListener): () => void {
    for (const alert of this.#alerts.values()) {
      listener(alert)
    }
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /**
   * get returns the stored alert with a fingerprint.
   *
   * @param fingerprint - 16 hex digits.
   * @returns the alert, or undefined.
   */
  get(fingerprint: string): Alert | undefined {
    return this.#alerts.get(fingerprint)
  }

  /** values iterates over all stored alerts, resolved ones included. */
  values(): IterableIterator<Alert> {
    return this.#alerts.values()
  }

  /** size is the number of stored alerts, resolved ones included. */
  get size(): number {
    return this.#alerts.size
  }

  /**
   * gc removes every alert resolved at this instant.
   *
   * @returns the number of alerts removed.
   */
  gc(): number {
    const now = this.#now()
    let removed = 0
    for (const [fingerprint, alert] of this.#alerts) {
      if (isResolved(alert, now)) {
        this.#alerts.delete(fingerprint)
        this.#onDelete?.(fingerprint)
        removed++
      }
    }
    return removed
  }
}
