import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { attr, block, entry, num, parseHcl, str } from '../../support/hcl.js'
import type { HclObject } from '../../support/hcl.js'

describe('parseHcl', () => {
  it('reads attributes, labelled blocks, lists and objects, dropping comments', () => {
    const body = parseHcl(
      [
        '# a comment',
        'datacenter = "dc1" // trailing',
        'server = true',
        'retry_join = [',
        '  "10.0.0.1",',
        '  "10.0.0.2",',
        ']',
        '/* a block',
        '   comment */',
        'service "web" "extra" {',
        '  port = 8080',
        '  meta = { node_name = "n0", "with space" = "x" }',
        '  check {',
        '    ttl = "15s"',
        '  }',
        '}',
        'ratio = -1.5',
        '',
      ].join('\n')
    )
    assert.deepEqual(
      [...body.attributes],
      [
        ['datacenter', 'dc1'],
        ['server', true],
        ['retry_join', ['10.0.0.1', '10.0.0.2']],
        ['ratio', -1.5],
      ]
    )
    assert.equal(body.blocks.length, 1)
    const service = body.blocks[0]
    assert.equal(service?.type, 'service')
    assert.deepEqual(service.labels, ['web', 'extra'])
    assert.equal(service.line, 10, 'the line counts the lines of the block comment')
    assert.equal(num(service.body, 'port'), 8080)
    const meta = attr(service.body, 'meta') as HclObject
    assert.equal(entry(meta, 'node_name'), 'n0')
    assert.equal(entry(meta, 'with space'), 'x')
    assert.equal(str(block(service.body, 'check'), 'ttl'), '15s')
  })

  it('reads the escapes \\" \\\\ and \\n in strings', () => {
    assert.equal(attr(parseHcl('a = "q\\"b\\\\s\\nn"\n'), 'a'), 'q"b\\s\nn')
  })

  // Each row: HCL the parser must refuse, and why it matters.
  const badHcl: readonly (readonly [string, string])[] = [
    ['a = "x\n', 'a string left open'],
    ['a {\n  b = 1\n', 'a brace left open'],
    ['a = 1 b = 2\n', 'two attributes on one line'],
    ['a = [1, 2\n', 'a list left open'],
    ['\ta = 1\n', 'a tab'],
    ['a = "${var.x}"\n', 'interpolation Consul does not do'],
    // The rows below keep the subset small: anything else is a file the test cannot vouch for.
    ['a = 1\na = 2\n', 'an attribute given twice'],
    ['a = { b = 1, b = 2 }\n', 'a key given twice in an object'],
    ['a = b\n', 'a bare word as a value'],
    ['a = "\\t"\n', 'an escape other than \\" \\\\ \\n'],
    ['/* open\n', 'a block comment left open'],
    ['a = 1\r\n', 'a carriage return'],
  ]
  for (const [text, why] of badHcl) {
    it(`refuses ${why}`, () => {
      assert.throws(() => parseHcl(text), /^Error: line \d+: /)
    })
  }
})

describe('HCL accessors', () => {
  const body = parseHcl('n = 1\ns = "x"\nb {\n}\nb {\n}\n')

  it('fail the test on a value of the wrong type', () => {
    assert.throws(() => str(body, 'n'), /n is a string/)
    assert.throws(() => num(body, 's'), /s is a number/)
    assert.throws(() => str(body, 'missing'), /missing is a string/)
  })

  it('block wants exactly one block of the type', () => {
    assert.throws(() => block(body, 'b'), /exactly one b block/)
    assert.throws(() => block(body, 'c'), /exactly one c block/)
  })
})
