// `alertmesh config push|pull|status` against Consul (stand-in or a real agent) and two real
// nodes: an invalid config never reaches Consul, a valid one is applied by every node, status
// shows each node's hash and marks drift, pull gives back what was pushed.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { hashHex } from '#src/cli/config-controller.js'
import { configHash } from '#src/config/index.js'

import { startConsulForTests } from '../support/consul.js'
import type { ConsulUnderTest } from '../support/consul.js'
import { TestNode, runAlertmesh } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const config = (wait: string): string => `route:
  receiver: r
  group_wait: ${wait}
receivers:
- name: r
`

describe('alertmesh config push, pull and status', () => {
  let consul: ConsulUnderTest
  let dir: string
  let nodes: TestNode[] = []
  const prefix = 'cli'
  let flags: string[]
  const teardown = new Teardown()

  before(async () => {
    consul = teardown.stop(await startConsulForTests())
    dir = teardown.add(await mkdtemp(join(tmpdir(), 'consul-cli-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    flags = [`--consul.address=${consul.address}`, `--consul.kv-prefix=${prefix}`]
  })
  after(() => teardown.run())

  it('refuses an invalid config before it reaches Consul, naming file, line and field', async () => {
    const file = join(dir, 'bad.yml')
    await writeFile(file, 'route:\n  receiver: r\n  group_wait: soon\nreceivers:\n- name: r\n')
    const run = await runAlertmesh(['config', 'push', file, ...flags])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /bad\.yml: line 3: route\.group_wait: .*"soon"/)
    const res = await fetch(`${consul.url}/v1/kv/${prefix}/config`)
    assert.equal(res.status, 404)
  })

  it('refuses a config whose pushed template does not parse, naming the local file and line', async () => {
    const file = join(dir, 'tmpl.yml')
    const template = join(dir, 'broken.tmpl')
    await writeFile(file, "route:\n  receiver: r\nreceivers:\n- name: r\ntemplates: ['*.tmpl']\n")
    await writeFile(template, '{{ define "x" }}{{ if }}{{ end }}{{ end }}')
    const run = await runAlertmesh(['config', 'push', file, `--template=${template}`, ...flags])
    assert.equal(run.code, 1)
    assert.ok(
      run.stderr.includes(
        `failed to parse templates: template: broken.tmpl:1: missing value for if (file ${template})`
      ),
      run.stderr
    )
    assert.equal((await fetch(`${consul.url}/v1/kv/${prefix}/config`)).status, 404)
    assert.equal((await fetch(`${consul.url}/v1/kv/${prefix}/templates/broken.tmpl`)).status, 404)
  })

  it('pushes a valid config with its templates; every node applies it; pull gives it back', async () => {
    const file = join(dir, 'good.yml')
    const template = join(dir, 'team.tmpl')
    await writeFile(file, config('1s'))
    await writeFile(template, '{{ define "team" }}ops{{ end }}')
    // The address from CONSUL_HTTP_ADDR, as the consul CLI is usually pointed at its agent.
    const ours = await runAlertmesh(
      ['config', 'push', file, `--template=${template}`, `--consul.kv-prefix=${prefix}`],
      { CONSUL_HTTP_ADDR: consul.address }
    )
    assert.equal(ours.code, 0, ours.stderr)
    assert.match(
      ours.stdout,
      new RegExp(`pushed .* to cli/config \\(hash ${hashHex(configHash(config('1s')))}, 1 template`)
    )

    nodes = await teardown.stopAll(
      ['a', 'b'].map((name) =>
        TestNode.start({
          config: '',
          consul: { address: consul.address, nodeName: name, kvPrefix: prefix },
        })
      )
    )
    for (const node of nodes) {
      // The node materialises the templates next to its data.
      assert.equal(
        await readFile(join(node.dir, 'data', 'templates', 'team.tmpl'), 'utf8'),
        '{{ define "team" }}ops{{ end }}'
      )
    }
    const pulled = await runAlertmesh([
      'config',
      'pull',
      ...flags,
      `--templates-dir=${join(dir, 'pulled')}`,
    ])
    assert.equal(pulled.code, 0, pulled.stderr)
    assert.equal(pulled.stdout, config('1s'))
    assert.equal(
      await readFile(join(dir, 'pulled', 'team.tmpl'), 'utf8'),
      '{{ define "team" }}ops{{ end }}'
    )
  })

  it('lists every node with its applied hash, and marks drift and errors', async () => {
    const hash = hashHex(configHash(config('1s')))
    const statusRun = await waitFor('both nodes reported', async () => {
      const r = await runAlertmesh(['config', 'status', ...flags])
      return r.code === 0 && /^a .*\n^b /m.test(r.stdout) ? r : undefined
    })
    assert.match(statusRun.stdout, new RegExp(`^cli/config: hash ${hash}`, 'm'))
    assert.match(statusRun.stdout, new RegExp(`^a +${hash} +\\d+ +consul`, 'm'))
    assert.match(statusRun.stdout, new RegExp(`^b +${hash} +\\d+ +consul`, 'm'))

    // A config the nodes refuse (pushed around the CLI's validation): both report the error and
    // keep the old hash, which now differs from the key.
    const res = await fetch(`${consul.url}/v1/kv/${prefix}/config`, {
      method: 'PUT',
      body: 'route:\n  receiver: missing\nreceivers:\n- name: r\n',
    })
    assert.equal(res.status, 200)
    const drift = await waitFor('drift reported', async () => {
      const r = await runAlertmesh(['config', 'status', ...flags])
      return r.code === 1 &&
        (r.stdout.match(/DRIFT; error: .*undefined receiver "missing"/g) ?? []).length === 2
        ? r
        : undefined
    })
    assert.match(drift.stdout, new RegExp(`^a +${hash} `, 'm'))
  })

  it('re-reads Consul on POST /-/reload, reporting a refusal', async () => {
    const node = nodes[0] as TestNode
    const refused = await node.reload()
    assert.equal(refused.status, 500)
    assert.match(await refused.text(), /undefined receiver "missing"/)
    const file = join(dir, 'fixed.yml')
    await writeFile(file, config('2s'))
    assert.equal((await runAlertmesh(['config', 'push', file, ...flags])).code, 0)
    const ok = await node.reload()
    assert.equal(ok.status, 200)
  })

  it('explains a missing address and an unknown verb', async () => {
    const noAddress = await runAlertmesh(['config', 'status'])
    assert.equal(noAddress.code, 1)
    assert.match(
      noAddress.stderr,
      /no Consul address: give --consul\.address or set CONSUL_HTTP_ADDR/
    )
    const unknown = await runAlertmesh(['config', 'frobnicate', ...flags])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /unknown command config frobnicate/)
    const down = await runAlertmesh(['config', 'pull', '--consul.address=127.0.0.1:1'])
    assert.equal(down.code, 1)
    assert.match(down.stderr, /cannot reach Consul at http:\/\/127\.0\.0\.1:1/)
  })
})
