import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { goUrlString } from '#src/config/goyaml/url.js'
import type { GoURL } from '#src/config/goyaml/url.js'
import { convertKind, parseMatcherLines } from '#src/config/kinds.js'

describe('convertKind', () => {
  const ok: [Parameters<typeof convertKind>[0], string, unknown, string][] = [
    ['duration', '1h30m', 5_400_000, 'Prometheus duration in ms'],
    ['go-duration', '1m30s', 90_000, 'Go duration in ms'],
    ['hostport', 'smtp.example.org:25', 'smtp.example.org:25', 'host:port'],
    ['hostport', '[::1]:25', '[::1]:25', 'IPv6 keeps its brackets'],
    ['hostport', '', '', 'empty is allowed (unset)'],
    ['tls-version', 'TLS13', 'TLS13', 'a TLS version name'],
    ['label-name', 'team', 'team', 'a label name'],
    ['location', 'Europe/Berlin', 'Europe/Berlin', 'an IANA zone'],
    ['weekday', 'monday:friday', { begin: 1, end: 5 }, 'a weekday range'],
    ['regexp', 'a|b', 'a|b', 'a Go regexp'],
  ]
  for (const [kind, text, want, why] of ok) {
    it(`converts ${kind} ${JSON.stringify(text)} (${why})`, () => {
      assert.deepEqual(convertKind(kind, text), want)
    })
  }

  it('reads <secret> as an empty URL for secret URLs only', () => {
    assert.equal(goUrlString(convertKind('secret-url', '<secret>') as GoURL), '')
    assert.throws(() => convertKind('url', '<secret>'), {
      message: 'unsupported scheme "" for URL',
    })
  })

  const bad: [Parameters<typeof convertKind>[0], string, string, string][] = [
    ['hostport', 'foo', 'address foo: missing port in address', 'no port'],
    ['hostport', 'a:b:25', 'address a:b:25: too many colons in address', 'unbracketed IPv6'],
    ['hostport', 'foo:', 'address "foo:": port cannot be empty', 'empty port'],
    ['tls-version', 'TLS9', 'unknown TLS version: TLS9', 'unknown version'],
    ['label-name', 'a-b', '"a-b" is not a valid label name', 'dash in a label name'],
    ['location', 'Mars/Base', 'unknown time zone Mars/Base', 'unknown zone'],
    [
      'regexp',
      '(',
      'error parsing regexp: missing closing ): `^(?:()$`',
      'Go regexp error on the anchored pattern',
    ],
  ]
  for (const [kind, text, message, why] of bad) {
    it(`refuses ${kind} ${JSON.stringify(text)} (${why})`, () => {
      assert.throws(() => convertKind(kind, text), { message })
    })
  }
})

describe('parseMatcherLines', () => {
  it('parses every line, concatenates and sorts as config.Matchers does', () => {
    const ms = parseMatcherLines(['{b="2", a=~".*"}', 'c!="x"'])
    assert.deepEqual(ms.map(String), ['a=~".*"', 'b="2"', 'c!="x"'])
  })
})
