// The integration list against Alertmanager 0.25's Go sources: every order a spec declares
// (Receiver struct, Config.UnmarshalYAML, its global checks, NewMetrics) must be Go's.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

import { Registry } from 'prom-client'

import { createNotifyMetrics, preinitialisedNames } from '#src/notify/index.js'

import { CONFIG_REGISTRY, TEST_INTEGRATIONS } from '../../../support/integrations.js'
import { amtoolCheck, AMTOOL, loadError } from '../../config/helpers.js'

const GO = '/usr/share/gocode/src/github.com/prometheus/alertmanager'
const CONFIG_GO = readFileSync(`${GO}/config/config.go`, 'utf8')
const NOTIFY_GO = readFileSync(`${GO}/notify/notify.go`, 'utf8')

/** body returns the text of a Go func or type, from its header to the closing brace. */
function body(source: string, header: string): string {
  const start = source.indexOf(header)
  assert.ok(start >= 0, `${header} not found`)
  return source.slice(start, source.indexOf('\n}', start))
}

/** receiverKinds maps the Receiver struct's Go field names (WebhookConfigs) to kind names. */
const RECEIVER_FIELDS = new Map(
  [
    ...body(CONFIG_GO, 'type Receiver struct').matchAll(
      /(\w+)\s+\[\]\*\w+\s+`yaml:"(\w+)_configs/g
    ),
  ].map((m) => [m[1] ?? '', m[2] ?? ''])
)

/**
 * NEWER_KINDS are the kinds alertmesh has that 0.25 lacks, each with the kind newer
 * Alertmanager's Receiver struct and its UnmarshalYAML receiver loop put it right after
 * (config/config.go at 68fb2d5: msteams, from 0.26, right after webex in both). Exactly these
 * may be added, in this order.
 */
const NEWER_KINDS: readonly NewerKind[] = [
  { kind: 'msteams', structAfter: 'webex', loopAfter: 'webex' },
  { kind: 'msteamsv2', structAfter: 'msteams', loopAfter: 'msteams' },
  { kind: 'jira', structAfter: 'msteamsv2', loopAfter: 'msteamsv2' },
  { kind: 'rocketchat', structAfter: 'jira', loopAfter: 'jira' },
  { kind: 'mattermost', structAfter: 'rocketchat', loopAfter: 'rocketchat' },
  { kind: 'incidentio', structAfter: 'email', loopAfter: 'pagerduty' },
]

/**
 * NEWER_GLOBAL_PAIRS are the global `at most one of` checks of the newer kinds, in newer
 * Alertmanager's order (config/config.go at 68fb2d5), which puts them after 0.25's.
 */
const NEWER_GLOBAL_PAIRS: readonly string[] = [
  'rocketchat_token & rocketchat_token_file',
  'rocketchat_token_id & rocketchat_token_id_file',
  'mattermost_webhook_url & mattermost_webhook_url_file',
]

interface NewerKind {
  readonly kind: string
  /** The kind it follows in the Receiver struct. */
  readonly structAfter: string
  /** The kind it follows in Config.UnmarshalYAML's receiver loop. */
  readonly loopAfter: string
}

/** withNewer inserts the newer kinds into a 0.25 order. */
function withNewer(
  order: readonly (string | undefined)[],
  after: 'structAfter' | 'loopAfter'
): (string | undefined)[] {
  const out = [...order]
  for (const newer of NEWER_KINDS) {
    const at = out.indexOf(newer[after])
    assert.ok(at >= 0, `${newer[after]} not found`)
    out.splice(at + 1, 0, newer.kind)
  }
  return out
}

describe('INTEGRATIONS follow Alertmanager 0.25', () => {
  it('lists every kind in the Receiver struct order (config/config.go), newer kinds documented', () => {
    assert.deepEqual(
      TEST_INTEGRATIONS.map((i) => i.name),
      withNewer([...RECEIVER_FIELDS.values()], 'structAfter')
    )
  })

  it('declares the order of Config.UnmarshalYAML receiver loop', () => {
    const unmarshal = body(CONFIG_GO, 'func (c *Config) UnmarshalYAML')
    const goOrder = [...unmarshal.matchAll(/range rcv\.(\w+)/g)].map(
      (m) => RECEIVER_FIELDS.get(m[1] ?? '') ?? m[1]
    )
    const ours = [...TEST_INTEGRATIONS]
      .sort((a, b) => a.config.unmarshalOrder - b.config.unmarshalOrder)
      .map((i) => i.name)
    assert.deepEqual(ours, withNewer(goOrder, 'loopAfter'))
  })

  it("pre-initialises no metrics for the newer kinds, so /metrics stays 0.25's", () => {
    for (const { kind } of NEWER_KINDS) {
      assert.equal(TEST_INTEGRATIONS.find((i) => i.name === kind)?.metricsOrder, undefined)
    }
  })

  it("declares the order of Config.UnmarshalYAML's global `at most one of` checks", () => {
    const unmarshal = body(CONFIG_GO, 'func (c *Config) UnmarshalYAML')
    const goPairs = [...unmarshal.matchAll(/"at most one of (\w+) & (\w+) must be configured"/g)]
      .map((m) => `${m[1]} & ${m[2]}`)
      .filter((p) => !p.startsWith('api_'))
    const ours = TEST_INTEGRATIONS.flatMap((i) => i.config.global?.exclusive ?? [])
      .sort((a, b) => a.order - b.order)
      .map((e) => e.pair.join(' & '))
    assert.deepEqual(ours, [...goPairs, ...NEWER_GLOBAL_PAIRS])
  })

  it('pre-initialises the metric label values of notify/notify.go NewMetrics, in its order', async () => {
    const list = body(NOTIFY_GO, 'for _, integration := range []string{')
    const goNames = [...list.matchAll(/"(\w+)"/g)].map((m) => m[1])
    assert.deepEqual(preinitialisedNames(TEST_INTEGRATIONS), goNames)
    const registry = new Registry()
    createNotifyMetrics(registry, TEST_INTEGRATIONS)
    const text = await registry.metrics()
    const labels = [
      ...text.matchAll(/^alertmanager_notifications_total\{integration="(\w+)"\} 0$/gm),
    ]
    assert.deepEqual(
      labels.map((m) => m[1]),
      goNames
    )
  })

  it('gives every kind an own registry entry and refuses a duplicate', async () => {
    const { createConfigRegistry } = await import('#src/config/index.js')
    const specs = CONFIG_REGISTRY.integrations
    assert.throws(() => createConfigRegistry([...specs, specs[0]!]), /listed twice/)
  })
})

// Configs where two kinds (or two global pairs) fail at once: the first in Go's order wins,
// although the Receiver struct (and our list) has discord first and smtp before victorops.
const FIRST_FAILURE: readonly (readonly [string, string, string])[] = [
  [
    'discord without URL and email without smarthost',
    'route:\n  receiver: a\nreceivers:\n- name: a\n  discord_configs:\n  - title: t\n  email_configs:\n  - to: x@y\n',
    'no global SMTP smarthost set',
  ],
  [
    'two global pairs both set',
    'global:\n  smtp_auth_password: p\n  smtp_auth_password_file: /f\n  victorops_api_key: k\n  victorops_api_key_file: /g\nroute:\n  receiver: a\nreceivers:\n- name: a\n',
    'at most one of victorops_api_key & victorops_api_key_file must be configured',
  ],
]

describe('the first failing kind is the one Alertmanager 0.25 reports', () => {
  for (const [name, text, message] of FIRST_FAILURE) {
    it(`for ${name}`, async (t) => {
      assert.equal(loadError(text).amMessage, message)
      if (AMTOOL === undefined) {
        t.diagnostic('amtool not installed: checked against the recorded message only')
        return
      }
      const { code, output } = await amtoolCheck(text)
      assert.equal(code, 1)
      assert.ok(output.includes(message), output)
    })
  }
})
