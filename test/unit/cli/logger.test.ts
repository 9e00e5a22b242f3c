import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'

import { createLogger, logfmtLine } from '#src/cli/logger.js'

const TIME = new Date(Date.UTC(2026, 10, 24, 5, 58, 20, 908))
const TS = 'ts=2026-11-24T05:58:20.908Z'

/** record builds a bunyan record with the fields bunyan always sets. */
function record(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'alertmesh',
    hostname: 'h',
    pid: 1,
    level: 30,
    time: TIME,
    v: 0,
    msg: 'hello',
    ...fields,
  }
}

describe('logfmtLine', () => {
  const cases: { name: string; fields: Record<string, unknown>; want: string }[] = [
    // The minimal line: ts, level, msg; bunyan's bookkeeping fields are left out.
    { name: 'a plain message', fields: {}, want: `${TS} level=info msg=hello` },
    // Level names.
    { name: 'debug', fields: { level: 20 }, want: `${TS} level=debug msg=hello` },
    { name: 'warn', fields: { level: 40 }, want: `${TS} level=warn msg=hello` },
    { name: 'error', fields: { level: 50 }, want: `${TS} level=error msg=hello` },
    // A message with spaces is quoted.
    {
      name: 'a spaced message',
      fields: { msg: 'Notify success' },
      want: `${TS} level=info msg="Notify success"`,
    },
    // The component comes right before msg, whatever its position in the record.
    {
      name: 'a component',
      fields: { attempts: 2, component: 'dispatcher' },
      want: `${TS} level=info component=dispatcher msg=hello attempts=2`,
    },
    // Fields follow msg in record order; numbers and booleans are bare.
    {
      name: 'several fields',
      fields: { receiver: 'team', attempts: 3, ok: true },
      want: `${TS} level=info msg=hello receiver=team attempts=3 ok=true`,
    },
    // Values with =, quotes, backslashes or whitespace are JSON-quoted.
    {
      name: 'values needing quotes',
      fields: { a: 'x=y', b: 'say "hi"', c: 'C:\\dir', d: 'two\nlines' },
      want: `${TS} level=info msg=hello a="x=y" b="say \\"hi\\"" c="C:\\\\dir" d="two\\nlines"`,
    },
    // An empty string is shown as "".
    { name: 'an empty value', fields: { err: '' }, want: `${TS} level=info msg=hello err=""` },
    // Errors are shown by their message.
    {
      name: 'an Error',
      fields: { err: new Error('connection refused') },
      want: `${TS} level=info msg=hello err="connection refused"`,
    },
    // Objects as JSON (quoted, since JSON has quotes).
    {
      name: 'an object',
      fields: { labels: { a: 'b' } },
      want: `${TS} level=info msg=hello labels="{\\"a\\":\\"b\\"}"`,
    },
    // Undefined fields are skipped.
    {
      name: 'an undefined field',
      fields: { gone: undefined, here: 1 },
      want: `${TS} level=info msg=hello here=1`,
    },
  ]
  for (const c of cases) {
    it(`renders ${c.name} as one logfmt line`, () => {
      assert.equal(logfmtLine(record(c.fields)), `${c.want}\n`)
    })
  }
})

describe('createLogger', () => {
  /** sink collects what a logger writes. */
  function sink(): { out: Writable; text: () => string } {
    const chunks: string[] = []
    const out = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(chunk.toString())
        callback()
      },
    })
    return { out, text: () => chunks.join('') }
  }

  it('writes logfmt lines at or above the level, with child fields', () => {
    const { out, text } = sink()
    const log = createLogger({ level: 'info', format: 'logfmt', out })
    log.child({ component: 'nflog' }).info({ entries: 2 }, 'Maintenance done')
    log.debug('hidden')
    const lines = text().split('\n').filter(Boolean)
    assert.equal(lines.length, 1)
    assert.match(
      lines[0] ?? '',
      /^ts=\S+Z level=info component=nflog msg="Maintenance done" entries=2$/
    )
  })

  it('writes bunyan JSON records for the json format', () => {
    const { out, text } = sink()
    const log = createLogger({ level: 'warn', format: 'json', out })
    log.info('hidden')
    log.warn({ peer: 'a' }, 'Peer left')
    const lines = text().split('\n').filter(Boolean)
    assert.equal(lines.length, 1)
    const rec = JSON.parse(lines[0] ?? '') as Record<string, unknown>
    assert.equal(rec['msg'], 'Peer left')
    assert.equal(rec['peer'], 'a')
    assert.equal(rec['level'], 40)
    assert.equal(rec['name'], 'alertmesh')
  })
})
