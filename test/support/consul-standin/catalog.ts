// The server-side catalog of the stand-in's single node, after Consul's
// agent/consul/state/catalog.go. Reads report indexes the way the state store does:
// - a service that has instances answers with its own per-service index, which moves when an
//   instance or one of its checks changes;
// - a service with no instances answers with the "service extinction" index (when the last
//   instance of any service went away), or else with the catalog's table index;
// - the service list answers with max(nodes, services): check changes do not move it.
// Node-level checks come before service checks in health results (parseCheckServiceNodes).

import { randomUUID } from 'node:crypto'

import type { RaftIndex } from './blocking.js'

/** CheckStatus is a Consul health status. */
export type CheckStatus = 'passing' | 'warning' | 'critical'

/** ServiceFields are what a registration and its catalog entry say alike about a service. */
export interface ServiceFields {
  readonly id: string
  readonly tags: readonly string[] | null
  readonly address: string
  readonly port: number
  readonly meta: Readonly<Record<string, string>> | null
  readonly taggedAddresses: Readonly<Record<string, { Address: string; Port: number }>> | null
  readonly weights: { readonly Passing: number; readonly Warning: number }
  readonly enableTagOverride: boolean
}

/** CatalogServiceInput is a service as the agent syncs it. */
export interface CatalogServiceInput extends ServiceFields {
  readonly service: string
}

/** CatalogCheckInput is a check as the agent syncs it. */
export interface CatalogCheckInput {
  readonly checkId: string
  readonly name: string
  readonly status: CheckStatus
  readonly notes: string
  readonly output: string
  readonly serviceId: string
  readonly serviceName: string
  readonly serviceTags: readonly string[]
  readonly type: string
  readonly interval: string
  readonly timeout: string
  readonly definition: Readonly<Record<string, unknown>>
}

interface Indexed {
  readonly createIndex: number
  readonly modifyIndex: number
}

type StoredService = CatalogServiceInput & Indexed
type StoredCheck = CatalogCheckInput & Indexed

interface NodeRecord extends Indexed {
  readonly id: string
  readonly node: string
  readonly address: string
  readonly datacenter: string
}

/** CatalogRead is a result with the index to report in X-Consul-Index. */
export interface CatalogRead<T> {
  readonly index: number
  readonly result: T
}

/** SERF_HEALTH is the node check Consul's servers maintain for every member. */
const SERF_HEALTH: CatalogCheckInput = {
  checkId: 'serfHealth',
  name: 'Serf Health Status',
  status: 'passing',
  notes: '',
  output: 'Agent alive and reachable',
  serviceId: '',
  serviceName: '',
  serviceTags: [],
  type: '',
  interval: '',
  timeout: '',
  definition: {},
}

/** CONSUL_SERVICE is what a Consul server registers for itself once it is leader. */
const CONSUL_SERVICE: CatalogServiceInput = {
  id: 'consul',
  service: 'consul',
  tags: [],
  address: '',
  port: 8300,
  meta: {
    raft_version: '3',
    serf_protocol_current: '2',
    serf_protocol_max: '5',
    version: '1.0.0-standin',
  },
  taggedAddresses: null,
  weights: { Passing: 1, Warning: 1 },
  enableTagOverride: false,
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Catalog holds the node, its services and checks, and the table indexes Consul reports.
 */
export class Catalog {
  readonly #raft: RaftIndex
  readonly #nodeName: string
  readonly #datacenter: string
  #node: NodeRecord | undefined
  readonly #services = new Map<string, StoredService>()
  readonly #checks = new Map<string, StoredCheck>()
  #nodesIndex = 0
  #servicesIndex = 0
  #checksIndex = 0
  readonly #serviceIndexes = new Map<string, number>()
  #extinctionIndex = 0

  /**
   * Creates an empty catalog; call bootstrap() to add the node.
   *
   * @param raft - the shared Raft index.
   * @param nodeName - the node's name.
   * @param datacenter - the datacenter.
   */
  constructor(raft: RaftIndex, nodeName: string, datacenter: string) {
    this.#raft = raft
    this.#nodeName = nodeName
    this.#datacenter = datacenter
  }

  /** bootstrap registers the node, its serfHealth check and the `consul` service in one write. */
  bootstrap(): void {
    const idx = this.#raft.next()
    this.#node = {
      id: randomUUID(),
      node: this.#nodeName,
      address: '127.0.0.1',
      datacenter: this.#datacenter,
      createIndex: idx,
      modifyIndex: idx,
    }
    this.#nodesIndex = idx
    this.#putService(idx, CONSUL_SERVICE)
    this.#putCheck(idx, SERF_HEALTH)
  }

  /**
   * register upserts a service and its checks in one write, as the agent's anti-entropy sync
   * does; entries that did not change keep their indexes.
   *
   * @param service - the service.
   * @param checks - its checks.
   */
  register(service: CatalogServiceInput, checks: readonly CatalogCheckInput[]): void {
    const idx = this.#raft.next()
    this.#putService(idx, service)
    for (const check of checks) {
      this.#putCheck(idx, check)
    }
  }

  /**
   * updateCheck writes a check's new status and output.
   *
   * @param checkId - the check.
   * @param status - its status.
   * @param output - its output.
   */
  updateCheck(checkId: string, status: CheckStatus, output: string): void {
    const existing = this.#checks.get(checkId)
    if (existing !== undefined) {
      this.#putCheck(this.#raft.next(), { ...strip(existing), status, output })
    }
  }

  /**
   * deregisterCheck removes one check.
   *
   * @param checkId - the check.
   */
  deregisterCheck(checkId: string): void {
    const idx = this.#raft.next()
    const existing = this.#checks.get(checkId)
    if (existing === undefined) {
      return
    }
    this.#checks.delete(checkId)
    this.#checksIndex = idx
    if (existing.serviceName !== '') {
      this.#serviceIndexes.set(existing.serviceName, idx)
    }
  }

  /**
   * deregister removes a service and its checks in one write.
   *
   * @param serviceId - the service instance.
   */
  deregister(serviceId: string): void {
    const idx = this.#raft.next()
    const existing = this.#services.get(serviceId)
    if (existing === undefined) {
      return
    }
    this.#services.delete(serviceId)
    this.#servicesIndex = idx
    for (const [id, check] of this.#checks) {
      if (check.serviceId === serviceId) {
        this.#checks.delete(id)
        this.#checksIndex = idx
      }
    }
    if (this.#instances(existing.service).length === 0) {
      this.#serviceIndexes.delete(existing.service)
      this.#extinctionIndex = idx
    } else {
      this.#serviceIndexes.set(existing.service, idx)
    }
  }

  /**
   * healthService is GET /v1/health/service/:name.
   *
   * @param name - the service name.
   * @param options - `?passing`, `?tag` and the ACL filter.
   * @returns CheckServiceNode values and the index.
   */
  healthService(
    name: string,
    options: { passing: boolean; tags: readonly string[]; visible: boolean }
  ): CatalogRead<unknown[]> {
    const index = this.serviceIndex(name, true)
    if (!options.visible) {
      return { index, result: [] }
    }
    const nodeChecks = [...this.#checks.values()]
      .filter((c) => c.serviceId === '')
      .sort((a, b) => a.checkId.localeCompare(b.checkId))
    const result: unknown[] = []
    for (const svc of this.#instances(name)) {
      if (!options.tags.every((t) => svc.tags?.includes(t) === true)) {
        continue
      }
      const own = [...this.#checks.values()]
        .filter((c) => c.serviceId === svc.id)
        .sort((a, b) => a.checkId.localeCompare(b.checkId))
      const checks = [...nodeChecks, ...own]
      if (options.passing && checks.some((c) => c.status !== 'passing')) {
        continue
      }
      result.push({
        Node: this.#nodeJson(),
        Service: serviceJson(svc),
        Checks: checks.map((c) => checkJson(this.#nodeName, c)),
      })
    }
    return { index, result }
  }

  /**
   * catalogService is GET /v1/catalog/service/:name.
   *
   * @param name - the service name.
   * @param options - `?tag` and the ACL filter.
   * @returns ServiceNode values and the index.
   */
  catalogService(
    name: string,
    options: { tags: readonly string[]; visible: boolean }
  ): CatalogRead<unknown[]> {
    const index = this.serviceIndex(name, false)
    if (!options.visible) {
      return { index, result: [] }
    }
    const node = this.#requireNode()
    const result = this.#instances(name)
      .filter((svc) => options.tags.every((t) => svc.tags?.includes(t) === true))
      .map((svc) => ({
        ID: node.id,
        Node: node.node,
        Address: node.address,
        Datacenter: node.datacenter,
        TaggedAddresses: nodeTaggedAddresses(node.address),
        NodeMeta: { 'consul-network-segment': '' },
        ServiceKind: '',
        ServiceID: svc.id,
        ServiceName: svc.service,
        ServiceTags: svc.tags,
        ServiceAddress: svc.address,
        ServiceTaggedAddresses: svc.taggedAddresses ?? undefined,
        ServiceWeights: svc.weights,
        ServiceMeta: svc.meta,
        ServicePort: svc.port,
        ServiceSocketPath: '',
        ServiceEnableTagOverride: svc.enableTagOverride,
        ServiceProxy: { Mode: '', MeshGateway: {}, Expose: {} },
        ServiceConnect: {},
        CreateIndex: svc.createIndex,
        ModifyIndex: svc.modifyIndex,
      }))
    return { index, result }
  }

  /**
   * services is GET /v1/catalog/services: each name with the union of its instances' tags.
   *
   * @param visible - ACL filter on service names.
   * @returns the map and the index.
   */
  services(visible: (name: string) => boolean): CatalogRead<Record<string, string[]>> {
    const tags = new Map<string, Set<string>>()
    for (const svc of this.#services.values()) {
      if (!visible(svc.service)) {
        continue
      }
      const set = tags.get(svc.service) ?? new Set<string>()
      for (const t of svc.tags ?? []) {
        set.add(t)
      }
      tags.set(svc.service, set)
    }
    const result: Record<string, string[]> = {}
    for (const name of [...tags.keys()].sort()) {
      result[name] = [...(tags.get(name) ?? [])].sort()
    }
    return { index: Math.max(this.#nodesIndex, this.#servicesIndex), result }
  }

  /**
   * serviceIndex is Consul's maxIndexForService.
   *
   * @param name - the service name.
   * @param withChecks - whether the checks table counts when falling back to table indexes.
   * @returns the index.
   */
  serviceIndex(name: string, withChecks: boolean): number {
    const own = this.#serviceIndexes.get(name)
    if (own !== undefined && this.#instances(name).length > 0) {
      return own
    }
    if (this.#extinctionIndex > 0) {
      return this.#extinctionIndex
    }
    return Math.max(this.#nodesIndex, this.#servicesIndex, withChecks ? this.#checksIndex : 0)
  }

  /**
   * clampIndexes rewrites every index above `to` down to `to` (an index reset).
   *
   * @param to - the highest index that may remain.
   */
  clampIndexes(to: number): void {
    const clamp = <T extends Indexed>(v: T): T => ({
      ...v,
      createIndex: Math.min(v.createIndex, to),
      modifyIndex: Math.min(v.modifyIndex, to),
    })
    if (this.#node !== undefined) {
      this.#node = clamp(this.#node)
    }
    for (const [id, svc] of this.#services) {
      this.#services.set(id, clamp(svc))
    }
    for (const [id, check] of this.#checks) {
      this.#checks.set(id, clamp(check))
    }
    for (const [name, idx] of this.#serviceIndexes) {
      this.#serviceIndexes.set(name, Math.min(idx, to))
    }
    this.#nodesIndex = Math.min(this.#nodesIndex, to)
    this.#servicesIndex = Math.min(this.#servicesIndex, to)
    this.#checksIndex = Math.min(this.#checksIndex, to)
    this.#extinctionIndex = Math.min(this.#extinctionIndex, to)
  }

  /** clear forgets everything, including the node (call bootstrap() again). */
  clear(): void {
    this.#node = undefined
    this.#services.clear()
    this.#checks.clear()
    this.#serviceIndexes.clear()
    this.#nodesIndex = 0
    this.#servicesIndex = 0
    this.#checksIndex = 0
    this.#extinctionIndex = 0
  }

  #instances(name: string): StoredService[] {
    return [...this.#services.values()]
      .filter((s) => s.service === name)
      .sort((a, b) => a.id.localeCompare(b.id))
  }

  #putService(idx: number, service: CatalogServiceInput): void {
    const existing = this.#services.get(service.id)
    if (existing !== undefined && same(strip(existing), service)) {
      return
    }
    this.#services.set(service.id, {
      ...service,
      createIndex: existing?.createIndex ?? idx,
      modifyIndex: idx,
    })
    this.#servicesIndex = idx
    this.#serviceIndexes.set(service.service, idx)
    if (existing !== undefined && existing.service !== service.service) {
      if (this.#instances(existing.service).length === 0) {
        this.#serviceIndexes.delete(existing.service)
        this.#extinctionIndex = idx
      } else {
        this.#serviceIndexes.set(existing.service, idx)
      }
    }
  }

  #putCheck(idx: number, check: CatalogCheckInput): void {
    const existing = this.#checks.get(check.checkId)
    if (existing !== undefined && same(strip(existing), check)) {
      return
    }
    this.#checks.set(check.checkId, {
      ...check,
      createIndex: existing?.createIndex ?? idx,
      modifyIndex: idx,
    })
    this.#checksIndex = idx
    if (check.serviceName !== '') {
      this.#serviceIndexes.set(check.serviceName, idx)
    } else {
      // A node check belongs to every service on the node.
      for (const svc of this.#services.values()) {
        this.#serviceIndexes.set(svc.service, idx)
      }
    }
  }

  #requireNode(): NodeRecord {
    if (this.#node === undefined) {
      throw new Error('catalog not bootstrapped')
    }
    return this.#node
  }

  #nodeJson(): Record<string, unknown> {
    const node = this.#requireNode()
    return {
      ID: node.id,
      Node: node.node,
      Address: node.address,
      Datacenter: node.datacenter,
      TaggedAddresses: nodeTaggedAddresses(node.address),
      Meta: { 'consul-network-segment': '' },
      CreateIndex: node.createIndex,
      ModifyIndex: node.modifyIndex,
    }
  }
}

function strip<T extends Indexed>(v: T): Omit<T, 'createIndex' | 'modifyIndex'> {
  const { createIndex: _c, modifyIndex: _m, ...rest } = v
  return rest
}

function nodeTaggedAddresses(address: string): Record<string, string> {
  return { lan: address, lan_ipv4: address, wan: address, wan_ipv4: address }
}

function serviceJson(svc: StoredService): Record<string, unknown> {
  return {
    ID: svc.id,
    Service: svc.service,
    Tags: svc.tags,
    Address: svc.address,
    ...(svc.taggedAddresses === null ? {} : { TaggedAddresses: svc.taggedAddresses }),
    Meta: svc.meta,
    Port: svc.port,
    Weights: svc.weights,
    EnableTagOverride: svc.enableTagOverride,
    Proxy: { Mode: '', MeshGateway: {}, Expose: {} },
    Connect: {},
    CreateIndex: svc.createIndex,
    ModifyIndex: svc.modifyIndex,
  }
}

/**
 * checkJson renders a check as Consul's structs.HealthCheck JSON.
 *
 * @param node - the node name.
 * @param c - the check.
 * @returns the JSON object.
 */
export function checkJson(
  node: string,
  c: CatalogCheckInput & Partial<Indexed>
): Record<string, unknown> {
  return {
    Node: node,
    CheckID: c.checkId,
    Name: c.name,
    Status: c.status,
    Notes: c.notes,
    Output: c.output,
    ServiceID: c.serviceId,
    ServiceName: c.serviceName,
    ServiceTags: c.serviceTags,
    Type: c.type,
    Interval: c.interval,
    Timeout: c.timeout,
    ExposedPort: 0,
    Definition: c.definition,
    CreateIndex: c.createIndex ?? 0,
    ModifyIndex: c.modifyIndex ?? 0,
  }
}
