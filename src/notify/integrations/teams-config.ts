import { exactlyOne, schema } from '../../config/index.js'
import type { HttpClientConfig, Obj, SecretString } from '../../config/index.js'

type SchemaNode = schema.SchemaNode

const { notifierStruct, str, tmpl } = schema

/** TeamsWebhookConfig is what the msteams and msteamsv2 entries share: where to post. */
export interface TeamsWebhookConfig {
  readonly http_config: HttpClientConfig
  /** Exactly one of `webhook_url` and `webhook_url_file` is set. */
  readonly webhook_url?: SecretString
  readonly webhook_url_file?: string
}

/** TeamsDefaults are a Teams kind's defaults: send_resolved, then its templated fields. */
export interface TeamsDefaults {
  readonly send_resolved: boolean
  readonly [field: string]: string | boolean
}

/**
 * teamsConfigSchema is the schema of an msteams or msteamsv2 entry: both Go structs are
 * send_resolved, http_config, webhook_url and webhook_url_file followed by the kind's
 * templated fields, which this takes from the defaults in their order.
 *
 * @param kind - `msteams` or `msteamsv2`: the Go package and the check's name.
 * @param defaults - the kind's defaults, its templated fields in the Go struct's order.
 * @returns the schema node.
 */
export function teamsConfigSchema(kind: string, defaults: TeamsDefaults): SchemaNode {
  const fields: Record<string, SchemaNode> = {
    webhook_url: str('secret-url'),
    webhook_url_file: str(),
  }
  for (const [field, template] of Object.entries(defaults)) {
    if (typeof template === 'string') {
      fields[field] = tmpl(template)
    }
  }
  return notifierStruct(`${kind}.plain`, defaults.send_resolved, fields, kind)
}

/**
 * checkTeamsWebhook is what both kinds' UnmarshalYAML check: exactly one of the URL and its
 * file.
 *
 * @param o - the entry.
 */
export function checkTeamsWebhook(o: Obj): void {
  exactlyOne(o, 'webhook_url', 'webhook_url_file')
}
