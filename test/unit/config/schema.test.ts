import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'

import { SCHEMA_HASH } from '#src/config/schema/compiled-validator.js'
import { propertiesOf, resolveSchema, schemaAt } from '#src/config/schema/index.js'
import type { SchemaNode } from '#src/config/schema/index.js'
import { generateValidatorModule, schemaHash } from '#src/config/schema/validator-source.js'

import { INCIDENTIO_ORACLE_SOURCE } from '../../support/incidentio-oracle.js'
import { CONFIG_REGISTRY } from '../../support/integrations.js'
import { JIRA_ORACLE_SOURCE } from '../../support/jira-oracle.js'
import { MATTERMOST_ORACLE_SOURCE } from '../../support/mattermost-oracle.js'
import { MSTEAMS_ORACLE_SOURCE } from '../../support/msteams-oracle.js'
import { MSTEAMSV2_ORACLE_SOURCE } from '../../support/msteamsv2-oracle.js'
import { ROCKETCHAT_ORACLE_SOURCE } from '../../support/rocketchat-oracle.js'

import { FIXTURES } from './helpers.js'

const REPO = dirname(dirname(dirname(FIXTURES)))
const GENERATED = join(REPO, 'src', 'config', 'schema', 'compiled-validator.ts')

describe('compiled-validator.ts', () => {
  it('matches the schema (regenerate with ALERTMESH_UPDATE_VALIDATOR=1)', () => {
    const fresh = generateValidatorModule(CONFIG_REGISTRY.schema)
    if (process.env['ALERTMESH_UPDATE_VALIDATOR'] === '1') {
      writeFileSync(GENERATED, fresh)
    }
    assert.equal(readFileSync(GENERATED, 'utf8'), fresh)
    assert.equal(SCHEMA_HASH, schemaHash(CONFIG_REGISTRY.schema))
  })
})

/** goYamlFields lists the yaml tags of a Go struct, in declaration order. */
function goYamlFields(source: string, struct: string): string[] {
  const start = source.indexOf(`type ${struct} struct {`)
  assert.ok(start >= 0, `struct ${struct} not found`)
  const body = source.slice(start, source.indexOf('\n}', start))
  const fields: string[] = []
  for (const line of body.split('\n')) {
    // A field tagged for JSON only gets yaml.v2's key: its Go name in lower case (rocketchat's
    // attachment fields and actions).
    const untagged = /^\s*(\w+)\s+[^`]*`(?![^`]*yaml:)[^`]*:[^`]*`/.exec(line)
    if (untagged !== null) {
      fields.push((untagged[1] ?? '').toLowerCase())
    }
    const m = /yaml:"([^",]*)([^"]*)"/.exec(line)
    if (m === null) {
      continue
    }
    const [, name = '', flags = ''] = m
    if (flags.includes('inline')) {
      fields.push('send_resolved') // NotifierConfig
    } else if (name !== '-') {
      fields.push(name)
    }
  }
  return fields
}

const GO = '/usr/share/gocode/src/github.com/prometheus'
const SOURCES = {
  config: `${GO}/alertmanager/config/config.go`,
  notifiers: `${GO}/alertmanager/config/notifiers.go`,
  timeinterval: `${GO}/alertmanager/timeinterval/timeinterval.go`,
  http: `${GO}/common/config/http_config.go`,
  sigv4: `${GO}/common/sigv4/sigv4_config.go`,
  // msteams is newer than 0.25: its struct is copied from newer Alertmanager into the oracle.
  msteams: MSTEAMS_ORACLE_SOURCE(),
  msteamsv2: MSTEAMSV2_ORACLE_SOURCE(),
  incidentio: INCIDENTIO_ORACLE_SOURCE(),
  rocketchat: ROCKETCHAT_ORACLE_SOURCE(),
  mattermost: MATTERMOST_ORACLE_SOURCE(),
  jira: JIRA_ORACLE_SOURCE(),
}

/**
 * NEWER_RECEIVER_FIELDS are the `<kind>_configs` alertmesh has beyond 0.25's Receiver struct,
 * and the global fields beyond 0.25's GlobalConfig, each with the field newer Alertmanager's
 * struct puts it right after (config/config.go at 68fb2d5), inserted in this order.
 */
const NEWER_RECEIVER_FIELDS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  Receiver: [
    ['msteams_configs', 'webex_configs'],
    ['msteamsv2_configs', 'msteams_configs'],
    ['jira_configs', 'msteamsv2_configs'],
    ['rocketchat_configs', 'jira_configs'],
    ['mattermost_configs', 'rocketchat_configs'],
    ['incidentio_configs', 'email_configs'],
  ],
  GlobalConfig: [
    ['jira_api_url', 'http_config'],
    ['rocketchat_api_url', 'webex_api_url'],
    ['rocketchat_token', 'rocketchat_api_url'],
    ['rocketchat_token_file', 'rocketchat_token'],
    ['rocketchat_token_id', 'rocketchat_token_file'],
    ['rocketchat_token_id_file', 'rocketchat_token_id'],
    ['mattermost_webhook_url', 'rocketchat_token_id_file'],
    ['mattermost_webhook_url_file', 'mattermost_webhook_url'],
  ],
}

/** withNewerFields inserts the newer fields of a struct into its 0.25 field list. */
function withNewerFields(fields: readonly string[], struct: string): string[] {
  const out = [...fields]
  for (const [field, after] of NEWER_RECEIVER_FIELDS[struct] ?? []) {
    const at = out.indexOf(after)
    assert.ok(at >= 0, `${after} not found in ${struct}`)
    out.splice(at + 1, 0, field)
  }
  return out
}

// [Go source, Go struct, JSON pointer of a value of that type in a config]
const STRUCTS: readonly (readonly [keyof typeof SOURCES, string, string])[] = [
  ['config', 'Config', ''],
  ['config', 'GlobalConfig', '/global'],
  ['config', 'Route', '/route'],
  ['config', 'InhibitRule', '/inhibit_rules/0'],
  ['config', 'Receiver', '/receivers/0'],
  ['config', 'TimeInterval', '/time_intervals/0'],
  ['config', 'MuteTimeInterval', '/mute_time_intervals/0'],
  ['notifiers', 'WebhookConfig', '/receivers/0/webhook_configs/0'],
  ['notifiers', 'EmailConfig', '/receivers/0/email_configs/0'],
  ['notifiers', 'PagerdutyConfig', '/receivers/0/pagerduty_configs/0'],
  ['notifiers', 'PagerdutyImage', '/receivers/0/pagerduty_configs/0/images/0'],
  ['notifiers', 'PagerdutyLink', '/receivers/0/pagerduty_configs/0/links/0'],
  ['notifiers', 'SlackConfig', '/receivers/0/slack_configs/0'],
  ['notifiers', 'SlackAction', '/receivers/0/slack_configs/0/actions/0'],
  ['notifiers', 'SlackConfirmationField', '/receivers/0/slack_configs/0/actions/0/confirm'],
  ['notifiers', 'SlackField', '/receivers/0/slack_configs/0/fields/0'],
  ['notifiers', 'OpsGenieConfig', '/receivers/0/opsgenie_configs/0'],
  ['notifiers', 'OpsGenieConfigResponder', '/receivers/0/opsgenie_configs/0/responders/0'],
  ['notifiers', 'WechatConfig', '/receivers/0/wechat_configs/0'],
  ['notifiers', 'PushoverConfig', '/receivers/0/pushover_configs/0'],
  ['notifiers', 'VictorOpsConfig', '/receivers/0/victorops_configs/0'],
  ['notifiers', 'SNSConfig', '/receivers/0/sns_configs/0'],
  ['notifiers', 'TelegramConfig', '/receivers/0/telegram_configs/0'],
  ['notifiers', 'DiscordConfig', '/receivers/0/discord_configs/0'],
  ['notifiers', 'WebexConfig', '/receivers/0/webex_configs/0'],
  ['msteams', 'MSTeamsConfig', '/receivers/0/msteams_configs/0'],
  ['msteamsv2', 'MSTeamsV2Config', '/receivers/0/msteamsv2_configs/0'],
  ['incidentio', 'IncidentioConfig', '/receivers/0/incidentio_configs/0'],
  ['rocketchat', 'RocketchatConfig', '/receivers/0/rocketchat_configs/0'],
  ['rocketchat', 'RocketchatAttachmentField', '/receivers/0/rocketchat_configs/0/fields/0'],
  ['rocketchat', 'RocketchatAttachmentAction', '/receivers/0/rocketchat_configs/0/actions/0'],
  ['mattermost', 'MattermostConfig', '/receivers/0/mattermost_configs/0'],
  ['mattermost', 'MattermostField', '/receivers/0/mattermost_configs/0/fields/0'],
  ['mattermost', 'MattermostAttachment', '/receivers/0/mattermost_configs/0/attachments/0'],
  ['mattermost', 'MattermostProps', '/receivers/0/mattermost_configs/0/props'],
  ['mattermost', 'MattermostPriority', '/receivers/0/mattermost_configs/0/priority'],
  ['jira', 'JiraConfig', '/receivers/0/jira_configs/0'],
  ['jira', 'JiraFieldConfig', '/receivers/0/jira_configs/0/summary'],
  ['timeinterval', 'TimeInterval', '/time_intervals/0/time_intervals/0'],
  ['timeinterval', 'yamlTimeRange', '/time_intervals/0/time_intervals/0/times/0'],
  ['http', 'HTTPClientConfig', '/global/http_config'],
  ['http', 'TLSConfig', '/global/http_config/tls_config'],
  ['http', 'BasicAuth', '/global/http_config/basic_auth'],
  ['http', 'Authorization', '/global/http_config/authorization'],
  ['http', 'OAuth2', '/global/http_config/oauth2'],
  ['sigv4', 'SigV4Config', '/receivers/0/sns_configs/0/sigv4'],
]

describe('the config schema covers every field of the Go structs, in Go order', () => {
  for (const [file, struct, pointer] of STRUCTS) {
    const path = SOURCES[file]
    it(`has the fields of ${struct}`, () => {
      const schema = schemaAt(CONFIG_REGISTRY.schema, pointer) as SchemaNode
      assert.deepEqual(
        Object.keys(propertiesOf(resolveSchema(schema))),
        withNewerFields(goYamlFields(readFileSync(path, 'utf8'), struct), struct)
      )
    })
  }

  it('closes every object', () => {
    const open: string[] = []
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) {
        return
      }
      const n = node as Record<string, unknown>
      if (n['type'] === 'object' && n['additionalProperties'] === undefined) {
        open.push(path)
      }
      for (const [k, v] of Object.entries(n)) {
        walk(v, `${path}/${k}`)
      }
    }
    walk(CONFIG_REGISTRY.schema, '#')
    assert.deepEqual(open, [])
  })
})
