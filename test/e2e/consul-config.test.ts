// A node that takes its config from Consul KV: start from KV, hot reload within a second,
// refused configs that leave the old routing delivering, the cache for starts without Consul,
// and Consul restarting with lost state or answering errors. Runs against the Consul stand-in,
// or a real `consul agent -dev` (see test/support/consul.ts).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { hashHex } from '#src/cli/config-controller.js'
import { configHash } from '#src/config/index.js'

import { startConsulForTests } from '../support/consul.js'
import type { ConsulUnderTest } from '../support/consul.js'
import { fastWebhookConfig, iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

interface StatusSection {
  alertmesh: {
    name: string
    config: {
      mode: string
      source: string
      hash: string
      version?: string
      error?: { message: string }
      consul?: { reachable: boolean }
    }
  }
}

async function kvPut(consul: ConsulUnderTest, key: string, value: string): Promise<void> {
  const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body: value })
  assert.equal(res.status, 200, await res.text())
}

async function kvGetJson<T>(consul: ConsulUnderTest, key: string): Promise<T | undefined> {
  const res = await fetch(`${consul.url}/v1/kv/${key}?raw`)
  if (res.status === 404) {
    return undefined
  }
  return (await res.json()) as T
}

async function configView(node: TestNode): Promise<StatusSection['alertmesh']['config']> {
  return (await node.getJson<StatusSection>('/api/v2/status')).alertmesh.config
}

async function metric(node: TestNode, name: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  assert.ok(line !== undefined, `metric ${name} missing`)
  return Number(line.slice(name.length + 1))
}

let alertSeq = 0
/** fire posts one new alert (its own group) and resolves with the path it was delivered to. */
async function fire(node: TestNode, receiver: WebhookReceiver): Promise<string> {
  const alertname = `Probe${++alertSeq}`
  const res = await node.postAlerts([
    { labels: { alertname }, startsAt: iso(Date.now()), endsAt: iso(Date.now() + 3_600_000) },
  ])
  assert.equal(res.status, 200)
  const delivery = await receiver.next((d) => d.payload.groupLabels['alertname'] === alertname)
  return delivery.path
}

describe('config from Consul KV', () => {
  let consul: ConsulUnderTest
  let receiver: WebhookReceiver
  let node: TestNode
  const prefix = 'e2e'
  const teardown = new Teardown()

  before(async () => {
    consul = teardown.stop(await startConsulForTests())
    receiver = teardown.stop(await WebhookReceiver.start())
    await kvPut(consul, `${prefix}/config`, fastWebhookConfig(`${receiver.url}/a`))
    node = teardown.stop(
      await TestNode.start({
        config: '',
        consul: { address: consul.address, nodeName: 'node-1', kvPrefix: prefix },
      })
    )
  })
  after(() => teardown.run())

  it('starts from KV and reports what it applied', async () => {
    assert.equal(await fire(node, receiver), '/a')
    const view = await configView(node)
    assert.equal(view.mode, 'consul')
    assert.equal(view.source, 'consul')
    assert.equal(view.hash, hashHex(configHash(fastWebhookConfig(`${receiver.url}/a`))))
    const status = await waitFor('status key', () =>
      kvGetJson<{ node: string; configHash: string; source: string }>(
        consul,
        `${prefix}/status/node-1`
      )
    )
    assert.equal(status.node, 'node-1')
    assert.equal(status.configHash, view.hash)
    assert.equal(status.source, 'consul')
  })

  it('applies a KV put of new routing within a second', async () => {
    const text = fastWebhookConfig(`${receiver.url}/b`)
    const started = Date.now()
    await kvPut(consul, `${prefix}/config`, text)
    await waitFor(
      'new config applied',
      async () => (await configView(node)).hash === hashHex(configHash(text)),
      { intervalMs: 5 }
    )
    const elapsed = Date.now() - started
    assert.ok(elapsed < 1000, `applied after ${elapsed} ms`)
    assert.equal(await fire(node, receiver), '/b')
  })

  for (const bad of [
    { name: 'invalid YAML', text: 'route: [unclosed\n', reason: /yaml/ },
    {
      name: 'a semantically invalid config',
      text: 'route:\n  receiver: nobody\nreceivers:\n- name: r\n',
      reason: /undefined receiver "nobody" used in route/,
    },
  ]) {
    it(`refuses ${bad.name}, keeps delivering on the old routing and says why`, async () => {
      const before = await configView(node)
      await kvPut(consul, `${prefix}/config`, bad.text)
      const status = await waitFor('status key with the error', async () => {
        const s = await kvGetJson<{ error?: { message: string }; configHash: string }>(
          consul,
          `${prefix}/status/node-1`
        )
        return s?.error !== undefined && bad.reason.test(s.error.message) ? s : undefined
      })
      // The status still names the config that runs.
      assert.equal(status.configHash, before.hash)
      assert.match(status.error?.message ?? '', /consul key e2e\/config/)
      assert.equal(await metric(node, 'alertmanager_config_last_reload_successful'), 0)
      const view = await configView(node)
      assert.equal(view.hash, before.hash)
      assert.match(view.error?.message ?? '', bad.reason)
      assert.equal(await fire(node, receiver), '/b')
      // A good config clears the error.
      await kvPut(consul, `${prefix}/config`, fastWebhookConfig(`${receiver.url}/b`))
      await waitFor('error cleared', async () => (await configView(node)).error === undefined)
      assert.equal(await metric(node, 'alertmanager_config_last_reload_successful'), 1)
    })
  }

  it('parses the templates with the config: a broken file is refused, naming file and line', async () => {
    const before = await configView(node)
    const withTemplates = `${fastWebhookConfig(`${receiver.url}/tmpl`)}templates:\n- '*.tmpl'\n`
    // The template first, then the config that uses it: the node must parse the file it got.
    await kvPut(consul, `${prefix}/templates/team.tmpl`, '{{ define "x" }}\n{{ if }}{{ end }}\n')
    await kvPut(consul, `${prefix}/config`, withTemplates)
    const reason = 'failed to parse templates: template: team.tmpl:2: missing value for if'
    await waitFor('template refusal', async () =>
      ((await configView(node)).error?.message ?? '').includes(reason)
    )
    assert.equal((await configView(node)).hash, before.hash)
    assert.equal(await metric(node, 'alertmanager_config_last_reload_successful'), 0)
    assert.equal(await fire(node, receiver), '/b')
    // Fixing the template alone makes the same config valid: both are parsed together.
    await kvPut(consul, `${prefix}/templates/team.tmpl`, '{{ define "x" }}ok{{ end }}\n')
    await waitFor(
      'config with a good template applied',
      async () => (await configView(node)).hash === hashHex(configHash(withTemplates))
    )
    assert.equal((await configView(node)).error, undefined)
    assert.equal(await fire(node, receiver), '/tmpl')
    await kvPut(consul, `${prefix}/config`, fastWebhookConfig(`${receiver.url}/b`))
    await waitFor('back to /b', async () => (await configView(node)).hash === before.hash)
  })

  it('keeps group timers when a change alters nothing effective', async () => {
    // group_interval 2s: a second alert in a running group waits for the next interval. A
    // rebuilt graph would start the group over and send it after group_wait (100ms) instead.
    const text = fastWebhookConfig(`${receiver.url}/timers`).replace(
      'group_interval: 1s',
      'group_interval: 2s'
    )
    await kvPut(consul, `${prefix}/config`, text)
    await waitFor(
      'timers config',
      async () => (await configView(node)).hash === hashHex(configHash(text))
    )
    const now = Date.now()
    const alert = (instance: string) => ({
      labels: { alertname: 'Timers', instance },
      startsAt: iso(now),
      endsAt: iso(now + 3_600_000),
    })
    assert.equal((await node.postAlerts([alert('1')])).status, 200)
    const first = await receiver.next((d) => d.path === '/timers')
    assert.equal((await node.postAlerts([alert('2')])).status, 200)
    const commented = `# only a comment changed\n${text}`
    await kvPut(consul, `${prefix}/config`, commented)
    await waitFor(
      'comment-only change recorded',
      async () => (await configView(node)).hash === hashHex(configHash(commented))
    )
    const second = await receiver.next((d) => d.path === '/timers' && d.payload.alerts.length === 2)
    assert.ok(
      second.at - first.at >= 1800,
      `second notification ${second.at - first.at} ms after the first: the group was restarted`
    )
  })
})
