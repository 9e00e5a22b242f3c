// A small ACL system in Consul's shape: tokens come from `?token=`, then `X-Consul-Token`, then
// `Authorization: Bearer`; with ACLs on, the default policy is deny, a request without a token
// acts as the anonymous token, an unknown secret is refused with "ACL not found", and a missing
// permission with acl.PermissionDeniedError's text. Rules are a simplified subset of Consul's
// policy language: key prefixes for read and write, all-or-nothing service, node and agent
// permissions, and named rules (`service "alertmesh" { policy = "write" }`, `node_prefix ""`,
// `key "a/b"`, ...) resolved with Consul's precedence.

import type { IncomingMessage } from 'node:http'

import { HttpError } from './http-error.js'

/** ANONYMOUS_ACCESSOR_ID is the AccessorID of Consul's built-in anonymous token. */
export const ANONYMOUS_ACCESSOR_ID = '00000000-0000-0000-0000-000000000002'

/** AclResource is what a Consul policy rule is about. */
export type AclResource = 'key' | 'service' | 'node' | 'agent'

/**
 * AclPolicyRule is one rule of a Consul policy: `<resource> "<name>" { policy = "<policy>" }` for
 * an exact name, `<resource>_prefix "<name>" { ... }` for every name starting with it.
 */
export interface AclPolicyRule {
  readonly resource: AclResource
  readonly match: 'exact' | 'prefix'
  /** The name, or the prefix; `""` as a prefix matches everything. */
  readonly name: string
  /** write implies read; deny refuses both, overriding shorter prefixes. */
  readonly policy: 'read' | 'write' | 'deny'
}

/**
 * AclTokenRule is one token with limited rights. A plain string in `aclTokens` is a management
 * token instead (everything allowed).
 */
export interface AclTokenRule {
  /** The SecretID clients send. */
  readonly token: string
  /** Shown in denials; defaults to a stable id derived from the list position. */
  readonly accessorId?: string
  /** `key_prefix "<p>" { policy = "read" }` for each entry. */
  readonly keyPrefixRead?: readonly string[]
  /** `key_prefix "<p>" { policy = "write" }` for each entry (write implies read). */
  readonly keyPrefixWrite?: readonly string[]
  /** `service_prefix "" { policy = "read" }` plus `node_prefix "" { policy = "read" }`. */
  readonly serviceRead?: boolean
  /** `service_prefix "" { policy = "write" }` (implies serviceRead). */
  readonly serviceWrite?: boolean
  /** `agent_prefix "" { policy = "read" }`, needed for /v1/agent/self. */
  readonly agentRead?: boolean
  /**
   * Named rules, as in a Consul policy file. For a given resource and name the most specific
   * matching rule decides, as in Consul: an exact rule before any prefix rule, a longer prefix
   * before a shorter one. When none matches, the fields above decide.
   */
  readonly rules?: readonly AclPolicyRule[]
}

/** AclTokenSpec is a management token (a string) or a token with rules. */
export type AclTokenSpec = string | AclTokenRule

type Resource = AclResource
type Level = 'read' | 'write'

/** Authorizer answers permission questions for one resolved token. */
export interface Authorizer {
  readonly accessorId: string
  /** Whether a token was sent at all (Consul hides the filtered-by-ACLs header otherwise). */
  readonly authenticated: boolean
  allowed(resource: Resource, level: Level, name: string): boolean
  /**
   * require throws Consul's 403 unless the permission is granted.
   *
   * @param resource - key, service, node or agent.
   * @param level - read or write.
   * @param name - the resource name.
   */
  require(resource: Resource, level: Level, name: string): void
}

function denial(accessorId: string, resource: Resource, level: Level, name: string): HttpError {
  return new HttpError(
    403,
    `Permission denied: token with AccessorID '${accessorId}' lacks permission '${resource}:${level}' on "${name}"`
  )
}

class RuleAuthorizer implements Authorizer {
  readonly accessorId: string
  readonly authenticated: boolean
  readonly #rule: AclTokenRule | 'all' | 'none'

  constructor(accessorId: string, authenticated: boolean, rule: AclTokenRule | 'all' | 'none') {
    this.accessorId = accessorId
    this.authenticated = authenticated
    this.#rule = rule
  }

  allowed(resource: Resource, level: Level, name: string): boolean {
    const rule = this.#rule
    if (rule === 'all' || rule === 'none') {
      return rule === 'all'
    }
    const named = mostSpecific(rule.rules ?? [], resource, name)
    if (named !== undefined) {
      return named.policy === 'write' || (named.policy === 'read' && level === 'read')
    }
    switch (resource) {
      case 'key': {
        const write = rule.keyPrefixWrite ?? []
        const read = level === 'read' ? [...write, ...(rule.keyPrefixRead ?? [])] : write
        return read.some((prefix) => name.startsWith(prefix))
      }
      case 'service':
      case 'node':
        return level === 'read'
          ? rule.serviceRead === true || rule.serviceWrite === true
          : resource === 'service' && rule.serviceWrite === true
      case 'agent':
        return level === 'read' && rule.agentRead === true
    }
  }

  require(resource: Resource, level: Level, name: string): void {
    if (!this.allowed(resource, level, name)) {
      throw denial(this.accessorId, resource, level, name)
    }
  }
}

/**
 * mostSpecific picks the rule that governs `name`: Consul keeps exact and prefix rules in a radix
 * tree and takes the exact match if there is one, else the longest matching prefix.
 */
function mostSpecific(
  rules: readonly AclPolicyRule[],
  resource: Resource,
  name: string
): AclPolicyRule | undefined {
  let best: AclPolicyRule | undefined
  for (const r of rules) {
    if (r.resource !== resource) {
      continue
    }
    if (r.match === 'exact') {
      if (r.name === name) {
        return r
      }
      continue
    }
    if (name.startsWith(r.name) && (best === undefined || r.name.length > best.name.length)) {
      best = r
    }
  }
  return best
}

/** ALLOW_ALL is the authorizer when ACLs are disabled. */
const ALLOW_ALL: Authorizer = new RuleAuthorizer('', false, 'all')

/**
 * requestToken finds the token a request carries, in Consul's order of precedence.
 *
 * @param req - the request.
 * @param query - its parsed query string.
 * @returns the secret, or undefined for none.
 */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const fromQuery = query.get('token')
  if (fromQuery !== null && fromQuery !== '') {
    return fromQuery
  }
  const header = req.headers['x-consul-token']
  if (typeof header === 'string' && header !== '') {
    return header
  }
  const auth = req.headers.authorization
  if (typeof auth === 'string') {
    const m = /^bearer\s+(.+)$/i.exec(auth.trim())
    if (m?.[1] !== undefined) {
      return m[1].trim()
    }
  }
  return undefined
}

/**
 * AclResolver turns secrets into authorizers. With no tokens configured ACLs are disabled and
 * everything is allowed, as on an agent with `acl.enabled = false`.
 */
export class AclResolver {
  readonly #tokens = new Map<string, RuleAuthorizer>()
  readonly enabled: boolean

  /**
   * Creates the resolver.
   *
   * @param specs - the accepted tokens; undefined disables ACLs.
   */
  constructor(specs: readonly AclTokenSpec[] | undefined) {
    this.enabled = specs !== undefined
    for (const [i, spec] of (specs ?? []).entries()) {
      const n = (i + 1).toString(16).padStart(12, '0')
      const fallbackId = `5ad0b5e0-0000-4000-8000-${n}`
      if (typeof spec === 'string') {
        this.#tokens.set(spec, new RuleAuthorizer(fallbackId, true, 'all'))
      } else {
        this.#tokens.set(spec.token, new RuleAuthorizer(spec.accessorId ?? fallbackId, true, spec))
      }
    }
  }

  /** defaultPolicy is what X-Consul-Default-Acl-Policy reports. */
  get defaultPolicy(): 'allow' | 'deny' {
    return this.enabled ? 'deny' : 'allow'
  }

  /**
   * resolve finds the authorizer for a secret.
   *
   * @param secret - the request's token, if any.
   * @returns the authorizer.
   * @throws HttpError 403 "ACL not found" for an unknown secret.
   */
  resolve(secret: string | undefined): Authorizer {
    if (!this.enabled) {
      return ALLOW_ALL
    }
    if (secret === undefined) {
      return new RuleAuthorizer(ANONYMOUS_ACCESSOR_ID, false, 'none')
    }
    const found = this.#tokens.get(secret)
    if (found === undefined) {
      throw new HttpError(403, 'ACL not found')
    }
    return found
  }
}
