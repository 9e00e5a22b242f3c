import type { IntegrationType, ReceiverConfig } from '../../config/index.js'
import { AlertmeshError } from '../../util/index.js'
import type { Integration } from '../types.js'

import { WebhookNotifier } from './webhook/notifier.js'

/** UnsupportedIntegrationError refuses a config whose receiver uses a type alertmesh cannot send. */
export class UnsupportedIntegrationError extends AlertmeshError {
  readonly receiver: string
  readonly integrationType: IntegrationType

  constructor(receiver: string, integrationType: IntegrationType) {
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
}

/**
 * buildIntegrations creates the integrations of one receiver, in Alertmanager's order, indexed
 * per type as the nflog keys them.
 *
 * @param receiver - the receiver's config.
 * @param options - node-wide facts.
 * @returns the integrations (empty for a "blackhole" receiver).
 * @throws UnsupportedIntegrationError when the receiver uses a type that cannot be sent yet, so
 *   such a config is refused instead of silently dropping notifications.
 */
export function buildIntegrations(
  receiver: ReceiverConfig,
  options: IntegrationBuildOptions
): Integration[] {
  for (const [type, configs] of Object.entries(receiver.other_configs)) {
    if (configs.length > 0) {
      throw new UnsupportedIntegrationError(receiver.name, type as IntegrationType)
    }
  }
  return receiver.webhook_configs.map((config, index) => ({
    name: 'webhook',
    index,
    sendResolved: config.send_resolved,
    notifier: new WebhookNotifier({
      config,
      receiverName: receiver.name,
      externalURL: options.externalURL,
      userAgent: options.userAgent,
    }),
  }))
}
