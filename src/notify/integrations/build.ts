import type Logger from 'bunyan'

import type { ReceiverConfig } from '../../config/index.js'
import type { Integration } from '../notifier.js'
import type { AlertTemplate } from '../template/index.js'

import type { IntegrationDefinition } from './definition.js'

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
 * @throws what a notifier's constructor throws for an unusable entry (HttpConfigError).
 */
export function buildIntegrations(
  receiver: ReceiverConfig,
  integrations: readonly IntegrationDefinition[],
  options: IntegrationBuildOptions
): Integration[] {
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
      const notifier = integration.notifier(entry, {
        ...base,
        log: options.log.child({ integration: integration.name }),
      })
      built.push({ name: integration.name, index, sendResolved: entry.send_resolved, notifier })
    })
  }
  return built
}
