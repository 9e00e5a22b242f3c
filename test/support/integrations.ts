// The real integration list and the config registry built from it, for tests that load configs
// or build receivers (the node gets the same pair from src/cli/integrations.ts).
import { createConfigRegistry } from '#src/config/index.js'
import type { ConfigRegistry } from '#src/config/index.js'
import { INTEGRATIONS, integrationConfigSpecs } from '#src/notify/index.js'
import type { IntegrationDefinition } from '#src/notify/index.js'

/** TEST_INTEGRATIONS is the list the node runs with. */
export const TEST_INTEGRATIONS: readonly IntegrationDefinition[] = INTEGRATIONS

/** CONFIG_REGISTRY is the config registry of {@link TEST_INTEGRATIONS}, built once. */
export const CONFIG_REGISTRY: ConfigRegistry = createConfigRegistry(
  integrationConfigSpecs(TEST_INTEGRATIONS)
)
