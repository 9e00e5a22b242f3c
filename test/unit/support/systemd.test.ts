import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  commentedOpts,
  directive,
  execArgv,
  flagValues,
  localise,
  parseEnvFile,
  parseUnit,
  seconds,
  splitWords,
} from '../../support/systemd.js'
import type { NodeHost } from '../../support/systemd.js'

describe('parseUnit', () => {
  const unit = parseUnit(
    [
      '# comment',
      '[Unit]',
      'Description = a unit ',
      '; another comment',
      '[Service]',
      'SystemCallFilter=@system-service',
      'SystemCallFilter=~@privileged \\',
      '  @resources',
      'ExecStart=/bin/a',
      'ExecStart=/bin/b',
      '',
    ].join('\n')
  )

  it('keeps every assignment of a key, in order, with continuation lines joined', () => {
    assert.deepEqual(unit.get('Service')?.get('SystemCallFilter'), [
      '@system-service',
      '~@privileged    @resources',
    ])
    assert.equal(directive(unit, 'Unit', 'Description'), 'a unit')
  })

  it('directive is the last assignment, or undefined', () => {
    assert.equal(directive(unit, 'Service', 'ExecStart'), '/bin/b')
    assert.equal(directive(unit, 'Service', 'User'), undefined)
    assert.equal(directive(unit, 'Install', 'WantedBy'), undefined)
  })

  // Each row: a unit line that is not systemd syntax.
  const bad: readonly (readonly [string, string])[] = [
    ['Key=value\n', 'an assignment before any section'],
    ['[Service]\njust words\n', 'a line without ='],
    ['[Service]\n=value\n', 'an assignment without a key'],
  ]
  for (const [text, why] of bad) {
    it(`refuses ${why}`, () => {
      assert.throws(() => parseUnit(text), /unit line \d+ is neither/)
    })
  }
})

describe('seconds', () => {
  // Each row: a time span and its seconds.
  const rows: readonly (readonly [string, number])[] = [
    ['90', 90], // no unit means seconds
    ['60s', 60],
    ['5sec', 5],
    ['2min', 120],
    ['3m', 180],
  ]
  for (const [span, want] of rows) {
    it(`reads ${span} as ${want} s`, () => {
      assert.equal(seconds(span), want)
    })
  }
  it('refuses forms our units do not use', () => {
    assert.throws(() => seconds('1h'), /unsupported time span/)
    assert.throws(() => seconds('1.5s'), /unsupported time span/)
  })
})

describe('parseEnvFile', () => {
  it('reads VAR=word and VAR="value" lines, a quoted value across lines', () => {
    const vars = parseEnvFile('# c\nA=x\n\nB="one\n  two"\n; c\nC=""\n')
    assert.deepEqual(
      [...vars],
      [
        ['A', 'x'],
        ['B', 'one\n  two'],
        ['C', ''],
      ]
    )
  })

  // Each row: an env file systemd and sh could read differently, or not at all.
  const bad: readonly (readonly [string, RegExp])[] = [
    ['A=$HOME\n', /uses \$/],
    ['A=`x`\n', /uses \$/],
    ["A='x'\n", /uses \$/],
    ['A=a\\b\n', /uses \$/],
    ['A="x\n', /no closing quote/],
    ['A="x" y\n', /text after the closing quote/],
    ['export A=x\n', /line 1 is not VAR=value/],
  ]
  for (const [text, error] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseEnvFile(text), error)
    })
  }
})

describe('commentedOpts', () => {
  it('reads the commented-out ALERTMESH_OPTS block', () => {
    const text = 'ALERTMESH_OPTS="--a=1"\n\n#ALERTMESH_OPTS="--b=2\n#  --c=3"\n# trailing\n'
    assert.equal(commentedOpts(text), '--b=2\n  --c=3')
  })
  it('fails when there is none, or a line of it lost its #', () => {
    assert.throws(() => commentedOpts('A=1\n'), /has a commented-out alternative/)
    assert.throws(() => commentedOpts('#ALERTMESH_OPTS="--b=2\n  --c=3"\n'), /starts with #/)
  })
})

describe('command lines', () => {
  it('splitWords splits at any whitespace and drops empty words', () => {
    assert.deepEqual(splitWords(' a\tb\n\nc \r'), ['a', 'b', 'c'])
  })

  it('execArgv expands $VAR words split at whitespace, an unset one to nothing', () => {
    assert.deepEqual(execArgv('/usr/bin/node /opt/a.cjs $OPTS $UNSET', { OPTS: '--x=1\n --y' }), [
      '/usr/bin/node',
      '/opt/a.cjs',
      '--x=1',
      '--y',
    ])
    assert.throws(() => execArgv('/bin/sh -c "x"', {}), /need no quoting/)
  })

  it('flagValues returns every value of a flag', () => {
    const words = ['--cluster.peer=a:1', '--cluster.peers=z', '--cluster.peer=b:2', 'x']
    assert.deepEqual(flagValues(words, 'cluster.peer'), ['a:1', 'b:2'])
    assert.deepEqual(flagValues(words, 'node.name'), [])
  })
})

describe('localise', () => {
  const host: NodeHost = {
    dir: '/tmp/n0',
    webPort: 1234,
    nodeName: 'test-n0',
    clusterAddresses: new Map([
      ['10.0.0.11:9094', '127.0.0.1:2001'],
      ['10.0.0.12:9094', '127.0.0.1:2002'],
    ]),
    listen: '127.0.0.1:2001',
    keyFile: '/tmp/n0/key',
    configFile: '/tmp/n0/am.yml',
    consulAddress: '127.0.0.1:8500',
  }

  it('swaps host paths, addresses and ports, and passes unknown flags through', () => {
    const words = [
      '--storage.path=/var/lib/alertmesh',
      '--web.listen-address=0.0.0.0:9093',
      '--web.external-url=https://am.example/',
      '--cluster.listen-address=10.0.0.11:9094',
      '--cluster.peer=10.0.0.12:9094',
      '--cluster.key-file=/etc/alertmesh/key',
      '--node.name=am-1',
      '--config.file=/etc/alertmesh/alertmanager.yml',
      '--consul.address=consul:8500',
      '--log.level=info',
      'positional',
    ]
    assert.deepEqual(localise(words, host), [
      '--storage.path=/tmp/n0/data',
      '--web.listen-address=127.0.0.1:1234',
      '--web.external-url=http://127.0.0.1:1234/',
      '--cluster.listen-address=127.0.0.1:2001',
      '--cluster.peer=127.0.0.1:2002',
      '--cluster.key-file=/tmp/n0/key',
      '--node.name=test-n0',
      '--config.file=/tmp/n0/am.yml',
      '--consul.address=127.0.0.1:8500',
      '--log.level=info',
      'positional',
    ])
  })

  it('fails on a cluster address that is not one of the hosts', () => {
    assert.throws(
      () => localise(['--cluster.peer=10.9.9.9:9094'], host),
      /10\.9\.9\.9:9094 is one of the test's hosts/
    )
  })
})
