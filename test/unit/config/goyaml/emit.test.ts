import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { emitYaml } from '#src/config/goyaml/emit.js'
import type { YOut } from '#src/config/goyaml/emit.js'

const str = (value: string): YOut => ({ kind: 'str', value })
const map = (entries: [string, YOut][], flow = false): YOut => ({ kind: 'map', entries, flow })
const seq = (items: YOut[], flow = false): YOut => ({ kind: 'seq', items, flow })

// [value, what gopkg.in/yaml.v2 Marshal printed for {k: value}]: produced by running yaml.v2 on
// each value, so every row is the Go library's own choice of style, quoting and folding.
const SCALARS: readonly (readonly [string, string])[] = [
  ['plain', 'k: plain\n'],
  ['', 'k: ""\n'],
  ['true', 'k: "true"\n'],
  ['yes', 'k: "yes"\n'],
  ['y', 'k: "y"\n'],
  ['null', 'k: "null"\n'],
  ['~', 'k: "~"\n'],
  ['1', 'k: "1"\n'],
  ['1.0', 'k: "1.0"\n'],
  ['0x1F', 'k: "0x1F"\n'],
  ['1e3', 'k: "1e3"\n'],
  ['.5', 'k: ".5"\n'],
  ['17:00', 'k: "17:00"\n'],
  ['1:5', 'k: "1:5"\n'],
  ['-3:-1', 'k: -3:-1\n'],
  ['2020-01-01', 'k: "2020-01-01"\n'],
  ['#hash', "k: '#hash'\n"],
  ['a #b', "k: 'a #b'\n"],
  ['a#b', 'k: a#b\n'],
  ['a: b', "k: 'a: b'\n"],
  ['a:b', 'k: a:b\n'],
  [':smile:', "k: ':smile:'\n"],
  ['- x', "k: '- x'\n"],
  ['-x', 'k: -x\n'],
  ['? x', "k: '? x'\n"],
  [' lead', "k: ' lead'\n"],
  ['trail ', "k: 'trail '\n"],
  ["it's", "k: it's\n"],
  ['"q"', 'k: \'"q"\'\n'],
  ['{{ x }}', "k: '{{ x }}'\n"],
  ['[a]', "k: '[a]'\n"],
  ['@at', "k: '@at'\n"],
  ['`tick', "k: '`tick'\n"],
  ['%p', "k: '%p'\n"],
  ['!bang', "k: '!bang'\n"],
  ['&amp', "k: '&amp'\n"],
  ['*star', "k: '*star'\n"],
  ['|pipe', "k: '|pipe'\n"],
  ['>gt', "k: '>gt'\n"],
  ['tab\there', 'k: "tab\\there"\n'],
  ['a\nb', 'k: |-\n  a\n  b\n'],
  ['a\nb\n', 'k: |\n  a\n  b\n'],
  ['a\n\n', 'k: |+\n  a\n\n'],
  ['\nlead', 'k: |2-\n\n  lead\n'],
  [' a\nb', 'k: |2-\n   a\n  b\n'],
  ['\u00fcn\u00ef', 'k: \u00fcn\u00ef\n'],
  ['emoji \ud83d\udd25', 'k: "emoji \\U0001F525"\n'],
  ['bell\u0007', 'k: "bell\\a"\n'],
  ['---', "k: '---'\n"],
  ['...x', "k: '...x'\n"],
  ['a,b', 'k: a,b\n'],
  ['x]', 'k: x]\n'],
  [
    'long long long long long long long long long long long long long long long long long long long long ',
    "k: 'long long long long long long long long long long long long long long long long\n  long long long long '\n",
  ],
  [
    "'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' 'q' ",
    "k: '''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q''\n  ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' ''q'' '\n",
  ],
]

describe('emitYaml writes scalars as yaml.v2 does', () => {
  for (const [value, want] of SCALARS) {
    it(`writes ${JSON.stringify(value)} as ${JSON.stringify(want)}`, () => {
      assert.equal(emitYaml(map([['k', str(value)]])), want)
    })
  }
})

describe('emitYaml writes collections as yaml.v2 does', () => {
  it('nests mappings by two spaces and keeps sequences indentless inside mappings', () => {
    // yaml.v2 output for {"a":{"b":["x",{"c":"d","e":[],"f":{}}]},"f":[["p","q"],[]],"g":{},"h":["only"]}
    const want =
      'a:\n  b:\n  - x\n  - c: d\n    e: []\n    f: {}\nf:\n- - p\n  - q\n- []\ng: {}\nh:\n- only\n'
    const doc = map([
      [
        'a',
        map([
          [
            'b',
            seq([
              str('x'),
              map([
                ['c', str('d')],
                ['e', seq([])],
                ['f', map([])],
              ]),
            ]),
          ],
        ]),
      ],
      ['f', seq([seq([str('p'), str('q')]), seq([])])],
      ['g', map([])],
      ['h', seq([str('only')])],
    ])
    assert.equal(emitYaml(doc), want)
  })

  it('writes flow sequences and mappings with flow quoting rules', () => {
    // A ':' makes a plain scalar impossible in flow context, as in Alertmanager's time intervals.
    const doc = map([
      ['weekdays', seq([str('monday:friday')], true)],
      ['days', seq([str('1:5'), str('-3:-1')], true)],
      ['interval', map([['location', str('Local')]], true)],
    ])
    assert.equal(
      emitYaml(doc),
      "weekdays: ['monday:friday']\ndays: [\"1:5\", '-3:-1']\ninterval: {location: Local}\n"
    )
  })

  it('writes raw tokens unquoted and quotes keys that would resolve to another type', () => {
    const doc = map([
      ['n', { kind: 'raw', value: 'null' }],
      ['1', { kind: 'raw', value: '2' }],
      ['', { kind: 'raw', value: 'true' }],
    ])
    // `n` is a YAML 1.1 boolean, so yaml.v2 quotes it as a key too.
    assert.equal(emitYaml(doc), '"n": null\n"1": 2\n"": true\n')
  })
})
