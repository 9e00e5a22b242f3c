import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import type bunyan from 'bunyan'

import { ConsulClient, ServiceRegistrar } from '#src/consul/index.js'
import type { ServiceInstance, ServiceRegistrarOptions } from '#src/consul/index.js'
import { ClosedError, InvalidArgumentError } from '#src/util/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin, StandinOptions } from '../../support/consul-standin/index.js'
import { recordingLog } from '../../support/recording-log.js'
import { Teardown } from '../../support/teardown.js'
import { waitFor } from '../../support/wait.js'

interface LogRecord {
  readonly level: number
  readonly msg: string
  readonly err?: string
}

/** capture is a logger that keeps every record, so tests can check what operators would see. */
function capture(): { log: bunyan; records: LogRecord[] } {
  return recordingLog()
}

const WARN = 40

interface AgentCheck {
  readonly Status: string
  readonly Output: string
  readonly ServiceID: string
  readonly Definition: { readonly DeregisterCriticalServiceAfter: string }
}

interface AgentService {
  readonly ID: string
  readonly Service: string
  readonly Address: string
  readonly Port: number
  readonly Meta: Record<string, string>
}

async function agentChecks(consul: ConsulStandin): Promise<Record<string, AgentCheck>> {
  const res = await fetch(`${consul.url}/v1/agent/checks`)
  return (await res.json()) as Record<string, AgentCheck>
}

async function agentServices(consul: ConsulStandin): Promise<Record<string, AgentService>> {
  const res = await fetch(`${consul.url}/v1/agent/services`)
  return (await res.json()) as Record<string, AgentService>
}

/**
 * waitForPassing follows the passing instances with blocking queries (so it wakes on the
 * change itself, not on a poll) until `done` holds; it reads again at once when Consul is down.
 */
async function waitForPassing(
  client: ConsulClient,
  what: string,
  done: (instances: readonly ServiceInstance[]) => boolean,
  timeoutMs = 10_000
): Promise<ServiceInstance[]> {
  const signal = AbortSignal.timeout(timeoutMs)
  let index = 0n
  let last: ServiceInstance[] | undefined
  for (;;) {
    try {
      const result = await client.healthyInstances('alertmesh', { index, waitMs: 2_000, signal })
      last = result.value
      if (done(result.value)) {
        return result.value
      }
      index = result.index < index ? 0n : result.index
    } catch {
      if (signal.aborted) {
        throw new Error(`timed out waiting for ${what}; last passing set ${JSON.stringify(last)}`)
      }
      index = 0n
      // Consul is down (a restart in progress); try again shortly.
      await sleep(25)
    }
  }
}

const ids = (instances: readonly ServiceInstance[]): string[] => instances.map((i) => i.id)

describe('ServiceRegistrar', () => {
  let consul: ConsulStandin
  let client: ConsulClient
  const teardown = new Teardown()

  const start = async (options: StandinOptions = {}): Promise<void> => {
    consul = teardown.stop(await startConsulStandin(options))
    client = teardown.add(
      new ConsulClient({ baseUrl: consul.url }, { requestTimeoutMs: 2_000 }),
      (c) => {
        c.close()
      }
    )
  }

  /** registrar builds a registrar for node n1 with a short TTL; the test starts it. */
  const registrar = (
    overrides: Partial<ServiceRegistrarOptions> = {}
  ): { registrar: ServiceRegistrar; records: LogRecord[] } => {
    const { log, records } = capture()
    const r = new ServiceRegistrar({
      client,
      nodeName: 'n1',
      address: '127.0.0.1',
      port: 9094,
      meta: { cluster_address: '127.0.0.1:9094', web_url: 'http://127.0.0.1:9093' },
      ttlMs: 600,
      isHealthy: () => true,
      log,
      ...overrides,
    })
    teardown.stop(r)
    return { registrar: r, records }
  }

  beforeEach(async () => {
    await start()
  })
  afterEach(() => teardown.run())

  it('registers with a critical TTL check and becomes a passing instance only once fed passing', async () => {
    let ready = false
    const { registrar: r } = registrar({
      isHealthy: () => ready,
      healthOutput: () => (ready ? 'config applied, gossip settled' : 'config not applied yet'),
    })
    assert.equal(r.serviceId, 'alertmesh-n1')
    assert.equal(r.checkId, 'service:alertmesh-n1:ttl')
    r.start()

    const check = await waitFor('the first feed', async () => {
      const c = (await agentChecks(consul))['service:alertmesh-n1:ttl']
      return c?.Output === 'config not applied yet' ? c : undefined
    })
    assert.equal(check.Status, 'critical')
    assert.equal(check.ServiceID, 'alertmesh-n1')
    // Consul's own minimum, the default.
    assert.equal(check.Definition.DeregisterCriticalServiceAfter, '1m0s')
    const service = (await agentServices(consul))['alertmesh-n1']
    assert.deepEqual(service?.Meta, {
      node_name: 'n1',
      cluster_address: '127.0.0.1:9094',
      web_url: 'http://127.0.0.1:9093',
    })
    assert.equal(service.Service, 'alertmesh')
    assert.deepEqual((await client.healthyInstances('alertmesh')).value, [])

    ready = true
    r.refresh()
    const passing = await waitForPassing(client, 'n1 passing', (l) => l.length === 1)
    assert.deepEqual(passing, [
      {
        id: 'alertmesh-n1',
        node: consul.nodeName,
        address: '127.0.0.1',
        port: 9094,
        meta: {
          node_name: 'n1',
          cluster_address: '127.0.0.1:9094',
          web_url: 'http://127.0.0.1:9093',
        },
        tags: [],
      },
    ])
    assert.equal(
      (await agentChecks(consul))['service:alertmesh-n1:ttl']?.Output,
      'config applied, gossip settled'
    )
  })

  it('turns critical when isHealthy turns false, leaving the passing set, and comes back', async () => {
    let ready = true
    const { registrar: r, records } = registrar({ isHealthy: () => ready })
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    // No refresh(): the next feed (every ttl/3 = 200 ms) picks the change up.
    ready = false
    await waitForPassing(client, 'n1 gone', (l) => l.length === 0)
    const check = (await agentChecks(consul))['service:alertmesh-n1:ttl']
    assert.equal(check?.Status, 'critical')
    assert.equal(check.Output, 'not ready')

    ready = true
    await waitForPassing(client, 'n1 back', (l) => l.length === 1)
    const changes = records.filter((x) => x.msg === 'Consul check status changed')
    assert.deepEqual(
      changes.map((x) => (x as unknown as { status: string }).status),
      ['passing', 'critical', 'passing']
    )
  })

  it('feeds critical with the reason when isHealthy throws or after markUnhealthy', async () => {
    let broken = false
    const { registrar: r } = registrar({
      isHealthy: () => {
        if (broken) {
          throw new Error('settle state unavailable')
        }
        return true
      },
    })
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    broken = true
    r.refresh()
    await waitForPassing(client, 'n1 gone', (l) => l.length === 0)
    assert.equal(
      (await agentChecks(consul))['service:alertmesh-n1:ttl']?.Output,
      'readiness check failed: settle state unavailable'
    )

    broken = false
    await waitForPassing(client, 'n1 back', (l) => l.length === 1)
    r.markUnhealthy('shutting down')
    await waitForPassing(client, 'n1 gone for good', (l) => l.length === 0)
    const check = (await agentChecks(consul))['service:alertmesh-n1:ttl']
    assert.equal(check?.Output, 'shutting down')
    assert.equal(check.Status, 'critical')
  })

  it('turns critical after the TTL when its updates stop reaching Consul, and recovers', async () => {
    const { registrar: r, records } = registrar()
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    // A node that cannot feed its check (hung, or cut off from its agent) looks the same to
    // Consul as a dead one: the check expires.
    consul.dropConnections({ pathPrefix: '/v1/agent/check/', durationMs: 60_000 })
    const cutAt = Date.now()
    await waitForPassing(client, 'n1 expired', (l) => l.length === 0)
    const expiredAfterMs = Date.now() - cutAt
    const check = (await agentChecks(consul))['service:alertmesh-n1:ttl']
    assert.match(check?.Output ?? '', /^TTL expired/)
    // The last update before the cut restarted the 600 ms TTL at most ttl/3 earlier.
    assert.ok(expiredAfterMs >= 300, `expired ${expiredAfterMs} ms after the cut`)
    assert.ok(
      records.some((x) => x.level === WARN && x.msg === 'Cannot update the Consul check'),
      'the failed update is logged at warn'
    )

    consul.clearFaults()
    await waitForPassing(client, 'n1 back', (l) => l.length === 1)
    assert.ok(records.some((x) => x.msg === 'Consul registration recovered'))
  })

  it('deregisters on stop, so the instance is gone at once, and cannot be started again', async () => {
    const { registrar: r, records } = registrar()
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    await r.stop()
    // No waiting: deregistration removes the instance in the same write.
    assert.deepEqual((await client.healthyInstances('alertmesh')).value, [])
    assert.equal((await agentServices(consul))['alertmesh-n1'], undefined)
    assert.ok(records.some((x) => x.msg === 'Deregistered from Consul'))
    await r.stop()
    assert.equal(consul.requests({ endpoint: 'agent.service.deregister' }).length, 1)
    assert.throws(() => {
      r.start()
    }, ClosedError)
  })

  it('registers again when Consul restarts with lost state, and the instance comes back', async () => {
    const { registrar: r, records } = registrar()
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    await consul.restart({ loseState: true })
    const back = await waitForPassing(client, 'n1 back', (l) => l.length === 1)
    assert.deepEqual(ids(back), ['alertmesh-n1'])
    assert.ok(records.some((x) => x.msg === 'Consul does not know the check; registering again'))
    assert.equal(
      consul.requests({ endpoint: 'agent.service.register', outcome: 'answered' }).length,
      2
    )
  })

  it('registers again when an older agent answers 500 "does not have associated TTL"', async () => {
    const { registrar: r } = registrar()
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    // Consul before 1.11 answers an update of an unknown check with this 500.
    consul.failNext({
      count: 1,
      status: 500,
      body: 'CheckID "service:alertmesh-n1:ttl" does not have associated TTL',
      pathPrefix: '/v1/agent/check/update/',
    })
    await waitFor(
      'a second registration',
      () => consul.requests({ endpoint: 'agent.service.register' }).length === 2
    )
    assert.equal(consul.requests({ endpoint: 'agent.check.update', outcome: 'failed' }).length, 1)
  })

  it('retries registration with backoff until Consul answers, warning once', async () => {
    consul.failNext({ count: 3, pathPrefix: '/v1/agent/service/register' })
    const { registrar: r, records } = registrar({ retry: { initialMs: 40, maxMs: 200 } })
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    const attempts = consul.requests({ endpoint: 'agent.service.register' })
    assert.deepEqual(
      attempts.map((a) => a.status),
      [500, 500, 500, 200]
    )
    const failures = records.filter((x) => x.msg === 'Cannot register with Consul')
    // One warning; the repeats within the minute are held back (and counted in the next one).
    assert.deepEqual(
      failures.map((x) => x.level),
      [WARN]
    )
    assert.match(failures[0]?.err ?? '', /500 No cluster leader/)
    assert.ok(records.some((x) => x.msg === 'Consul registration recovered'))
  })

  it('is reaped by DeregisterCriticalServiceAfter when the node dies without deregistering', async () => {
    await consul.stop()
    client.close()
    await start({ reapIntervalMs: 100, minDeregisterMs: 500 })
    // The dying node has its own client, which it loses when it dies.
    const nodeClient = teardown.add(new ConsulClient({ baseUrl: consul.url }), (c) => {
      c.close()
    })
    const { registrar: r, records } = registrar({
      client: nodeClient,
      ttlMs: 300,
      deregisterCriticalAfterMs: 500,
    })
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    nodeClient.close()
    await r.stop()
    assert.ok(
      records.some((x) => x.level === WARN && x.msg.startsWith('Cannot deregister from Consul')),
      'the failed deregistration is logged'
    )
    assert.notEqual((await agentServices(consul))['alertmesh-n1'], undefined)

    await waitForPassing(client, 'n1 expired', (l) => l.length === 0)
    await waitFor(
      'the reaper to remove n1',
      async () => (await agentServices(consul))['alertmesh-n1'] === undefined
    )
    assert.equal((await agentChecks(consul))['service:alertmesh-n1:ttl'], undefined)
  })

  it('gives up deregistering after stopTimeoutMs when Consul does not answer', async () => {
    const { registrar: r, records } = registrar({ stopTimeoutMs: 200 })
    r.start()
    await waitForPassing(client, 'n1 passing', (l) => l.length === 1)

    // Long enough to outlast stopTimeoutMs, short enough not to hold the stand-in's exit.
    consul.setLatency({ ms: 1_000, pathPrefix: '/v1/agent/service/deregister/' })
    const began = Date.now()
    await r.stop()
    const tookMs = Date.now() - began
    assert.ok(tookMs < 800, `stop took ${tookMs} ms`)
    assert.ok(
      records.some((x) => x.level === WARN && x.msg.startsWith('Cannot deregister from Consul'))
    )
    consul.setLatency({ ms: 0, pathPrefix: '/v1/agent/service/deregister/' })
  })

  it('refuses options Consul would reject or that make no sense, naming them', () => {
    const cases: [Partial<ServiceRegistrarOptions>, RegExp][] = [
      // The service ID goes into agent URLs.
      [{ nodeName: 'a/b' }, /nodeName/],
      [{ nodeName: '' }, /nodeName/],
      [{ serviceName: '' }, /serviceName/],
      // Consul answers 400 "Invalid service address"; peers could not dial it either.
      [{ address: '0.0.0.0' }, /address/],
      [{ address: '' }, /address/],
      [{ port: 0 }, /port/],
      [{ port: 70_000 }, /port/],
      // The feed interval would be ttl/3.
      [{ ttlMs: 10 }, /ttlMs/],
      [{ deregisterCriticalAfterMs: 0 }, /deregisterCriticalAfterMs/],
      [{ stopTimeoutMs: -1 }, /stopTimeoutMs/],
      [{ retry: { initialMs: 100, maxMs: 10 } }, /retry.maxMs/],
      // Consul's meta key rules.
      [{ meta: { 'cluster.address': 'x' } }, /meta key "cluster.address"/],
      [{ meta: { 'consul-reserved': 'x' } }, /meta key "consul-reserved"/],
      [{ meta: { web_url: 'x'.repeat(513) } }, /meta web_url/],
    ]
    for (const [overrides, message] of cases) {
      assert.throws(
        () => registrar(overrides),
        (err: unknown) => err instanceof InvalidArgumentError && message.test(err.message),
        JSON.stringify(overrides).slice(0, 80)
      )
    }
  })
})
