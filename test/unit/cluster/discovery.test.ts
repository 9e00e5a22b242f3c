import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it, mock } from 'node:test'
import { setImmediate as flush } from 'node:timers/promises'

import type { Lookup } from '#src/cluster/address.js'
import { Discovery } from '#src/cluster/discovery.js'
import type { DiscoveryOptions } from '#src/cluster/discovery.js'
import { WarnLimiter } from '#src/util/index.js'

import { quietLog } from './helpers.js'

/**
 * harness records what a Discovery hands the dialer, per source, and how often it reports a
 * source resolved. `dns` maps names to addresses for the injected lookup.
 */
function harness(overrides: Partial<DiscoveryOptions> = {}) {
  const { log, records } = quietLog()
  const sources: { static?: readonly string[]; discovered?: readonly string[] } = {}
  const dns = new Map<string, string[]>()
  let resolved = 0
  const lookup: Lookup = (host) => {
    const found = dns.get(host)
    return found === undefined
      ? Promise.reject(new Error(`ENOTFOUND ${host}`))
      : Promise.resolve(found.map((address) => ({ address })))
  }
  const discovery = new Discovery({
    knownPeers: [],
    expectDiscovered: false,
    setSource: (source, addresses) => {
      sources[source] = addresses
    },
    onResolved: () => {
      resolved++
    },
    warn: new WarnLimiter(log, 10_000, () => Date.now()),
    lookup,
    ...overrides,
  })
  return { discovery, sources, dns, resolved: () => resolved, records }
}

/** deferred is a lookup answer the test releases when it chooses. */
function deferred() {
  let resolve: (found: { address: string }[]) => void = () => undefined
  const promise = new Promise<{ address: string }[]>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('Discovery', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 })
  })
  afterEach(() => {
    mock.timers.reset()
  })

  it('tells whether any peer may come', () => {
    const cases: [string, Partial<DiscoveryOptions>, boolean][] = [
      // A lone node: nobody to wait for.
      ['neither', {}, false],
      // --cluster.peer names someone.
      ['static', { knownPeers: ['10.0.0.1:9094'] }, true],
      // Consul will name the peers.
      ['discovered', { expectDiscovered: true }, true],
    ]
    for (const [what, options, want] of cases) {
      assert.equal(harness(options).discovery.expectsPeers, want, what)
    }
  })

  it('resolves --cluster.peer at start, names included, and then knows its sources', async () => {
    const h = harness({ knownPeers: ['10.0.0.1:9094', 'am-2:9094'] })
    h.dns.set('am-2', ['10.0.0.2', '10.0.0.3'])
    assert.equal(h.discovery.sourcesKnown, false)
    h.discovery.start()
    await flush()
    assert.deepEqual(h.sources.static, ['10.0.0.1:9094', '10.0.0.2:9094', '10.0.0.3:9094'])
    assert.equal(h.discovery.sourcesKnown, true)
    assert.equal(h.resolved(), 1)
    h.discovery.stop()
  })

  it('re-resolves --cluster.peer names every 15 s, following a moved name', async () => {
    const h = harness({ knownPeers: ['am-2:9094'] })
    h.dns.set('am-2', ['10.0.0.2'])
    h.discovery.start()
    await flush()
    h.dns.set('am-2', ['10.0.0.9'])
    mock.timers.tick(14_999)
    await flush()
    assert.deepEqual(h.sources.static, ['10.0.0.2:9094'])
    mock.timers.tick(1)
    await flush()
    assert.deepEqual(h.sources.static, ['10.0.0.9:9094'])
    h.discovery.stop()
  })

  it('waits for the discovered list when discovery is expected', async () => {
    const h = harness({ expectDiscovered: true })
    h.discovery.start()
    await flush()
    assert.equal(h.discovery.sourcesKnown, false)
    h.discovery.setDiscovered(['10.0.0.4:9094'])
    await flush()
    assert.deepEqual(h.sources.discovered, ['10.0.0.4:9094'])
    assert.equal(h.discovery.sourcesKnown, true)
    assert.equal(h.resolved(), 2)
    h.discovery.stop()
  })

  it('counts only discovered addresses as healthy when discovery is the only source', async () => {
    const only = harness({ expectDiscovered: true })
    assert.equal(only.discovery.healthyAddresses, undefined)
    only.discovery.setDiscovered(['10.0.0.4:9094'])
    await flush()
    assert.deepEqual(only.discovery.healthyAddresses, new Set(['10.0.0.4:9094']))
    // With --cluster.peer as well, every connected peer counts.
    const both = harness({ expectDiscovered: true, knownPeers: ['10.0.0.1:9094'] })
    both.discovery.setDiscovered(['10.0.0.4:9094'])
    await flush()
    assert.equal(both.discovery.healthyAddresses, undefined)
  })

  it('applies the newest discovered list even when an older one resolves later', async () => {
    const slow = deferred()
    const h = harness({
      expectDiscovered: true,
      lookup: (host) =>
        host === 'slow' ? slow.promise : Promise.resolve([{ address: '10.0.0.5' }]),
    })
    h.discovery.setDiscovered(['slow:9094'])
    h.discovery.setDiscovered(['fast:9094'])
    await flush()
    slow.resolve([{ address: '10.0.0.6' }])
    await flush()
    assert.deepEqual(h.sources.discovered, ['10.0.0.5:9094'])
    assert.equal(h.resolved(), 1)
  })

  it('skips an invalid address with a warning and keeps an unresolvable name verbatim', async () => {
    const h = harness({ expectDiscovered: true })
    h.discovery.setDiscovered(['no-port', 'gone:9094', '10.0.0.4:9094'])
    await flush()
    assert.deepEqual(h.sources.discovered, ['gone:9094', '10.0.0.4:9094'])
    const warnings = h.records().filter((r) => r['msg'] === 'Ignored an invalid peer address')
    assert.deepEqual(
      warnings.map((r) => r['address']),
      ['no-port']
    )
  })

  it('drops lists after stop, including one still resolving', async () => {
    const slow = deferred()
    const h = harness({ expectDiscovered: true, lookup: () => slow.promise })
    h.discovery.setDiscovered(['slow:9094'])
    h.discovery.stop()
    slow.resolve([{ address: '10.0.0.6' }])
    h.discovery.setDiscovered(['10.0.0.4:9094'])
    await flush()
    assert.equal(h.sources.discovered, undefined)
    assert.equal(h.discovery.sourcesKnown, false)
  })
})
