/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'

import { SCHEMA_HASH } from '../../../src/config/schema/compiled-validator.js'
import { propertiesOf, resolveSchema, schemaAt } from '../../../src/config/schema/index.js'
import type { SchemaNode } from '../../../src/config/schema/index.js'
import { generateValidatorModule, schemaHash } from '../../../src/config/schema/validator-source.js'
import { CONFIG_REGISTRY } from '../../support/integrations.js'
import { JIRA_ORACLE_SOURCE } from '../../support/jira-oracle.js'
import { MSTEAMS_ORACLE_SOURCE } from '../../support/msteams-oracle.js'

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
  for (const m of body.matchAll(/yaml:"([^",]*)([^"]*)"/g)) {
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
  // So is jira: its structs are copied into the jira oracle.
  jira: JIRA_ORACLE_SOURCE(),
}

/**
 * NEWER_RECEIVER_FIELDS are the `<kind>_configs` alertmesh has beyond 0.25's Receiver struct,
 * appended in newer Alertmanager's order (config/config.go at 68fb2d5).
 */
const NEWER_RECEIVER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Receiver: ['msteams_configs', 'jira_configs'],
}

/**
 * NEWER_FIELDS_AFTER are fields newer Alertmanager declares in the middle of a 0.25 struct,
 * each after the field it follows there (GlobalConfig's `jira_api_url` after `http_config`).
 */
const NEWER_FIELDS_AFTER: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  GlobalConfig: [['http_config', 'jira_api_url']],
}

/** goFieldsWithNewer is a 0.25 struct's fields with the newer ones where newer Go has them. */
function goFieldsWithNewer(fields: readonly string[], struct: string): string[] {
  const out = [...fields, ...(NEWER_RECEIVER_FIELDS[struct] ?? [])]
  for (const [after, field] of NEWER_FIELDS_AFTER[struct] ?? []) {
    out.splice(out.indexOf(after) + 1, 0, field)
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
        goFieldsWithNewer(goYamlFields(readFileSync(path, 'utf8'), struct), struct)
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
