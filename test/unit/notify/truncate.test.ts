// The rows are read from Alertmanager 0.25's own notify/util_test.go (TestTruncate), so the
// expectations are Go's, not typed in here.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

import { truncateInBytes, truncateInRunes } from '#src/notify/index.js'

const GO_TEST = '/usr/share/gocode/src/github.com/prometheus/alertmanager/notify/util_test.go'

interface Row {
  readonly in: string
  readonly n: number
  readonly runes: { readonly out: string; readonly trunc: boolean }
  readonly bytes: { readonly out: string; readonly trunc: boolean }
}

// A Go interpreted string literal; the table uses only characters JSON reads the same way.
const STR = '"((?:[^"\\\\]|\\\\.)*)"'
const ROW = new RegExp(
  `\\{\\s*in:\\s*${STR},\\s*n:\\s*(\\d+),\\s*runes:\\s*expect\\{out:\\s*${STR},\\s*trunc:\\s*(true|false)\\},\\s*bytes:\\s*expect\\{out:\\s*${STR},\\s*trunc:\\s*(true|false)\\},\\s*\\}`,
  'g'
)

function goRows(): Row[] {
  const source = readFileSync(GO_TEST, 'utf8')
  const table = source.slice(
    source.indexOf('func TestTruncate'),
    source.indexOf('type brokenReader')
  )
  return [...table.matchAll(ROW)].map((m) => ({
    in: JSON.parse(`"${m[1] ?? ''}"`) as string,
    n: Number(m[2]),
    runes: { out: JSON.parse(`"${m[3] ?? ''}"`) as string, trunc: m[4] === 'true' },
    bytes: { out: JSON.parse(`"${m[5] ?? ''}"`) as string, trunc: m[6] === 'true' },
  }))
}

describe("truncation, against Alertmanager 0.25's TestTruncate table", () => {
  it('finds the Go test file (golang-github-prometheus-alertmanager-dev)', () => {
    assert.ok(existsSync(GO_TEST), `${GO_TEST} is missing: npm test installs it`)
  })

  const rows = existsSync(GO_TEST) ? goRows() : []
  it('reads every row of the table', () => {
    assert.equal(rows.length, 9, 'the table changed shape; update the row pattern')
  })
  for (const row of rows) {
    it(`truncateInRunes(${JSON.stringify(row.in)}, ${row.n})`, () => {
      assert.deepEqual(truncateInRunes(row.in, row.n), {
        text: row.runes.out,
        truncated: row.runes.trunc,
      })
    })
    it(`truncateInBytes(${JSON.stringify(row.in)}, ${row.n})`, () => {
      assert.deepEqual(truncateInBytes(row.in, row.n), {
        text: row.bytes.out,
        truncated: row.bytes.trunc,
      })
    })
  }

  it('never cuts inside a rune and stays linear on long multi-byte text', () => {
    const long = '🔥'.repeat(100_000)
    const { text, truncated } = truncateInBytes(long, 7439)
    assert.equal(truncated, true)
    assert.ok(Buffer.byteLength(text, 'utf8') <= 7439)
    assert.equal(text, '🔥'.repeat(1859) + '…')
  })
})
