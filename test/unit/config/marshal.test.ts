import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { marshalConfig } from '#src/config/index.js'
import type { Config } from '#src/config/index.js'
import { goKeyLess } from '#src/config/marshal.js'
import { newMatcher } from '#src/labels/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

import { R, amtoolCheck, fixture, load } from './helpers.js'

describe('marshalConfig reproduces config.original of Alertmanager 0.25', () => {
  // Each *.original.yml was served by a real Alertmanager 0.25 for the config next to it.
  const goldens: [string, string][] = [
    ['conf.good.yml', 'every integration, merges, deprecated matchers, defaults, folding'],
    ['conf.good.edge.yml', 'quoting, literal blocks, unicode escapes, the flow leak, redaction'],
  ]
  for (const [file, what] of goldens) {
    it(`matches byte for byte for ${file} (${what})`, () => {
      const golden = fixture(file.replace(/\.yml$/, '.original.yml'))
      assert.equal(load(fixture(file)).original, golden)
    })
  }

  it('is what loadConfig returns as original', () => {
    const loaded = load(fixture('conf.good.yml'))
    assert.equal(marshalConfig(loaded.config, CONFIG_REGISTRY), loaded.original)
  })
})

describe('marshalConfig output loads again', () => {
  for (const file of ['conf.good.yml', 'conf.good.edge.yml']) {
    it(`re-loads to the same original for ${file}`, () => {
      const first = load(fixture(file)).original
      assert.equal(load(first).original, first)
    })
  }

  it('is accepted by amtool check-config', async () => {
    for (const file of ['conf.good.yml', 'conf.good.edge.yml']) {
      const { code, output } = await amtoolCheck(load(fixture(file)).original)
      assert.equal(code, 0, `${file}: ${output}`)
      assert.match(output, /SUCCESS/)
    }
  })
})

describe('marshalConfig deliberate differences', () => {
  it('writes TLS versions by name where Alertmanager writes an unloadable number', () => {
    const { original } = load(
      'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: http://x/\n    http_config:\n      tls_config: {min_version: TLS12}\n'
    )
    // Alertmanager 0.25 prints `min_version: 771`, which its own loader then refuses.
    assert.match(original, /min_version: TLS12/)
  })

  it('keeps the brackets of an IPv6 smarthost', () => {
    const { original } = load("global:\n  smtp_smarthost: '[::1]:25'\nroute:\n  receiver: a\n" + R)
    // Alertmanager prints `::1:25`, which it cannot load back.
    assert.match(original, /smtp_smarthost: '\[::1\]:25'/)
  })
})

describe('marshalConfig of a hand-built config', () => {
  const base = load('route:\n  receiver: a\n' + R).config
  const handBuilt: Config = {
    ...base,
    route: {
      receiver: 'a',
      continue: false,
      group_by: ['alertname'],
      matchers: [],
      group_wait: 30_000,
      group_interval: 300_000,
      repeat_interval: 14_400_000,
      mute_time_intervals: [],
      active_time_intervals: [],
      routes: [
        {
          continue: false,
          matchers: [newMatcher('=~', 'service', '^(?:api)$'), newMatcher('=', 'team', 'db')],
          mute_time_intervals: [],
          active_time_intervals: [],
          routes: [],
        },
      ],
    },
  }

  it('writes every route matcher under matchers and the root timings explicitly', () => {
    const text = marshalConfig(handBuilt, CONFIG_REGISTRY)
    assert.match(text, /group_wait: 30s\n {2}group_interval: 5m\n {2}repeat_interval: 4h\n/)
    assert.match(text, /matchers:\n {4}- service=~"\^\(\?:api\)\$"\n {4}- team="db"\n/)
  })

  it('produces text that loads to the same routing', () => {
    const again = load(marshalConfig(handBuilt, CONFIG_REGISTRY)).config
    assert.deepEqual(again.route.routes[0]?.matchers.map(String), [
      'service=~"^(?:api)$"',
      'team="db"',
    ])
    assert.equal(again.route.group_wait, 30_000)
  })
})

describe('goKeyLess', () => {
  // yaml.v2's sorter: non-letters before letters, digit runs compared as numbers.
  const rows: [string, string, boolean, string][] = [
    ['a9', 'a10', true, 'digit runs compare numerically'],
    ['A', 'a', true, 'letters compare by code point'],
    ['_x', 'A', true, 'a non-letter sorts before a letter'],
    ['1', 'A', true, 'digits before letters'],
    ['b-2', 'b-10', true, 'numbers after a dash'],
    ['a', 'ab', true, 'a prefix first'],
    ['ab', 'a', false, 'a longer key after its prefix'],
  ]
  for (const [a, b, less, why] of rows) {
    it(`${less ? 'orders' : 'does not order'} ${a} before ${b} (${why})`, () => {
      assert.equal(goKeyLess(a, b), less)
    })
  }
})
