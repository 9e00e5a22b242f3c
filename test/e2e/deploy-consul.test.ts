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

import { startTestCluster, stopMembers } from '../support/cluster.js'
import type { ClusterMember } from '../support/cluster.js'
import {
  AclResolver,
  parseGoDuration,
  startConsulStandin,
} from '../support/consul-standin/index.js'
import type { AclPolicyRule, AclResource, ConsulStandin } from '../support/consul-standin/index.js'
import { MAIN_JS, REPO_ROOT, testEnv } from '../support/node-process.js'
import type { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'
import { waitFor } from '../support/wait.js'

const exec = promisify(execFile)
const CONSUL_DIR = join(REPO_ROOT, 'consul')

// ---- a parser for the HCL these files use ----

/** HclValue is an attribute value: string, number, bool, list or `{ k = v }` object. */
type HclValue = string | number | boolean | readonly HclValue[] | HclObject
interface HclObject {
  readonly [key: string]: HclValue
}

/** HclBody is a file or a block body: attributes and nested blocks, in order. */
interface HclBody {
  readonly attributes: ReadonlyMap<string, HclValue>
  readonly blocks: readonly HclBlock[]
}

interface HclBlock {
  readonly type: string
  readonly labels: readonly string[]
  readonly body: HclBody
  readonly line: number
}

type Token =
  | { readonly kind: 'ident' | 'string' | 'number'; readonly text: string; readonly line: number }
  | { readonly kind: '{' | '}' | '[' | ']' | '=' | ',' | 'nl' | 'eof'; readonly line: number }

/**
 * tokenize splits HCL into tokens. Comments (`#`, `//`, `/* *\/`) are dropped; tabs, carriage
 * returns, unterminated strings, strings across lines and `${` interpolation are refused, since
 * none of them belongs in these files.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  // A declaration, so that TypeScript knows the code after a call to it is unreachable.
  function fail(why: string): never {
    throw new Error(`line ${line}: ${why}`)
  }
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\t' || c === '\r') {
      fail('tab or carriage return')
    }
    if (c === ' ') {
      i++
    } else if (c === '\n') {
      tokens.push({ kind: 'nl', line })
      line++
      i++
    } else if (c === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') {
        i++
      }
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) {
        fail('unterminated /* comment')
      }
      line += text.slice(i, end).split('\n').length - 1
      i = end + 2
    } else if (c === '"') {
      let value = ''
      i++
      for (;;) {
        const d = text[i]
        if (d === undefined || d === '\n') {
          fail('unterminated string')
        } else if (d === '"') {
          i++
          break
        } else if (d === '\\') {
          const e = text[i + 1]
          if (e !== '"' && e !== '\\' && e !== 'n') {
            fail(`unsupported escape \\${e ?? ''}`)
          }
          value += e === 'n' ? '\n' : e
          i += 2
        } else if (text.startsWith('${', i)) {
          fail('interpolation ${...}')
        } else {
          value += d
          i++
        }
      }
      tokens.push({ kind: 'string', text: value, line })
    } else if ('{}[]=,'.includes(c)) {
      tokens.push({ kind: c as '{' | '}' | '[' | ']' | '=' | ',', line })
      i++
    } else {
      const m = /^(-?\d+(?:\.\d+)?(?![\w-])|[A-Za-z_][\w-]*)/.exec(text.slice(i))
      if (m === null) {
        fail(`unexpected ${JSON.stringify(c)}`)
      }
      const word = m[1] as string
      tokens.push({ kind: /^-?\d/.test(word) ? 'number' : 'ident', text: word, line })
      i += word.length
    }
  }
  tokens.push({ kind: 'eof', line })
  return tokens
}

/** parseHcl parses the subset: attributes, blocks with string labels, lists and objects. */
function parseHcl(text: string): HclBody {
  const tokens = tokenize(text)
  let pos = 0
  const peek = (): Token => tokens[pos] as Token
  const next = (): Token => tokens[pos++] as Token
  const fail = (t: Token, why: string): never => {
    throw new Error(`line ${t.line}: ${why}`)
  }
  const skipNewlines = (): void => {
    while (peek().kind === 'nl') {
      pos++
    }
  }
  const value = (): HclValue => {
    const t = next()
    switch (t.kind) {
      case 'string':
        return t.text
      case 'number':
        return Number(t.text)
      case 'ident':
        if (t.text === 'true' || t.text === 'false') {
          return t.text === 'true'
        }
        return fail(t, `bare word ${t.text} is not a value`)
      case '[': {
        const items: HclValue[] = []
        for (;;) {
          skipNewlines()
          if (peek().kind === ']') {
            pos++
            return items
          }
          items.push(value())
          skipNewlines()
          const sep = next()
          if (sep.kind === ']') {
            return items
          }
          if (sep.kind !== ',') {
            fail(sep, 'expected , or ] in a list')
          }
        }
      }
      case '{': {
        const object: Record<string, HclValue> = {}
        for (;;) {
          skipNewlines()
          const k = next()
          if (k.kind === '}') {
            return object
          }
          if (k.kind !== 'ident' && k.kind !== 'string') {
            return fail(k, 'expected a key in an object')
          }
          if (next().kind !== '=') {
            fail(k, `expected = after ${k.text}`)
          }
          if (k.text in object) {
            fail(k, `duplicate key ${k.text}`)
          }
          object[k.text] = value()
          if (peek().kind === ',') {
            pos++
          }
        }
      }
      default:
        return fail(t, `expected a value, got ${t.kind}`)
    }
  }
  const body = (nested: boolean): HclBody => {
    const attributes = new Map<string, HclValue>()
    const blocks: HclBlock[] = []
    for (;;) {
      skipNewlines()
      const t = next()
      if (t.kind === (nested ? '}' : 'eof')) {
        return { attributes, blocks }
      }
      if (t.kind !== 'ident') {
        return fail(t, `expected an attribute or block name, got ${t.kind}`)
      }
      if (peek().kind === '=') {
        pos++
        if (attributes.has(t.text)) {
          fail(t, `duplicate attribute ${t.text}`)
        }
        attributes.set(t.text, value())
      } else {
        const labels: string[] = []
        while (peek().kind === 'string') {
          const label = next()
          labels.push(label.kind === 'string' ? label.text : '')
        }
        if (next().kind !== '{') {
          fail(t, `expected = or { after ${t.text}`)
        }
        blocks.push({ type: t.text, labels, body: body(true), line: t.line })
      }
      // One attribute or block per line, as HCL requires.
      const end = peek().kind
      if (end !== 'nl' && end !== 'eof' && end !== '}') {
        fail(peek(), `expected a new line after ${t.text}`)
      }
    }
  }
  return body(false)
}

/** block finds the one block of a type. */
function block(body: HclBody, type: string): HclBody {
  const found = body.blocks.filter((b) => b.type === type)
  assert.equal(found.length, 1, `exactly one ${type} block`)
  return (found[0] as HclBlock).body
}

function attr(body: HclBody, name: string): HclValue | undefined {
  return body.attributes.get(name)
}

/** str is a string attribute; anything else fails. */
function str(from: HclBody, name: string): string {
  return asString(from.attributes.get(name), name)
}

/** entry is a string entry of an object value; anything else fails. */
function entry(from: HclObject, name: string): string {
  return asString(from[name], name)
}

function asString(value: HclValue | undefined, name: string): string {
  assert.ok(typeof value === 'string', `${name} is a string`)
  return value
}

/** num is a number attribute; anything else fails. */
function num(from: HclBody, name: string): number {
  const value = from.attributes.get(name)
  assert.equal(typeof value, 'number', `${name} is a number`)
  return value as number
}

// ---- ACL policies ----

const RESOURCES: readonly AclResource[] = ['key', 'service', 'node', 'agent']

/**
 * policyRules turns a policy file into the stand-in's named rules. Only
 * `key|service|node|agent[_prefix] "<name>" { policy = "read|write|deny" }` is accepted: any other
 * rule kind, attribute or level fails, so a policy never grants something the test ignored.
 */
function policyRules(text: string): AclPolicyRule[] {
  const parsed = parseHcl(text)
  assert.deepEqual([...parsed.attributes.keys()], [], 'a policy has only rule blocks')
  const seen = new Set<string>()
  return parsed.blocks.map((b): AclPolicyRule => {
    const prefix = b.type.endsWith('_prefix')
    const resource = RESOURCES.find((r) => r === (prefix ? b.type.slice(0, -7) : b.type))
    if (resource === undefined) {
      throw new Error(`line ${b.line}: unsupported rule ${b.type}`)
    }
    const [name, ...more] = b.labels
    if (name === undefined || more.length > 0) {
      throw new Error(`line ${b.line}: ${b.type} takes exactly one name`)
    }
    if (b.body.blocks.length > 0 || [...b.body.attributes.keys()].join() !== 'policy') {
      throw new Error(`line ${b.line}: ${b.type} "${name}" must hold only policy = "..."`)
    }
    const policy = attr(b.body, 'policy')
    if (policy !== 'read' && policy !== 'write' && policy !== 'deny') {
      throw new Error(`line ${b.line}: policy ${JSON.stringify(policy)} is not read, write or deny`)
    }
    const key = `${b.type} ${name}`
    if (seen.has(key)) {
      throw new Error(`line ${b.line}: ${key} appears twice`)
    }
    seen.add(key)
    return { resource, match: prefix ? 'prefix' : 'exact', name, policy }
  })
}

async function readPolicy(file: string): Promise<AclPolicyRule[]> {
  return policyRules(await readFile(join(CONSUL_DIR, file), 'utf8'))
}

/** policyText writes rules as a policy file: each `[kind, name, level]` becomes one block. */
function policyText(...rules: readonly (readonly [string, string, string])[]): string {
  return rules
    .map(([kind, name, level]) => `${kind} "${name}" {\n  policy = "${level}"\n}\n`)
    .join('')
}

// ---- a recording proxy in front of the stand-in ----

/** ProxiedRequest is one request that went through the proxy, with its answer's status. */
interface ProxiedRequest {
  readonly method: string
  readonly path: string
  readonly token: string
  readonly body: string
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

// ---- what each request needs from an ACL token ----

interface Demand {
  readonly resource: AclResource
  readonly level: 'read' | 'write'
  readonly name: string
  readonly because: string
}

interface Registration {
  readonly ID: string
  readonly Name: string
  readonly Address: string
  readonly Port: number
  readonly Meta: Record<string, string>
  readonly Check: {
    readonly CheckID: string
    readonly Name: string
    readonly TTL: string
    readonly DeregisterCriticalServiceAfter: string
    readonly Status: string
  }
}

/**
 * demandsOf lists the permissions Consul checks for each request (its documented ACL
 * requirements per endpoint). An endpoint outside the list fails the test: alertmesh must not
 * have started calling something the policies were not written for.
 */
function demandsOf(requests: readonly ProxiedRequest[], consulNode: string): Demand[] {
  const registrations = requests
    .filter((r) => r.path === '/v1/agent/service/register')
    .map((r) => JSON.parse(r.body) as Registration)
  const serviceOf = (pick: (reg: Registration) => string, id: string): string => {
    const reg = registrations.find((r) => pick(r) === id)
    assert.ok(reg !== undefined, `a registration for ${id}`)
    return reg.Name
  }
  return requests.flatMap((r): Demand[] => {
    const because = `${r.method} ${r.path}`
    if (r.path.startsWith('/v1/kv/')) {
      const key = r.path.slice('/v1/kv/'.length)
      const level = r.method === 'GET' ? 'read' : 'write'
      return [{ resource: 'key', level, name: key, because }]
    }
    if (r.path === '/v1/agent/service/register') {
      const name = (JSON.parse(r.body) as Registration).Name
      return [{ resource: 'service', level: 'write', name, because }]
    }
    if (r.path.startsWith('/v1/agent/service/deregister/')) {
      const id = r.path.slice('/v1/agent/service/deregister/'.length)
      return [{ resource: 'service', level: 'write', name: serviceOf((g) => g.ID, id), because }]
    }
    if (r.path.startsWith('/v1/agent/check/update/')) {
      const id = r.path.slice('/v1/agent/check/update/'.length)
      const name = serviceOf((g) => g.Check.CheckID, id)
      return [{ resource: 'service', level: 'write', name, because }]
    }
    if (r.path.startsWith('/v1/health/service/')) {
      const name = r.path.slice('/v1/health/service/'.length)
      // Each instance is shown only with read on its service and on its Consul node.
      return [
        { resource: 'service', level: 'read', name, because },
        { resource: 'node', level: 'read', name: consulNode, because },
      ]
    }
    return assert.fail(`unexpected Consul request ${because}`)
  })
}

/**
 * denied lists the demands a token with these rules would be refused (the stand-in's own ACL
 * model decides).
 */
function denied(rules: readonly AclPolicyRule[], demands: readonly Demand[]): Demand[] {
  const authz = new AclResolver([{ token: 't', rules }]).resolve('t')
  return demands.filter((d) => !authz.allowed(d.resource, d.level, d.name))
}

/** ruleText renders a rule as in the policy file, for messages. */
function ruleText(r: AclPolicyRule): string {
  return `${r.resource}${r.match === 'prefix' ? '_prefix' : ''} "${r.name}" ${r.policy}`
}

// ---- the tests ----

void describe('Consul agent and service files', () => {
  let server: HclBody
  let client: HclBody

  before(async () => {
    server = parseHcl(await readFile(join(CONSUL_DIR, 'server.hcl'), 'utf8'))
    client = parseHcl(await readFile(join(CONSUL_DIR, 'client.hcl'), 'utf8'))
  })

  void it('server.hcl describes one of three servers with ACLs on, default deny', () => {
    assert.equal(attr(server, 'server'), true)
    assert.equal(attr(server, 'bootstrap_expect'), 3)
    assert.equal((attr(server, 'retry_join') as readonly string[]).length, 3)
    const acl = block(server, 'acl')
    assert.equal(attr(acl, 'enabled'), true)
    assert.equal(attr(acl, 'default_policy'), 'deny')
    assert.equal(attr(block(server, 'ports'), 'server'), 8300)
  })

  void it('client.hcl joins those servers, with ACLs on and the API on loopback', () => {
    assert.equal(attr(client, 'server'), false)
    assert.deepEqual(attr(client, 'retry_join'), attr(server, 'retry_join'))
    assert.deepEqual(attr(client, 'datacenter'), attr(server, 'datacenter'))
    assert.deepEqual(attr(client, 'encrypt'), attr(server, 'encrypt'))
    const acl = block(client, 'acl')
    assert.equal(attr(acl, 'enabled'), true)
    assert.equal(attr(acl, 'default_policy'), 'deny')
    assert.equal(attr(client, 'client_addr'), '127.0.0.1')
  })

  void it('the agents listen where alertmesh.env and consul.service expect them', async () => {
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

  void it('the commented TLS settings parse once uncommented', async () => {
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

  // Each row: HCL the parser must refuse, and why it matters.
  const badHcl: readonly (readonly [string, string])[] = [
    ['a = "x\n', 'a string left open'],
    ['a {\n  b = 1\n', 'a brace left open'],
    ['a = 1 b = 2\n', 'two attributes on one line'],
    ['a = [1, 2\n', 'a list left open'],
    ['\ta = 1\n', 'a tab'],
    ['a = "${var.x}"\n', 'interpolation Consul does not do'],
  ]
  for (const [text, why] of badHcl) {
    void it(`the HCL check refuses ${why}`, () => {
      assert.throws(() => parseHcl(text))
    })
  }

  // Each row: a policy the policy reader must refuse, and why.
  const badPolicies: readonly (readonly [string, string])[] = [
    ['session_prefix "" {\n  policy = "write"\n}\n', 'a rule kind the stand-in does not model'],
    ['key_prefix "" {\n  policy = "list"\n}\n', 'a level it does not model'],
    ['key_prefix {\n  policy = "read"\n}\n', 'a rule without a name'],
    ['service "a" {\n  policy = "read"\n  intentions = "read"\n}\n', 'an extra attribute'],
    ['operator = "read"\n', 'a top-level attribute'],
  ]
  for (const [text, why] of badPolicies) {
    void it(`the policy reader refuses ${why}`, () => {
      assert.throws(() => policyRules(text))
    })
  }

  // Each row: a policy (named in the test title), a request, and whether Consul allows it. The
  // ACL claims below rest on the stand-in resolving named rules as Consul does.
  const nodeShape = policyText(
    ['key_prefix', 'alertmesh/', 'read'],
    ['key_prefix', 'alertmesh/status/', 'write'],
    ['service', 'alertmesh', 'write'],
    ['node_prefix', '', 'read']
  )
  const broadThenNarrow = policyText(['key_prefix', '', 'write'], ['key_prefix', 'a/', 'read'])
  const exactKey = policyText(['key', 'a/config', 'write'])
  const denyOne = policyText(['service_prefix', '', 'write'], ['service', 'db', 'deny'])
  const precedence: readonly (readonly [
    string,
    string,
    AclResource,
    'read' | 'write',
    string,
    boolean,
  ])[] = [
    // The longest matching prefix decides: status keys are writable, the rest only readable.
    ['the node policy', nodeShape, 'key', 'write', 'alertmesh/status/n0', true],
    ['the node policy', nodeShape, 'key', 'write', 'alertmesh/config', false],
    ['the node policy', nodeShape, 'key', 'read', 'alertmesh/config', true],
    ['the node policy', nodeShape, 'key', 'read', 'other/config', false],
    // write implies read; a named service says nothing about others.
    ['the node policy', nodeShape, 'service', 'read', 'alertmesh', true],
    ['the node policy', nodeShape, 'service', 'write', 'web', false],
    ['the node policy', nodeShape, 'node', 'read', 'any-consul-node', true],
    ['the node policy', nodeShape, 'agent', 'read', 'any-consul-node', false],
    // A longer prefix narrows a broader grant.
    ['"" write and "a/" read', broadThenNarrow, 'key', 'write', 'a/b', false],
    ['"" write and "a/" read', broadThenNarrow, 'key', 'write', 'b/c', true],
    // An exact rule covers that name only.
    ['key "a/config" write', exactKey, 'key', 'write', 'a/config', true],
    ['key "a/config" write', exactKey, 'key', 'write', 'a/config2', false],
    // deny on an exact name beats a prefix grant.
    ['service_prefix "" write, service "db" deny', denyOne, 'service', 'read', 'db', false],
  ]
  for (const [label, policy, resource, level, name, allowed] of precedence) {
    const verb = allowed ? 'allows' : 'refuses'
    void it(`the stand-in ${verb} ${resource}:${level} on "${name}" under ${label}`, () => {
      const authz = new AclResolver([{ token: 't', rules: policyRules(policy) }]).resolve('t')
      assert.equal(authz.allowed(resource, level, name), allowed)
    })
  }

  void it('alertmanager.yml passes alertmesh check-config and amtool check-config', async () => {
    const file = join(CONSUL_DIR, 'alertmanager.yml')
    const ours = await exec(process.execPath, [MAIN_JS, 'check-config', file])
    assert.match(ours.stdout, /SUCCESS/)
    // Debian's amtool 0.25 (installed by `npm test`), the reference the config format follows.
    const amtool = await exec('amtool', ['check-config', file])
    assert.match(amtool.stdout, /SUCCESS/)
  })
})

void describe('a cluster under the ACL policies of consul/', () => {
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

  void it('an operator token from acl-policy-operator.hcl pushes consul/alertmanager.yml', async () => {
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

  void it('two nodes with a token from acl-policy.hcl read the config, register, find each other and report', async () => {
    members = teardown.add(
      await startTestCluster(2, {
        config: '',
        consul: { address: proxy.address },
        args: [`--consul.token-file=${nodeTokenFile()}`],
      }),
      stopMembers
    )
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
    void it(`every rule of ${file} is needed by a request that was made, and none is missing`, () => {
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
    void it(`${token} gets 403 for ${method} ${path} (${why})`, async () => {
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

  void it('operator-token sees no alertmesh instance (reads are filtered, not refused)', async () => {
    const all = await fetch(`${standin.url}/v1/health/service/alertmesh`, { headers: asRoot })
    assert.equal(((await all.json()) as unknown[]).length, 1, 'n0 is registered')
    const res = await fetch(`${standin.url}/v1/health/service/alertmesh`, {
      headers: { 'X-Consul-Token': 'operator-token' },
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), [])
  })

  void it('alertmesh-service.hcl is what a node registers', async () => {
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
