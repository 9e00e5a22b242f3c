// The Consul deployment files under consul/: the agent configs and the service reference are
// well-formed HCL that agrees with the rest of the deployment, the example routing config is
// valid, and the ACL policies are exactly what alertmesh needs: a two-node cluster runs with a
// token made from acl-policy.hcl and nothing else (ACLs on, default deny), an operator pushes
// with a token made from acl-policy-operator.hcl, each token is refused what it must not do, and
// every rule of each policy is needed by a request the nodes or the CLI actually made.
//
// The policies go into the Consul stand-in as its named ACL rules (exact beats prefix, longest
// prefix wins, as in Consul). A real `consul validate` of the agent files and a real ACL system
// are not possible here (no consul binary can be installed), so the HCL is checked by a small
// parser of the subset these files use, and the ACL semantics are the stand-in's model of them.
//
// All Consul traffic of the nodes and the CLI goes through a recording proxy in front of the
// stand-in: it keeps each request's token and the registration bodies (the TTL a node asks for
// shows nowhere else), and forwards everything unchanged.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { startTestClusterFor } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import { demandsOf, denied, policyRules, ruleText } from '../support/consul-acl-policy.js'
import type { ConsulRequest, Registration } from '../support/consul-acl-policy.js'
import { parseGoDuration, startConsulStandin } from '../support/consul-standin/index.js'
import type { AclPolicyRule, ConsulStandin } from '../support/consul-standin/index.js'
import { attr, block, entry, num, parseHcl, str } from '../support/hcl.js'
import type { HclBody, HclObject } from '../support/hcl.js'
import { MAIN_JS, REPO_ROOT, testEnv } from '../support/node-process.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const exec = promisify(execFile)
const CONSUL_DIR = join(REPO_ROOT, 'consul')

/** readPolicy reads one of consul/'s policy files into the stand-in's rules. */
async function readPolicy(file: string): Promise<AclPolicyRule[]> {
  return policyRules(await readFile(join(CONSUL_DIR, file), 'utf8'))
}

/** ProxiedRequest is one request that went through the proxy, with its answer's status. */
interface ProxiedRequest extends ConsulRequest {
  readonly token: string
  status: number | undefined
}

interface RecordingProxy {
  readonly address: string
  readonly requests: ProxiedRequest[]
  close(): Promise<void>
}

async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target)
  const requests: ProxiedRequest[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', target)
      const token = req.headers['x-consul-token']
      const record: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        token: typeof token === 'string' ? token : (url.searchParams.get('token') ?? ''),
        body: body.toString('utf8'),
        status: undefined,
      }
      requests.push(record)
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          record.status = answer.statusCode
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      forward.on('error', () => res.destroy())
      // A node cancels its long polls on shutdown; the stand-in should see that too.
      res.on('close', () => forward.destroy())
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  assert.ok(typeof address === 'object' && address !== null)
  return {
    address: `127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

// ---- the tests ----

describe('Consul agent and service files', () => {
  let server: HclBody
  let client: HclBody

  before(async () => {
    server = parseHcl(await readFile(join(CONSUL_DIR, 'server.hcl'), 'utf8'))
    client = parseHcl(await readFile(join(CONSUL_DIR, 'client.hcl'), 'utf8'))
  })

  it('server.hcl describes one of three servers with ACLs on, default deny', () => {
    assert.equal(attr(server, 'server'), true)
    assert.equal(attr(server, 'bootstrap_expect'), 3)
    assert.equal((attr(server, 'retry_join') as readonly string[]).length, 3)
    const acl = block(server, 'acl')
    assert.equal(attr(acl, 'enabled'), true)
    assert.equal(attr(acl, 'default_policy'), 'deny')
    assert.equal(attr(block(server, 'ports'), 'server'), 8300)
  })

  it('client.hcl joins those servers, with ACLs on and the API on loopback', () => {
    assert.equal(attr(client, 'server'), false)
    assert.deepEqual(attr(client, 'retry_join'), attr(server, 'retry_join'))
    assert.deepEqual(attr(client, 'datacenter'), attr(server, 'datacenter'))
    assert.deepEqual(attr(client, 'encrypt'), attr(server, 'encrypt'))
    const acl = block(client, 'acl')
    assert.equal(attr(acl, 'enabled'), true)
    assert.equal(attr(acl, 'default_policy'), 'deny')
    assert.equal(attr(client, 'client_addr'), '127.0.0.1')
  })

  it('the agents listen where alertmesh.env and consul.service expect them', async () => {
    const env = await readFile(join(REPO_ROOT, 'systemd', 'alertmesh.env'), 'utf8')
    const unit = await readFile(join(REPO_ROOT, 'systemd', 'consul.service'), 'utf8')
    const address = /--consul\.address=(\S+)/.exec(env)?.[1]
    const http = num(block(client, 'ports'), 'http')
    assert.equal(address, `${str(client, 'client_addr')}:${http}`)
    const writable = /^ReadWritePaths=(\S+)$/m.exec(unit)?.[1]
    for (const agent of [server, client]) {
      assert.equal(attr(agent, 'data_dir'), writable, 'data_dir is what consul.service may write')
    }
  })

  it('the commented TLS settings parse once uncommented', async () => {
    for (const file of ['server.hcl', 'client.hcl']) {
      const lines = (await readFile(join(CONSUL_DIR, file), 'utf8')).split('\n')
      const start = lines.indexOf('# tls {')
      const end = lines.indexOf('# }', start)
      assert.ok(start >= 0 && end > start, `${file} has a commented tls block`)
      const tls = parseHcl(
        lines
          .slice(start, end + 1)
          .map((l) => l.slice(2))
          .join('\n')
      )
      assert.equal(typeof attr(block(block(tls, 'tls'), 'defaults'), 'ca_file'), 'string')
    }
  })

  it('alertmanager.yml passes alertmesh check-config and amtool check-config', async () => {
    const file = join(CONSUL_DIR, 'alertmanager.yml')
    const ours = await exec(process.execPath, [MAIN_JS, 'check-config', file])
    assert.match(ours.stdout, /SUCCESS/)
    // Debian's amtool 0.25 (installed by `npm test`), the reference the config format follows.
    const amtool = await exec('amtool', ['check-config', file])
    assert.match(amtool.stdout, /SUCCESS/)
  })
})

describe('a cluster under the ACL policies of consul/', () => {
  const consulNode = 'consul-am'
  let tmp: string
  let standin: ConsulStandin
  let proxy: RecordingProxy
  let nodeRules: AclPolicyRule[]
  let operatorRules: AclPolicyRule[]
  let members: ClusterMember[] = []
  const nodeTokenFile = (): string => join(tmp, 'node.token')
  const operatorTokenFile = (): string => join(tmp, 'operator.token')
  const teardown = new Teardown()

  before(async () => {
    tmp = teardown.add(await mkdtemp(join(tmpdir(), 'alertmesh-consul-acl-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
    nodeRules = await readPolicy('acl-policy.hcl')
    operatorRules = await readPolicy('acl-policy-operator.hcl')
    standin = teardown.stop(
      await startConsulStandin({
        nodeName: consulNode,
        aclTokens: [
          'root-token',
          { token: 'node-token', accessorId: 'alertmesh-node', rules: nodeRules },
          { token: 'operator-token', accessorId: 'alertmesh-operator', rules: operatorRules },
        ],
      })
    )
    proxy = teardown.add(await startRecordingProxy(standin.url), (p) => p.close())
    await writeFile(nodeTokenFile(), 'node-token\n', { mode: 0o400 })
    await writeFile(operatorTokenFile(), 'operator-token\n', { mode: 0o400 })
  })
  after(() => teardown.run())

  const asRoot = { 'X-Consul-Token': 'root-token' }
  const operator = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    exec(
      process.execPath,
      [
        MAIN_JS,
        'config',
        ...args,
        `--consul.address=${proxy.address}`,
        `--consul.token-file=${operatorTokenFile()}`,
      ],
      { env: testEnv() }
    )

  it('an operator token from acl-policy-operator.hcl pushes consul/alertmanager.yml', async () => {
    const template = join(tmp, 'team.tmpl')
    await writeFile(
      template,
      '{{ define "team.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}\n'
    )
    const { stdout } = await operator(
      'push',
      join(CONSUL_DIR, 'alertmanager.yml'),
      `--template=${template}`
    )
    assert.match(stdout, /^pushed /)
    const kv = standin.kvSnapshot()
    assert.equal(
      kv['alertmesh/config']?.value,
      await readFile(join(CONSUL_DIR, 'alertmanager.yml'), 'utf8')
    )
    assert.ok(kv['alertmesh/templates/team.tmpl'] !== undefined)
  })

  it('two nodes with a token from acl-policy.hcl read the config, register, find each other and report', async () => {
    members = await startTestClusterFor(teardown, 2, {
      config: '',
      consul: { address: proxy.address },
      args: [`--consul.token-file=${nodeTokenFile()}`],
    })
    const peers = async (node: TestNode): Promise<string[]> =>
      (
        await node.getJson<{ cluster: { peers: { name: string }[] } }>('/api/v2/status')
      ).cluster.peers.map((p) => p.name)
    for (const { node } of members) {
      await waitFor('both peers', async () => (await peers(node)).length === 2, {
        timeoutMs: 20_000,
      })
      assert.deepEqual(await peers(node), ['n0', 'n1'])
    }
    for (const { name } of members) {
      await waitFor(
        `status key of ${name}`,
        () => standin.kvSnapshot()[`alertmesh/status/${name}`],
        { timeoutMs: 20_000 }
      )
    }
    const { stdout } = await operator('status')
    assert.match(stdout, /n0/)
    assert.match(stdout, /n1/)
    assert.doesNotMatch(stdout, /DRIFT/)
    const pulled = await operator('pull')
    assert.equal(pulled.stdout, await readFile(join(CONSUL_DIR, 'alertmanager.yml'), 'utf8'))

    // A clean stop deregisters with the node token as well.
    const last = members.pop() as ClusterMember
    assert.equal(await last.node.stop(), 0)
    const res = await fetch(`${standin.url}/v1/agent/services`, { headers: asRoot })
    assert.deepEqual(Object.keys((await res.json()) as object), ['alertmesh-n0'])

    const refused = proxy.requests.filter((r) => r.status === 403)
    assert.deepEqual(
      refused.map((r) => `${r.method} ${r.path}`),
      [],
      'no request was refused'
    )
  })

  for (const [file, token] of [
    ['acl-policy.hcl', 'node-token'],
    ['acl-policy-operator.hcl', 'operator-token'],
  ] as const) {
    it(`every rule of ${file} is needed by a request that was made, and none is missing`, () => {
      const rules = token === 'node-token' ? nodeRules : operatorRules
      const made = proxy.requests.filter((r) => r.token === token)
      assert.ok(made.length > 0)
      const demands = demandsOf(made, consulNode)
      assert.deepEqual(denied(rules, demands), [])
      for (const rule of rules) {
        const without = rules.filter((r) => r !== rule)
        assert.ok(
          denied(without, demands).length > 0,
          `${ruleText(rule)} is granted but no request needed it`
        )
      }
    })
  }

  // Each row: a request with a token that its policy must refuse, and why.
  const refusals: readonly (readonly [string, string, string, string, string])[] = [
    [
      'node-token',
      'PUT',
      '/v1/kv/alertmesh/config',
      'routing: changed',
      'a node cannot change the config',
    ],
    ['node-token', 'PUT', '/v1/kv/alertmesh/templates/x.tmpl', 'x', 'nor the templates'],
    [
      'node-token',
      'PUT',
      '/v1/agent/service/register',
      JSON.stringify({ ID: 'web-1', Name: 'web', Port: 80 }),
      'a node registers only the alertmesh service',
    ],
    [
      'operator-token',
      'PUT',
      '/v1/agent/service/register',
      JSON.stringify({ ID: 'alertmesh-fake', Name: 'alertmesh', Port: 9094 }),
      'an operator cannot add a node',
    ],
    ['operator-token', 'PUT', '/v1/kv/alertmesh/status/n0', '{}', "nor forge a node's status"],
  ]
  for (const [token, method, path, body, why] of refusals) {
    it(`${token} gets 403 for ${method} ${path} (${why})`, async () => {
      const res = await fetch(`${standin.url}${path}`, {
        method,
        headers: { 'X-Consul-Token': token },
        body,
      })
      const text = await res.text()
      assert.equal(res.status, 403, text)
      assert.match(text, /Permission denied/)
    })
  }

  it('operator-token sees no alertmesh instance (reads are filtered, not refused)', async () => {
    const all = await fetch(`${standin.url}/v1/health/service/alertmesh`, { headers: asRoot })
    assert.equal(((await all.json()) as unknown[]).length, 1, 'n0 is registered')
    const res = await fetch(`${standin.url}/v1/health/service/alertmesh`, {
      headers: { 'X-Consul-Token': 'operator-token' },
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), [])
  })

  it('alertmesh-service.hcl is what a node registers', async () => {
    const ref = block(
      parseHcl(await readFile(join(CONSUL_DIR, 'alertmesh-service.hcl'), 'utf8')),
      'service'
    )
    const refCheck = block(ref, 'check')
    const name = str(ref, 'name')
    const meta = attr(ref, 'meta')
    assert.ok(typeof meta === 'object' && !Array.isArray(meta), 'meta is an object')
    const refMeta = meta as HclObject
    // The reference's own values hang together the way the node builds them.
    assert.equal(str(ref, 'id'), `${name}-${entry(refMeta, 'node_name')}`)
    assert.equal(entry(refMeta, 'cluster_address'), `${str(ref, 'address')}:${num(ref, 'port')}`)
    assert.equal(str(refCheck, 'id'), `service:${str(ref, 'id')}:ttl`)

    const res = await fetch(`${standin.url}/v1/agent/services`, { headers: asRoot })
    const services = (await res.json()) as Record<
      string,
      { ID: string; Service: string; Address: string; Port: number; Meta: Record<string, string> }
    >
    const seen = services[`${name}-n0`]
    assert.ok(seen !== undefined, `the stand-in holds ${name}-n0`)
    assert.equal(seen.Service, name)
    assert.deepEqual(Object.keys(seen.Meta).sort(), Object.keys(refMeta).sort())
    assert.equal(seen.Meta['node_name'], 'n0')
    assert.equal(seen.Meta['cluster_address'], `${seen.Address}:${seen.Port}`)
    const webPort = new URL(members[0]?.node.url ?? '').port
    assert.equal(new URL(seen.Meta['web_url'] ?? '').port, webPort)

    const checksRes = await fetch(`${standin.url}/v1/agent/checks`, { headers: asRoot })
    const checks = (await checksRes.json()) as Record<
      string,
      {
        Name: string
        Type: string
        ServiceID: string
        Definition: { DeregisterCriticalServiceAfter: string }
      }
    >
    const check = checks[`service:${seen.ID}:ttl`]
    assert.ok(check !== undefined)
    assert.equal(check.Name, str(refCheck, 'name'))
    assert.equal(check.Type, 'ttl')
    assert.equal(check.ServiceID, seen.ID)
    const ms = (d: string): number | undefined => parseGoDuration(d)
    assert.equal(
      ms(check.Definition.DeregisterCriticalServiceAfter),
      ms(str(refCheck, 'deregister_critical_service_after'))
    )

    // The TTL and the first status appear only in the registration itself.
    const body = proxy.requests.find(
      (r) => r.path === '/v1/agent/service/register' && r.body.includes(`"${seen.ID}"`)
    )
    assert.ok(body !== undefined)
    const reg = JSON.parse(body.body) as Registration
    assert.equal(ms(reg.Check.TTL), ms(str(refCheck, 'ttl')))
    assert.equal(reg.Check.Status, str(refCheck, 'status'))
    assert.equal(reg.Check.Name, str(refCheck, 'name'))
  })
})
