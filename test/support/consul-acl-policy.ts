// The ACL side of the Consul deployment files: a policy file (consul/acl-policy*.hcl) read
// into the stand-in's named rules, the permissions Consul checks for each request alertmesh
// makes (its documented ACL requirements per endpoint), and which of them a policy would refuse,
// decided by the stand-in's own ACL model (consul-standin/acl.ts) so that there is one
// evaluator of the rules, not two.
import assert from 'node:assert/strict'

import { AclResolver } from './consul-standin/index.js'
import type { AclPolicyRule, AclResource } from './consul-standin/index.js'
import { attr, parseHcl } from './hcl.js'

/** RESOURCES are the rule kinds a policy may use (each also as `<kind>_prefix`). */
const RESOURCES: readonly AclResource[] = ['key', 'service', 'node', 'agent']

/**
 * policyRules turns a policy file into the stand-in's named rules. Only
 * `key|service|node|agent[_prefix] "<name>" { policy = "read|write|deny" }` is accepted: any other
 * rule kind, attribute or level fails, so a policy never grants something the test ignored.
 *
 * @param text - the policy file's text.
 * @returns its rules, in file order.
 * @throws Error naming the line of a rule outside that subset or given twice.
 */
export function policyRules(text: string): AclPolicyRule[] {
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

/**
 * policyText writes rules as a policy file: each `[kind, name, level]` becomes one block.
 *
 * @param rules - the rules.
 * @returns the file's text.
 */
export function policyText(...rules: readonly (readonly [string, string, string])[]): string {
  return rules
    .map(([kind, name, level]) => `${kind} "${name}" {\n  policy = "${level}"\n}\n`)
    .join('')
}

/** ConsulRequest is one request a node or the CLI sent to Consul, as a proxy recorded it. */
export interface ConsulRequest {
  readonly method: string
  /** The decoded path, e.g. `/v1/kv/alertmesh/config`. */
  readonly path: string
  /** The request body as text (registrations are JSON). */
  readonly body: string
}

/** Demand is one permission Consul checks for a request. */
export interface Demand {
  readonly resource: AclResource
  readonly level: 'read' | 'write'
  readonly name: string
  readonly because: string
}

/** Registration is the part of an agent service registration body the demands read. */
export interface Registration {
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
 *
 * @param requests - what the nodes and the CLI sent, in order (a deregistration or check
 *   update is resolved to its service through an earlier registration).
 * @param consulNode - the Consul node the agent runs as (health reads need node read).
 * @returns one demand per permission, each naming the request that needs it.
 */
export function demandsOf(requests: readonly ConsulRequest[], consulNode: string): Demand[] {
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
 *
 * @param rules - the policy's rules.
 * @param demands - what was needed.
 * @returns the demands refused.
 */
export function denied(rules: readonly AclPolicyRule[], demands: readonly Demand[]): Demand[] {
  const authz = new AclResolver([{ token: 't', rules }]).resolve('t')
  return demands.filter((d) => !authz.allowed(d.resource, d.level, d.name))
}

/**
 * ruleText renders a rule as in the policy file, for messages.
 *
 * @param r - the rule.
 * @returns e.g. `key_prefix "alertmesh/" read`.
 */
export function ruleText(r: AclPolicyRule): string {
  return `${r.resource}${r.match === 'prefix' ? '_prefix' : ''} "${r.name}" ${r.policy}`
}
