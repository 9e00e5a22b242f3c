import { encodeAnswer, encodeQuery } from './messages.js'
import type { Answer, Hello, Query } from './messages.js'
import type { Connection } from './transport.js'

/**
 * QueryHandler answers a peer's query from this node's local, read-only knowledge. It must not
 * block: it runs on the connection's message path. A throw becomes an error answer.
 */
export type QueryHandler = (data: Uint8Array, from: string) => Uint8Array

/** PeerAnswer is one peer's reply to {@link QueryBroker.ask}, or why there is none. */
export type PeerAnswer =
  | { readonly peer: string; readonly data: Uint8Array }
  | { readonly peer: string; readonly error: string }

interface Pending {
  readonly peer: string
  readonly resolve: (answer: PeerAnswer) => void
  readonly timer: NodeJS.Timeout
}

/**
 * QueryBroker asks every connected peer a question and gathers their answers (alertmesh's own:
 * Alertmanager's gossip has no request/response). A query is diagnostics, never state: it
 * travels on the established connection, is answered from the peer's memory, and an unanswered
 * one ends with an error answer after the timeout instead of holding the caller. Peers of an
 * older version (no `queries` in their HELLO) are not asked; they appear as an error answer.
 */
export class QueryBroker {
  readonly #handlers = new Map<string, QueryHandler>()
  readonly #pending = new Map<number, Pending>()
  #nextId = 1

  /**
   * handle registers the handler for a key.
   *
   * @param key - the query key, e.g. `history`.
   * @param handler - answers it.
   */
  handle(key: string, handler: QueryHandler): void {
    this.#handlers.set(key, handler)
  }

  /**
   * ask sends a query to each connection and resolves once every peer answered or timed out.
   *
   * @param peers - the established connection per peer name.
   * @param key - the query key.
   * @param data - the question.
   * @param timeoutMs - how long to wait for each peer.
   * @returns one answer per peer, in the order of `peers`.
   */
  ask(
    peers: ReadonlyMap<string, Connection>,
    key: string,
    data: Uint8Array,
    timeoutMs: number
  ): Promise<PeerAnswer[]> {
    return Promise.all(
      [...peers].map(([peer, conn]) => this.#askOne(peer, conn, { key, data }, timeoutMs))
    )
  }

  /**
   * onQuery answers a peer's query on its connection.
   *
   * @param conn - where it came from (and where the answer goes).
   * @param query - the question.
   */
  onQuery(conn: Connection, query: Query): void {
    const from = (conn.peer as Hello).name
    const handler = this.#handlers.get(query.key)
    let answer: Answer
    if (handler === undefined) {
      answer = { id: query.id, data: new Uint8Array(0), error: `no handler for "${query.key}"` }
    } else {
      try {
        answer = { id: query.id, data: handler(query.data, from), error: '' }
      } catch (err: unknown) {
        answer = {
          id: query.id,
          data: new Uint8Array(0),
          error: err instanceof Error ? err.message : String(err),
        }
      }
    }
    conn.send('answer', encodeAnswer(answer))
  }

  /**
   * onAnswer completes the matching query; an answer nobody waits for (late, or from a peer
   * that was not asked) is ignored.
   *
   * @param conn - where it came from.
   * @param answer - the reply.
   */
  onAnswer(conn: Connection, answer: Answer): void {
    const pending = this.#pending.get(answer.id)
    // Only the asked peer may complete its query: another connection's answer with the same id
    // (a confused or hostile peer) is ignored.
    const asked: string | undefined = pending?.peer
    if (pending === undefined || asked !== (conn.peer as Hello).name) {
      return
    }
    this.#settle(
      answer.id,
      pending,
      answer.error === '' ? { data: answer.data } : { error: answer.error }
    )
  }

  /** close ends every open query with an error answer. */
  close(): void {
    for (const [id, pending] of this.#pending) {
      this.#settle(id, pending, { error: 'the cluster peer stopped' })
    }
  }

  #askOne(
    peer: string,
    conn: Connection,
    question: { readonly key: string; readonly data: Uint8Array },
    timeoutMs: number
  ): Promise<PeerAnswer> {
    if (conn.peer?.queries !== true) {
      return Promise.resolve({ peer, error: 'the peer runs a version that answers no queries' })
    }
    const id = this.#nextId
    // Ids wrap within uint32; an id is only reused long after its query ended.
    this.#nextId = this.#nextId >= 0xffff_ffff ? 1 : this.#nextId + 1
    return new Promise<PeerAnswer>((resolve) => {
      const timer = setTimeout(() => {
        const pending = this.#pending.get(id)
        if (pending !== undefined) {
          this.#settle(id, pending, { error: `no answer within ${timeoutMs} ms` })
        }
      }, timeoutMs)
      this.#pending.set(id, { peer, resolve, timer })
      if (!conn.send('query', encodeQuery({ id, ...question }))) {
        this.#settle(id, this.#pending.get(id) as Pending, { error: 'the connection is closed' })
      }
    })
  }

  #settle(
    id: number,
    pending: Pending,
    outcome: { readonly data: Uint8Array } | { readonly error: string }
  ): void {
    clearTimeout(pending.timer)
    this.#pending.delete(id)
    pending.resolve(
      'data' in outcome
        ? { peer: pending.peer, data: outcome.data }
        : { peer: pending.peer, error: outcome.error }
    )
  }
}
