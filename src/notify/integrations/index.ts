/**
 * @module notify/integrations
 * The one list of integration kinds: Alertmanager 0.25's, plus msteams from newer releases.
 * The composition root (src/cli) hands their config specs to src/config (schema, checks, global
 * defaults, `config.original`), the metrics pre-initialise their names, and buildIntegrations
 * builds their notifiers. Each kind lives in its own folder and imports neither this list nor
 * another kind's folder. What kinds share sits beside this list: definition.ts (how a kind
 * declares itself), http-notifier.ts (the HttpNotifier base, OwnedHttpClient, readSecretField),
 * teams-config.ts and teams-notifier.ts (what msteams and msteamsv2 share),
 * fields.ts (templated fields, truncation, key files), template-data.ts (template.Data as the
 * webhook-like messages send it), go-json.ts, go-json-syntax.ts (encoding/json's scanner) and
 * go-query.ts (encoding/json and net/url bits).
 */
import type { IntegrationConfigSpec } from '../../config/index.js'

import type { IntegrationDefinition } from './definition.js'
import { DISCORD } from './discord/index.js'
import { EMAIL } from './email/index.js'
import { INCIDENTIO } from './incidentio/index.js'
import { JIRA } from './jira/index.js'
import { MATTERMOST } from './mattermost/index.js'
import { MSTEAMS } from './msteams/index.js'
import { MSTEAMSV2 } from './msteamsv2/index.js'
import { OPSGENIE } from './opsgenie/index.js'
import { PAGERDUTY } from './pagerduty/index.js'
import { PUSHOVER } from './pushover/index.js'
import { ROCKETCHAT } from './rocketchat/index.js'
import { SLACK } from './slack/index.js'
import { SNS } from './sns/index.js'
import { TELEGRAM } from './telegram/index.js'
import { VICTOROPS } from './victorops/index.js'
import { WEBEX } from './webex/index.js'
import { WEBHOOK } from './webhook/index.js'
import { WECHAT } from './wechat/index.js'

export { buildIntegrations } from './build.js'
export type { IntegrationBuildOptions } from './build.js'
export { defineIntegration } from './definition.js'
export type { IntegrationDefinition, IntegrationParts, NotifierContext } from './definition.js'

/**
 * INTEGRATIONS are every kind, in the field order of config/config.go's Receiver struct, which
 * is the order of `<name>_configs` in the schema and in `config.original`. Adding a kind is a
 * folder plus one line here. Kinds newer than 0.25 (msteams) come where newer Alertmanager's
 * Receiver struct has them.
 */
export const INTEGRATIONS: readonly IntegrationDefinition[] = [
  DISCORD,
  EMAIL,
  // Newer than 0.25 (Alertmanager 0.29+), where config.Receiver lists it after email.
  INCIDENTIO,
  PAGERDUTY,
  SLACK,
  WEBHOOK,
  OPSGENIE,
  WECHAT,
  PUSHOVER,
  VICTOROPS,
  SNS,
  TELEGRAM,
  WEBEX,
  // Newer than 0.25 (Alertmanager 0.26+), where config.Receiver lists it after webex.
  MSTEAMS,
  // The kinds of releases after 0.25, in newer config.Receiver's order (0.28 to 0.29).
  MSTEAMSV2,
  JIRA,
  ROCKETCHAT,
  MATTERMOST,
]

/**
 * integrationConfigSpecs is what src/config consumes of a list of integrations.
 *
 * @param integrations - the definitions, by default {@link INTEGRATIONS}.
 * @returns their config specs, in the same order.
 */
export function integrationConfigSpecs(
  integrations: readonly IntegrationDefinition[] = INTEGRATIONS
): IntegrationConfigSpec[] {
  return integrations.map((i) => i.config)
}
