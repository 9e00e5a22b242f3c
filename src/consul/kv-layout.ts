import { InvalidArgumentError } from '../util/index.js'

/** KvLayout names the keys alertmesh uses under its Consul KV prefix. */
export interface KvLayout {
  /** `<prefix>/config`: the Alertmanager YAML. */
  readonly configKey: string
  /** `<prefix>/templates/`: one key per template file, named relative to this folder. */
  readonly templatesPrefix: string
  /** `<prefix>/status/`: one key per node, written by that node. */
  readonly statusPrefix: string
}

/**
 * kvLayout derives the keys alertmesh reads and writes from its prefix.
 *
 * @param prefix - e.g. `alertmesh`; no leading or trailing slash.
 * @returns the keys under that prefix.
 * @throws InvalidArgumentError when the prefix is empty or starts or ends with `/`.
 *
 * @example
 * ```ts
 * kvLayout('alertmesh').configKey // 'alertmesh/config'
 * ```
 */
export function kvLayout(prefix: string): KvLayout {
  if (prefix === '' || prefix.startsWith('/') || prefix.endsWith('/')) {
    throw new InvalidArgumentError(
      `Consul KV prefix ${JSON.stringify(prefix)} must be non-empty, ` +
        'without a leading or trailing /'
    )
  }
  return {
    configKey: `${prefix}/config`,
    templatesPrefix: `${prefix}/templates/`,
    statusPrefix: `${prefix}/status/`,
  }
}
