import type Logger from 'bunyan'

import type { ReceiverConfig } from '../../config/index.js'
import { AlertmeshError } from '../../util/index.js'
import type { AlertTemplate } from '../template/index.js'
import type { Integration } from '../types.js'

import type { IntegrationDefinition } from './definition.js'

/** UnsupportedIntegrationError refuses a config whose receiver uses a kind alertmesh cannot send. */
export class UnsupportedIntegrationError extends AlertmeshError {
  readonly receiver: string
  readonly integrationType: string

  constructor(receiver: string, integrationType: string) {
    super(
      'AM_CONFIG_UNSUPPORTED',
      `receiver "${receiver}": ${integrationType}_configs is not supported by alertmesh yet; ` +
        'remove it or route that receiver through a webhook'
    )
    this.receiver = receiver
    this.integrationType = integrationType
  }
}

/** IntegrationBuildOptions are the node-wide facts integrations need. */
export interface IntegrationBuildOptions {
  /** --web.external-url, normalised. */
  readonly externalURL: string
  /** `Alertmanager/<version>`, the User-Agent Alertmanager sends. */
  readonly userAgent: string
  /** The config's notification templates, built on first call. */
  readonly template: () => AlertTemplate
  /** The node's logger; each integration logs through a child naming it. */
  readonly log: Logger
}

/**
 * buildIntegrations creates the integrations of one receiver, kind by kind in the list's order,
 * indexed per kind as the nflog keys them (`<receiver>/<kind>/<index>`).
 *
 * @param receiver - the receiver's config.
 * @param integrations - the integration list the config was loaded with.
 * @param options - node-wide facts.
 * @returns the integrations (empty for a "blackhole" receiver).
 * @throws UnsupportedIntegrationError naming the first kind, in the receiver's YAML order, that
 *   has entries but no notifier yet, so such a config is refused instead of silently dropping
 *   notifications.
 */
export function buildIntegrations(
  receiver: ReceiverConfig,
  integrations: readonly IntegrationDefinition[],
  options: IntegrationBuildOptions
): Integration[] {
  const byName = new Map(integrations.map((i) => [i.name, i]))
  for (const [name, entries] of Object.entries(receiver.integrations)) {
    if (entries !== undefined && entries.length > 0 && byName.get(name)?.notifier === undefined) {
      throw new UnsupportedIntegrationError(receiver.name, name)
    }
  }
  const base = {
    receiverName: receiver.name,
    externalURL: options.externalURL,
    userAgent: options.userAgent,
    template: options.template,
  }
  const built: Integration[] = []
  for (const integration of integrations) {
    const entries = receiver.integrations[integration.name] ?? []
    entries.forEach((entry, index) => {
      // Checked above: every kind with entries has a notifier.
      const notifier = integration.notifier?.(entry, {
        ...base,
        log: options.log.child({ integration: integration.name }),
      })
      if (notifier !== undefined) {
        built.push({ name: integration.name, index, sendResolved: entry.send_resolved, notifier })
      }
    })
  }
  return built
}
