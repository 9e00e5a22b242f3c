import { createConfigRegistry } from '../config/index.js'
import type { ConfigRegistry } from '../config/index.js'
import { INTEGRATIONS, integrationConfigSpecs } from '../notify/index.js'
import type { IntegrationDefinition } from '../notify/index.js'

/**
 * The composition root's wiring of integrations: src/config knows kinds only through the specs
 * handed to it here, src/notify builds notifiers and metrics from the same list.
 */

/** NodeIntegrations is the list a node runs with and the config registry built from it. */
export interface NodeIntegrations {
  readonly list: readonly IntegrationDefinition[]
  readonly registry: ConfigRegistry
}

let built: NodeIntegrations | undefined

/**
 * nodeIntegrations returns the node's integration list and its config registry, built on the
 * first call and shared afterwards (the registry caches the compiled schema validator).
 *
 * @returns the list and registry.
 */
export function nodeIntegrations(): NodeIntegrations {
  built ??= {
    list: INTEGRATIONS,
    registry: createConfigRegistry(integrationConfigSpecs(INTEGRATIONS)),
  }
  return built
}
