// victorOpsURL follows Go's URL.Path append and String(); encodeVictorOpsMessage is Go's
// json.Encoder on a map[string]string. Each row names the Go behaviour it pins; the expected
// URLs are what Go 1.19's net/url gives for `u.Path += key + "/" + routingKey; u.String()`
// (checked with `go run` on the same rows), and the e2e test compares real requests.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { encodeVictorOpsMessage, victorOpsURL } from '#src/notify/integrations/victorops/index.js'

describe('victorOpsURL', () => {
  const rows: [string, string, string, string, string][] = [
    // The default endpoint.
    [
      'the default',
      'https://alert.victorops.com/integrations/generic/20131114/alert/',
      'k',
      'rk',
      'https://alert.victorops.com/integrations/generic/20131114/alert/k/rk',
    ],
    // Reserved and non-ASCII characters of the key and routing key are escaped for a path.
    ['escapes', 'http://h/a/', 'k y', 'r?é', 'http://h/a/k%20y/r%3F%C3%A9'],
    // `$&+,/:;=@` stay as they are in a Go path.
    [
      'path-safe characters',
      'http://h/',
      'k',
      "a$&+,:;=@/b!'()*",
      'http://h/k/a$&+,:;=@/b%21%27%28%29%2A',
    ],
    // The query is kept verbatim after the path.
    ['a query', 'http://h/p/?x=1&y=%20z', 'k', 'rk', 'http://h/p/k/rk?x=1&y=%20z'],
    // An escaped path that decodes differently (%2F) is re-escaped from its decoded form.
    ['a raw path', 'http://h/a%2Fb/', 'k', 'rk', 'http://h/a/b/k/rk'],
  ]
  for (const [what, base, key, routing, want] of rows) {
    it(what, () => {
      assert.equal(victorOpsURL(base, key, routing), want)
    })
  }
})

describe('encodeVictorOpsMessage', () => {
  it('sorts keys byte-wise, escapes HTML as Go does and ends with a newline', () => {
    assert.equal(
      encodeVictorOpsMessage({ b: '<&>', a: '"\u2028', Z: 'é' }),
      '{"Z":"é","a":"\\"\\u2028","b":"\\u003c\\u0026\\u003e"}\n'
    )
  })
})
