// A network of Linux network namespaces for fault tests: each node gets its own namespace and
// address, linked to a router namespace, so a fault can cut a node off silently (no FIN or RST
// reaches anyone, as when a host loses power or a cable) or split the cluster, which processes
// sharing 127.0.0.1 cannot show.
//
//   root namespace (this test process: receiver, Consul stand-in, API client)
//     <prefix>r 10.202.K.1/30
//        |
//   <prefix>-hub namespace (forwards; nftables rules make partitions here)
//     <prefix>q 10.202.K.2/30   <prefix>h0 10.201.K.1/30   <prefix>h1 10.201.K.5/30 ...
//                                  |                          |
//   <prefix>-n0 namespace       <prefix>n0 10.201.K.2/30   <prefix>-n1: <prefix>n1 10.201.K.6/30
//
// Addresses come from 10.201.0.0/16 and 10.202.0.0/16, which exist only inside these namespaces
// and the routes this module adds to the root namespace for them (removed with the links).
import { execFileSync, spawnSync } from 'node:child_process'

/** FaultNode is one node's place in the network. */
export interface FaultNode {
  readonly index: number
  /** The namespace to run the node in (`ip netns exec <ns> ...`). */
  readonly ns: string
  /** The node's address, reachable from the root namespace and from every other node. */
  readonly address: string
  /** The router's end of the node's link; taking it down cuts the node off silently. */
  readonly routerLink: string
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * faultNetworkUnavailable tells why namespaces cannot be used here, or undefined when they can:
 * a test passes it as `skip`, so the reason shows in the run's output.
 *
 * @returns the reason, or undefined.
 */
export function faultNetworkUnavailable(): string | undefined {
  if (process.platform !== 'linux') {
    return `network namespaces need Linux (this is ${process.platform})`
  }
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root: run the fault tests as root'
  }
  for (const tool of ['ip', 'nft']) {
    const found = spawnSync(tool, ['-V'], { stdio: 'ignore' })
    if (found.error !== undefined) {
      return `${tool} is not installed (Debian: apt-get install ${tool === 'ip' ? 'iproute2' : 'nftables'})`
    }
  }
  const probe = `amprobe${process.pid}`
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' })
  if (made.status !== 0) {
    return `ip netns add failed: ${made.stderr.trim()}`
  }
  spawnSync('ip', ['netns', 'del', probe])
  return undefined
}

/**
 * FaultNetwork is the set of namespaces, links and filter rules of one fault test; `destroy`
 * removes all of it.
 */
export class FaultNetwork {
  readonly nodes: readonly FaultNode[]
  /** The root namespace's address on the network: where the receiver and Consul listen. */
  readonly hostAddress: string
  readonly #hub: string
  readonly #hostLink: string
  readonly #namespaces: string[]

  private constructor(nodes: FaultNode[], hostAddress: string, hub: string, hostLink: string) {
    this.nodes = nodes
    this.hostAddress = hostAddress
    this.#hub = hub
    this.#hostLink = hostLink
    this.#namespaces = [hub, ...nodes.map((n) => n.ns)]
  }

  /**
   * create builds the router, `size` node namespaces and their links.
   *
   * @param size - how many nodes.
   * @returns the network; stop it in `after`.
   */
  static create(size: number): FaultNetwork {
    // Interface names are at most 15 bytes; the pid keeps concurrent test files apart.
    const k = process.pid % 250
    const prefix = `af${process.pid % 100_000}`
    const hub = `${prefix}-hub`
    const hostLink = `${prefix}r`
    const nodes: FaultNode[] = Array.from({ length: size }, (_, index) => ({
      index,
      ns: `${prefix}-n${index}`,
      address: `10.201.${k}.${4 * index + 2}`,
      routerLink: `${prefix}h${index}`,
    }))
    const network = new FaultNetwork(nodes, `10.202.${k}.1`, hub, hostLink)
    try {
      ip('netns', 'add', hub)
      ip('-n', hub, 'link', 'set', 'lo', 'up')
      execFileSync('ip', ['netns', 'exec', hub, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'])
      ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', `${prefix}q`)
      ip('link', 'set', `${prefix}q`, 'netns', hub)
      ip('addr', 'add', `10.202.${k}.1/30`, 'dev', hostLink)
      ip('link', 'set', hostLink, 'up')
      ip('-n', hub, 'addr', 'add', `10.202.${k}.2/30`, 'dev', `${prefix}q`)
      ip('-n', hub, 'link', 'set', `${prefix}q`, 'up')
      ip('route', 'add', `10.201.${k}.0/24`, 'via', `10.202.${k}.2`)
      for (const node of nodes) {
        const nodeLink = `${prefix}n${node.index}`
        const gateway = `10.201.${k}.${4 * node.index + 1}`
        ip('netns', 'add', node.ns)
        ip('-n', node.ns, 'link', 'set', 'lo', 'up')
        ip(
          'link',
          'add',
          node.routerLink,
          'netns',
          hub,
          'type',
          'veth',
          'peer',
          'name',
          nodeLink,
          'netns',
          node.ns
        )
        ip('-n', hub, 'addr', 'add', `${gateway}/30`, 'dev', node.routerLink)
        ip('-n', hub, 'link', 'set', node.routerLink, 'up')
        ip('-n', node.ns, 'addr', 'add', `${node.address}/30`, 'dev', nodeLink)
        ip('-n', node.ns, 'link', 'set', nodeLink, 'up')
        ip('-n', node.ns, 'route', 'add', 'default', 'via', gateway)
      }
      execFileSync('ip', ['netns', 'exec', hub, 'nft', '-f', '-'], {
        input:
          'table inet faults {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n  }\n}\n',
      })
    } catch (err) {
      void network.stop()
      throw err
    }
    return network
  }

  /** command prefixes a command so that it runs in node `index`'s namespace. */
  command(index: number, command: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.#node(index).ns, ...command]
  }

  /**
   * cut takes node `index`'s link down at the router: the node and everyone else stop hearing
   * each other with no error on either side, as with a host that lost power; `restore` undoes it.
   */
  cut(index: number): void {
    ip('-n', this.#hub, 'link', 'set', this.#node(index).routerLink, 'down')
  }

  /** restore brings node `index`'s link back up. */
  restore(index: number): void {
    ip('-n', this.#hub, 'link', 'set', this.#node(index).routerLink, 'up')
  }

  /**
   * partition drops, silently and both ways, every packet between nodes of different sides;
   * each node still reaches the root namespace (receiver, Consul). `heal` lifts it.
   *
   * @param sides - node indexes per side, e.g. [[0, 1], [2]].
   */
  partition(sides: readonly (readonly number[])[]): void {
    const rules: string[] = []
    for (const [i, side] of sides.entries()) {
      for (const other of sides.slice(i + 1)) {
        for (const a of side) {
          for (const b of other) {
            const [x, y] = [this.#node(a).address, this.#node(b).address]
            rules.push(`add rule inet faults forward ip saddr ${x} ip daddr ${y} drop`)
            rules.push(`add rule inet faults forward ip saddr ${y} ip daddr ${x} drop`)
          }
        }
      }
    }
    this.#nft(rules)
  }

  /**
   * isolateFromHost drops node `index`'s traffic to and from one port of the root namespace
   * (e.g. Consul's), leaving its peers and the receiver reachable.
   */
  isolateFromHost(index: number, port: number): void {
    const node = this.#node(index).address
    this.#nft([
      `add rule inet faults forward ip saddr ${node} ip daddr ${this.hostAddress} tcp dport ${port} drop`,
      `add rule inet faults forward ip saddr ${this.hostAddress} tcp sport ${port} ip daddr ${node} drop`,
    ])
  }

  /** heal removes every partition and isolation rule. */
  heal(): void {
    this.#nft(['flush chain inet faults forward'])
  }

  /** stop removes the namespaces (and with them the links, routes and rules); idempotent. */
  stop(): Promise<void> {
    spawnSync('ip', ['link', 'del', this.#hostLink], { stdio: 'ignore' })
    for (const ns of this.#namespaces) {
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
    }
    return Promise.resolve()
  }

  #nft(commands: readonly string[]): void {
    execFileSync('ip', ['netns', 'exec', this.#hub, 'nft', '-f', '-'], {
      input: `${commands.join('\n')}\n`,
      stdio: ['pipe', 'ignore', 'pipe'],
    })
  }

  #node(index: number): FaultNode {
    const node = this.nodes[index]
    if (node === undefined) {
      throw new RangeError(`no node ${index} in a network of ${this.nodes.length}`)
    }
    return node
  }
}
