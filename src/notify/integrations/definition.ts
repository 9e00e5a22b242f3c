import type Logger from 'bunyan'

import type { IntegrationConfig, IntegrationConfigSpec } from '../../config/index.js'
import type { Notifier } from '../notifier.js'
import type { AlertTemplate } from '../template/index.js'

/** NotifierContext is what a notifier is built from besides its own config entry. */
export interface NotifierContext {
  /** The receiver the entry belongs to. */
  readonly receiverName: string
  /** `--web.external-url`, normalised. */
  readonly externalURL: string
  /** `Alertmanager/<version>`, the User-Agent Alertmanager sends. */
  readonly userAgent: string
  /**
   * The config's notification templates, built on first call (a config without `templates:`
   * parses the default templates only when a notifier first renders a field).
   */
  readonly template: () => AlertTemplate
  /** The integration's logger (`integration=<kind>`, as 0.25's notifiers log). */
  readonly log: Logger
}

/**
 * IntegrationDefinition is one integration kind as the node knows it: its config spec (schema,
 * defaults, checks, handed to src/config by the composition root), where 0.25 pre-initialises
 * its metrics, and how to build its notifier. One folder under src/notify/integrations defines
 * each, and integrations/index.ts lists them.
 */
export interface IntegrationDefinition {
  readonly name: string
  readonly config: IntegrationConfigSpec
  /**
   * Position among the integration label values notify/notify.go NewMetrics pre-initialises
   * (its own order); absent for kinds 0.25 does not pre-initialise (discord, webex).
   */
  readonly metricsOrder?: number
  /** Builds the notifier of one entry. */
  readonly notifier: (entry: IntegrationConfig, context: NotifierContext) => Notifier
}

/** IntegrationParts is what a folder declares, typed with its own entry type `C`. */
export interface IntegrationParts<C extends IntegrationConfig> {
  readonly config: IntegrationConfigSpec<C>
  readonly metricsOrder?: number
  readonly notifier: (entry: C, context: NotifierContext) => Notifier
}

/**
 * defineIntegration erases a folder's entry type so that every kind fits one list.
 *
 * @param parts - the spec, metrics position and notifier factory of one kind.
 * @returns the definition.
 */
export function defineIntegration<C extends IntegrationConfig>(
  parts: IntegrationParts<C>
): IntegrationDefinition {
  const { config, metricsOrder, notifier } = parts
  return {
    name: config.name,
    config,
    ...(metricsOrder === undefined ? {} : { metricsOrder }),
    // The entry was validated against config.schema, whose typed view C is.
    notifier: (entry: IntegrationConfig, context: NotifierContext) => notifier(entry as C, context),
  }
}
