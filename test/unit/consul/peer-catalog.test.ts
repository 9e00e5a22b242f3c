import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'

import bunyan from 'bunyan'

import { ConsulClient, PeerCatalog, ServiceRegistrar } from '#src/consul/index.js'
import type { ConsulPeer, PeerCatalogOptions } from '#src/consul/index.js'
import { ClosedError } from '#src/util/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin } from '../../support/consul-standin/index.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

const quiet = bunyan.createLogger({ name: 'peer-catalog-test', level: 'fatal' })

/** Deliveries records what onPeers and onError receive and lets a test await the next one. */
class Deliveries {
  readonly lists: { readonly at: number; readonly peers: readonly ConsulPeer[] }[] = []
  readonly errors: { readonly err: unknown; readonly retryInMs: number }[] = []
  readonly #waiters: { readonly n: number; readonly resolve: () => void }[] = []

  readonly onPeers = (peers: readonly ConsulPeer[]): void => {
    this.lists.push({ at: Date.now(), peers })
    for (const w of this.#waiters.filter((x) => this.lists.length >= x.n)) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1)
      w.resolve()
    }
  }

  readonly onError = (err: unknown, retryInMs: number): void => {
    this.errors.push({ err, retryInMs })
  }

  /** nth resolves with the n-th delivery (1-based), failing after timeoutMs. */
  async nth(n: number, timeoutMs = 5_000): Promise<readonly ConsulPeer[]> {
    if (this.lists.length < n) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push({ n, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no delivery #${n} within ${timeoutMs} ms; got ${this.count}`))
          }, timeoutMs)
        }),
      ]).finally(() => {
        clearTimeout(timer)
      })
    }
    const got = this.lists[n - 1]
    assert.ok(got !== undefined)
    return got.peers
  }

  get count(): number {
    return this.lists.length
  }

  get last(): readonly ConsulPeer[] | undefined {
    return this.lists.at(-1)?.peers
  }
}

const names = (peers: readonly ConsulPeer[]): string[] => peers.map((p) => p.nodeName)

describe('PeerCatalog', () => {
  let consul: ConsulStandin
  let client: ConsulClient
  const teardown = new Teardown()

  /** register adds an instance with a TTL check long enough not to expire during a test. */
  const register = async (
    node: string,
    options: {
      readonly status?: 'passing' | 'critical'
      readonly meta?: Record<string, string>
      readonly address?: string
      readonly port?: number
      readonly tags?: readonly string[]
    } = {}
  ): Promise<void> => {
    const id = `alertmesh-${node}`
    await client.registerService({
      id,
      name: 'alertmesh',
      address: options.address ?? '127.0.0.1',
      port: options.port ?? 9094,
      meta: options.meta ?? { node_name: node, cluster_address: `${node}.internal:9094` },
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      check: {
        id: `service:${id}:ttl`,
        name: 'alertmesh readiness',
        ttlMs: 60_000,
        deregisterCriticalAfterMs: 60_000,
        initialStatus: options.status ?? 'passing',
      },
    })
  }

  const catalog = (
    deliveries: Deliveries,
    overrides: Partial<PeerCatalogOptions> = {}
  ): PeerCatalog => {
    const c = new PeerCatalog({
      client,
      log: quiet,
      onPeers: deliveries.onPeers,
      onError: deliveries.onError,
      waitMs: 5_000,
      ...overrides,
    })
    return teardown.stop(c)
  }

  beforeEach(async () => {
    consul = teardown.stop(await startConsulStandin())
    client = teardown.add(
      new ConsulClient({ baseUrl: consul.url }, { requestTimeoutMs: 2_000 }),
      (c) => {
        c.close()
      }
    )
  })
  afterEach(() => teardown.run())

  it('delivers the passing instances, self included, sorted, with meta or address fallbacks', async () => {
    await register('n2')
    await register('n1')
    // Not passing: not a peer.
    await register('n3', { status: 'critical' })
    // Registered by something else: no meta, no service address.
    await register('n0', { meta: {}, address: '', port: 7946 })
    await register('n4', { meta: { node_name: 'n4' }, address: '::1', port: 9094 })
    const deliveries = new Deliveries()
    const c = catalog(deliveries)
    assert.equal(c.peers, undefined)
    c.start()

    const first = await deliveries.nth(1)
    assert.deepEqual(first, [
      // The service ID stands in for the node name, the node's address for the service's.
      { nodeName: 'alertmesh-n0', clusterAddress: '127.0.0.1:7946', serviceId: 'alertmesh-n0' },
      { nodeName: 'n1', clusterAddress: 'n1.internal:9094', serviceId: 'alertmesh-n1' },
      { nodeName: 'n2', clusterAddress: 'n2.internal:9094', serviceId: 'alertmesh-n2' },
      // IPv6 literals get brackets, as Go's net.JoinHostPort writes them.
      { nodeName: 'n4', clusterAddress: '[::1]:9094', serviceId: 'alertmesh-n4' },
    ])
    assert.equal(c.peers, first)
  })

  it('follows changes through the blocking query within about 100 ms', async () => {
    await register('n1')
    const deliveries = new Deliveries()
    catalog(deliveries).start()
    assert.deepEqual(names(await deliveries.nth(1)), ['n1'])
    await waitFor('the catalog to park a blocking query', () => consul.pendingBlockingQueries > 0)

    // A new node turns passing.
    await register('n2', { status: 'critical' })
    let changedAt = Date.now()
    await client.updateTtlCheck('service:alertmesh-n2:ttl', 'passing')
    assert.deepEqual(names(await deliveries.nth(2)), ['n1', 'n2'])
    const joinMs = (deliveries.lists[1]?.at ?? Infinity) - changedAt
    await waitFor('the catalog to park again', () => consul.pendingBlockingQueries > 0)

    // A node turns critical.
    changedAt = Date.now()
    await client.updateTtlCheck('service:alertmesh-n1:ttl', 'critical', 'not ready')
    assert.deepEqual(names(await deliveries.nth(3)), ['n2'])
    const leaveMs = (deliveries.lists[2]?.at ?? Infinity) - changedAt
    await waitFor('the catalog to park again', () => consul.pendingBlockingQueries > 0)

    // A node deregisters.
    changedAt = Date.now()
    await client.deregisterService('alertmesh-n2')
    assert.deepEqual(await deliveries.nth(4), [])
    const goneMs = (deliveries.lists[3]?.at ?? Infinity) - changedAt

    // About 100 ms: a blocking answer and no polling; generous bounds for a loaded machine.
    for (const [what, ms] of [
      ['join', joinMs],
      ['leave', leaveMs],
      ['deregister', goneMs],
    ] as const) {
      assert.ok(ms < 500, `${what} took ${ms} ms to arrive`)
    }
    const reads = consul.requests({ endpoint: 'health.service' })
    assert.ok(reads.filter((r) => r.blocking).length >= 3, 'changes arrive on blocking reads')
    assert.ok(
      reads.every((r) => r.query['passing'] === 'true'),
      'only passing instances are asked for'
    )
  })

  it('does not deliver again when Consul answers with the same passing set', async () => {
    await register('n1')
    const deliveries = new Deliveries()
    catalog(deliveries).start()
    await deliveries.nth(1)

    // Each write moves the service's index and answers the parked query, without changing the
    // set of passing peers: a critical newcomer, and a re-registration with a new tag.
    const answered = (): number =>
      consul.requests({ endpoint: 'health.service', outcome: 'answered' }).length
    for (const change of [
      () => register('n2', { status: 'critical' }),
      () => register('n1', { tags: ['v2'] }),
    ]) {
      const before = answered()
      await change()
      // The parked read is answered, and the catalog blocks again on the new index.
      await waitFor(
        'the catalog to read the change and block again',
        () => answered() > before && consul.pendingBlockingQueries > 0
      )
    }
    assert.equal(deliveries.count, 1)

    await client.updateTtlCheck('service:alertmesh-n2:ttl', 'passing')
    assert.deepEqual(names(await deliveries.nth(2)), ['n1', 'n2'])
    assert.equal(deliveries.count, 2)
  })

  it('keeps the last list while Consul is down, reporting errors, and converges afterwards', async () => {
    const log = bunyan.createLogger({ name: 't', level: 'fatal' })
    const registrar = (node: string): ServiceRegistrar => {
      const r = new ServiceRegistrar({
        client,
        nodeName: node,
        address: '127.0.0.1',
        port: 9094,
        meta: { cluster_address: `${node}.internal:9094` },
        ttlMs: 600,
        isHealthy: () => true,
        log,
      })
      teardown.stop(r)
      r.start()
      return r
    }
    registrar('n1')
    registrar('n2')
    const deliveries = new Deliveries()
    catalog(deliveries).start()
    await waitFor('both nodes', () => deliveries.last?.length === 2)
    const before = deliveries.count
    /** outage restarts Consul and returns the deliveries made while it was down. */
    const outage = async (loseState: boolean): Promise<number> => {
      const downAt = Date.now()
      await consul.restart({ loseState, downMs: 300 })
      const upAt = Date.now()
      return deliveries.lists.filter((l) => l.at >= downAt && l.at < upAt).length
    }

    // Down, and back with its state: the set did not change, so nothing is delivered at all.
    assert.equal(await outage(false), 0, 'nothing is delivered while Consul is down')
    await waitFor('the catalog to read again', () => consul.pendingBlockingQueries > 0)
    assert.equal(deliveries.count, before, 'an unchanged set is not delivered again')
    assert.ok(deliveries.errors.length > 0, 'the failed reads are reported')
    assert.ok(deliveries.errors.every((e) => e.retryInMs > 0))

    // Down, and back without state: the registrars register again and the catalog converges.
    assert.equal(await outage(true), 0, 'nothing is delivered while Consul is down')
    await waitFor(
      'both nodes again after the lost state',
      () =>
        consul.requests({ endpoint: 'agent.service.register', outcome: 'answered' }).length === 4 &&
        deliveries.last?.length === 2
    )
    assert.deepEqual(names(deliveries.last ?? []), ['n1', 'n2'])
  })

  it('starts with nothing while Consul fails, then delivers the first answer', async () => {
    await register('n1')
    consul.failNext({ count: 2, pathPrefix: '/v1/health/service/' })
    const deliveries = new Deliveries()
    const c = catalog(deliveries)
    c.start()

    assert.deepEqual(names(await deliveries.nth(1)), ['n1'])
    assert.equal(deliveries.errors.length, 2)
    assert.match(String(deliveries.errors[0]?.err), /500 No cluster leader/)
    assert.equal(deliveries.count, 1)
  })

  it('stops its query, delivers nothing afterwards, and cannot be started again', async () => {
    await register('n1')
    const deliveries = new Deliveries()
    const c = catalog(deliveries)
    c.start()
    await deliveries.nth(1)
    await waitFor('the catalog to park a blocking query', () => consul.pendingBlockingQueries > 0)

    await c.stop()
    await waitFor('the parked query to end', () => consul.pendingBlockingQueries === 0)
    await register('n2')
    assert.equal(deliveries.count, 1)
    assert.throws(() => {
      c.start()
    }, ClosedError)
    await c.stop()
  })
})
