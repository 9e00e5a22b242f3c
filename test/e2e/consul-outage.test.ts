// A Consul-mode node through Consul outages, always on the stand-in (its faults cannot be
// injected into a real agent): Consul down at start (the cached config runs), Consul restarted
// with lost state, Consul answering errors. In every case the node keeps delivering on its last
// good config and converges once Consul is back.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { hashHex } from '#src/cli/config-controller.js'
import { configHash } from '#src/config/index.js'

import { startConsulStandin } from '../support/consul-standin/index.js'
import type { ConsulStandin } from '../support/consul-standin/index.js'
import { fastWebhookConfig, iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

const PREFIX = 'outage'

interface ConfigView {
  source: string
  hash: string
  error?: { message: string }
  consul?: { reachable: boolean }
}

async function kvPut(consul: ConsulStandin, key: string, value: string): Promise<void> {
  const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body: value })
  assert.equal(res.status, 200, await res.text())
}

async function configView(node: TestNode): Promise<ConfigView> {
  return (await node.getJson<{ alertmesh: { config: ConfigView } }>('/api/v2/status')).alertmesh
    .config
}

let alertSeq = 0
async function fire(node: TestNode, receiver: WebhookReceiver): Promise<string> {
  const alertname = `Outage${++alertSeq}`
  const res = await node.postAlerts([
    { labels: { alertname }, startsAt: iso(Date.now()), endsAt: iso(Date.now() + 3_600_000) },
  ])
  assert.equal(res.status, 200)
  return (await receiver.next((d) => d.payload.groupLabels['alertname'] === alertname)).path
}

async function applied(node: TestNode, text: string): Promise<void> {
  const want = hashHex(configHash(text))
  await waitFor(`config ${want} applied`, async () => {
    const view = await configView(node)
    return view.hash === want && view.source === 'consul' && view.error === undefined
  })
}

describe('a Consul-mode node through Consul outages', () => {
  let consul: ConsulStandin
  let receiver: WebhookReceiver
  let node: TestNode
  const teardown = new Teardown()

  before(async () => {
    consul = teardown.stop(await startConsulStandin())
    receiver = teardown.stop(await WebhookReceiver.start())
  })
  after(() => teardown.run())

  it('waits for a first config when there is neither Consul config nor cache', async () => {
    node = teardown.stop(
      await TestNode.start({
        config: '',
        consul: { address: consul.address, nodeName: 'n1', kvPrefix: PREFIX },
        waitReady: false,
      })
    )
    // Not ready while it has nothing to run; the log says what to do.
    assert.equal((await fetch(`${node.url}/-/ready`)).status, 503)
    await waitFor('waiting message', () => node.output.includes('alertmesh config push FILE'))
    await kvPut(consul, `${PREFIX}/config`, fastWebhookConfig(`${receiver.url}/first`))
    await waitFor('ready', async () => (await fetch(`${node.url}/-/ready`)).ok)
    assert.equal(await fire(node, receiver), '/first')
  })

  it('starts on its cached config while Consul is down, and converges when it is back', async () => {
    const port = consul.port
    await node.kill('SIGTERM')
    await consul.stop()
    // Same storage directory: the cache written by the first run is there.
    node = teardown.stop(
      await TestNode.start({
        config: '',
        dir: node.dir,
        consul: { address: `127.0.0.1:${port}`, nodeName: 'n1', kvPrefix: PREFIX },
      })
    )
    const view = await configView(node)
    assert.equal(view.source, 'cache')
    assert.equal(view.hash, hashHex(configHash(fastWebhookConfig(`${receiver.url}/first`))))
    assert.equal(view.consul?.reachable, false)
    assert.match(node.output, /Running on the cached config/)
    assert.equal(await fire(node, receiver), '/first')

    // Consul comes back empty (a fresh dev agent): the node keeps its config until one is pushed.
    consul = teardown.stop(await startConsulStandin({ port }))
    await waitFor('Consul reachable again', async () => (await configView(node)).consul?.reachable)
    assert.equal(await fire(node, receiver), '/first')
    const next = fastWebhookConfig(`${receiver.url}/after-outage`)
    await kvPut(consul, `${PREFIX}/config`, next)
    await applied(node, next)
    assert.equal(await fire(node, receiver), '/after-outage')
  })

  it('keeps delivering when Consul restarts with lost state, and reports again', async () => {
    await consul.restart({ loseState: true })
    // The config key is gone: the node says so (status key recreated) and keeps its config.
    const status = await waitFor('status key recreated', async () => {
      const res = await fetch(`${consul.url}/v1/kv/${PREFIX}/status/n1?raw`)
      return res.ok
        ? ((await res.json()) as { error?: { message: string }; configHash: string })
        : undefined
    })
    assert.match(status.error?.message ?? '', /no config at Consul key outage\/config/)
    assert.equal(
      status.configHash,
      hashHex(configHash(fastWebhookConfig(`${receiver.url}/after-outage`)))
    )
    assert.equal(await fire(node, receiver), '/after-outage')
    const next = fastWebhookConfig(`${receiver.url}/after-restart`)
    await kvPut(consul, `${PREFIX}/config`, next)
    await applied(node, next)
    assert.equal(await fire(node, receiver), '/after-restart')
  })

  it('keeps delivering while Consul answers errors, and converges afterwards', async () => {
    // Cut the parked blocking queries so the node's next reads meet the errors.
    consul.failNext({ count: 4, status: 500, pathPrefix: `/v1/kv/${PREFIX}/` })
    await consul.restart({ loseState: false })
    await waitFor('errors consumed by the node', () =>
      consul.requests({ pathPrefix: `/v1/kv/${PREFIX}/`, outcome: 'failed' }).length >= 4
        ? true
        : undefined
    )
    assert.equal(await fire(node, receiver), '/after-restart')
    const next = fastWebhookConfig(`${receiver.url}/after-errors`)
    await kvPut(consul, `${PREFIX}/config`, next)
    await applied(node, next)
    assert.equal(await fire(node, receiver), '/after-errors')
  })

  it('keeps delivering while Consul drops connections and is slow', async () => {
    consul.setLatency({ ms: 300, pathPrefix: `/v1/kv/${PREFIX}/` })
    consul.dropConnections({ durationMs: 1500, pathPrefix: `/v1/kv/${PREFIX}/` })
    await consul.restart({ loseState: false })
    assert.equal(await fire(node, receiver), '/after-errors')
    await waitFor('drops over', () =>
      consul.requests({ pathPrefix: `/v1/kv/${PREFIX}/`, outcome: 'dropped' }).length > 0
        ? true
        : undefined
    )
    consul.clearFaults()
    const next = fastWebhookConfig(`${receiver.url}/after-drops`)
    await kvPut(consul, `${PREFIX}/config`, next)
    await applied(node, next)
    assert.equal(await fire(node, receiver), '/after-drops')
  })
})
