import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { schemaCompileMs } from '#src/config/index.js'
import { SCHEMA_HASH } from '#src/config/schema/compiled-validator.js'
import { schemaHash } from '#src/config/schema/validator-source.js'
import { configValidator } from '#src/config/validate-schema.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { loadError } from './helpers.js'

const head = 'route:\n  receiver: a\n'

// [YAML after the root route, yaml.v2's unmarshal error]; each pair was checked against
// Alertmanager 0.25's config.Load, which names the Go type behind the offending node.
const ROWS: readonly (readonly [string, string, string])[] = [
  [
    'a slice given a scalar',
    'receivers: foo\n',
    'line 3: cannot unmarshal !!str `foo` into []*config.Receiver',
  ],
  [
    'a sigv4 key',
    'receivers:\n- name: a\n  sns_configs:\n  - topic_arn: x\n    sigv4: {foo: 1}\n',
    'line 7: field foo not found in type sigv4.plain',
  ],
  [
    'an oauth2 key',
    'receivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    http_config: {oauth2: {foo: 1}}\n',
    'line 7: field foo not found in type config.OAuth2',
  ],
  [
    'an authorization key',
    'receivers:\n- name: a\n  webhook_configs:\n  - url: http://x\n    http_config: {authorization: {foo: 1}}\n',
    'line 7: field foo not found in type config.Authorization',
  ],
  [
    'a pagerduty image key',
    'receivers:\n- name: a\n  pagerduty_configs:\n  - routing_key: x\n    images: [{foo: 1}]\n',
    'line 7: field foo not found in type config.PagerdutyImage',
  ],
  [
    'an opsgenie responder key',
    'receivers:\n- name: a\n  opsgenie_configs:\n  - api_key: x\n    responders: [{foo: 1}]\n',
    'line 7: field foo not found in type config.OpsGenieConfigResponder',
  ],
  [
    'a time interval key',
    'time_intervals:\n- name: x\n  time_intervals:\n  - foo: 1\n',
    'line 6: field foo not found in type timeinterval.TimeInterval',
  ],
  [
    'a time range key',
    'time_intervals:\n- name: x\n  time_intervals:\n  - times: [{foo: 1}]\n',
    'line 6: field foo not found in type timeinterval.yamlTimeRange',
  ],
  [
    'a sequence for a duration',
    'global: {resolve_timeout: [1]}\n',
    'line 3: cannot unmarshal !!seq into string',
  ],
  [
    'a map for a Go time.Duration',
    'receivers:\n- name: a\n  pushover_configs:\n  - user_key: x\n    token: y\n    retry: {a: 1}\n',
    'line 8: cannot unmarshal !!map into config.duration',
  ],
  ['a scalar for matchers', '  matchers: a\n', 'line 3: cannot unmarshal !!str `a` into []string'],
  [
    'a scalar for equal',
    'inhibit_rules: [{equal: a}]\n',
    'line 3: cannot unmarshal !!str `a` into model.LabelNames',
  ],
  [
    'a long string for an int64',
    'receivers:\n- name: a\n  telegram_configs:\n  - bot_token: x\n    chat_id: abcdefghijklmn\n',
    'line 7: cannot unmarshal !!str `abcdefg...` into int64',
  ],
]

describe('validateSchema turns ajv errors into yaml.v2 unmarshal errors', () => {
  for (const [name, tail, want] of ROWS) {
    it(`reports ${name}`, () => {
      assert.equal(loadError(head + tail).amMessage, `yaml: unmarshal errors:\n  ${want}`)
    })
  }
})

describe('configValidator', () => {
  it('is built once, from the pre-generated code rather than by compiling the schema', (t) => {
    const validate = configValidator(CONFIG_REGISTRY)
    assert.equal(configValidator(CONFIG_REGISTRY), validate)
    t.diagnostic(`validator ready in ${(schemaCompileMs() ?? Number.NaN).toFixed(1)} ms`)
    // Compiling the schema with ajv takes 150-600 ms; the stored code is used when its hash
    // matches the schema (timings belong in benchmarks, not in assertions).
    assert.equal(SCHEMA_HASH, schemaHash(CONFIG_REGISTRY.schema))
  })
})
