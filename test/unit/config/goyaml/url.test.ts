import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { GoUrlError, goUrlString, parseGoUrl, parseHttpUrl } from '#src/config/goyaml/url.js'

// Expected values were printed by Go 1.19's url.Parse / URL.String for the same inputs.
describe('parseGoUrl and goUrlString', () => {
  const rows: [string, string, string, string][] = [
    ['http://x', 'http://x', 'x', 'no trailing slash is added (unlike WHATWG URL)'],
    [
      'HTTP://User:Pw@Example.COM:8080/a%20b/c?q=1&r=a%20b#frag',
      'http://User:Pw@Example.COM:8080/a%20b/c?q=1&r=a%20b#frag',
      'Example.COM:8080',
      'only the scheme is lower-cased',
    ],
    ['http://x/a b', 'http://x/a%20b', 'x', 'a space in the path is escaped'],
    ['https://[::1]:9/', 'https://[::1]:9/', '[::1]:9', 'IPv6 literal with port'],
    ['mailto:a@b', 'mailto:a@b', '', 'opaque URL'],
    ['http://x/p?', 'http://x/p?', 'x', 'a bare ? is kept (ForceQuery)'],
    ['http://x/#a b', 'http://x/#a%20b', 'x', 'fragment escaping'],
    ['http://u@p@h/', 'http://u%40p@h/', 'h', 'the last @ ends the userinfo'],
    ['http://x/a%2Fb', 'http://x/a%2Fb', 'x', 'an escaped slash keeps its RawPath'],
    [
      'http://ü.example/ä',
      'http://%C3%BC.example/%C3%A4',
      'ü.example',
      'non-ASCII is escaped on output',
    ],
    [
      'http://[fe80::1%25en0]:8080/',
      'http://[fe80::1%25en0]:8080/',
      '[fe80::1%en0]:8080',
      'IPv6 zone',
    ],
  ]
  for (const [input, output, host, why] of rows) {
    it(`renders ${input} as ${output} (${why})`, () => {
      const u = parseGoUrl(input)
      assert.equal(u.host, host)
      assert.equal(goUrlString(u), output)
    })
  }

  const errors: [string, string, string][] = [
    ['http://a b/', 'parse "http://a b/": invalid character " " in host name', 'space in host'],
    [':x', 'parse ":x": missing protocol scheme', 'empty scheme'],
    [
      'http://x:port/',
      'parse "http://x:port/": invalid port ":port" after host',
      'non-numeric port',
    ],
    ['http://[::1', `parse "http://[::1": missing ']' in host`, 'unclosed IPv6 literal'],
    ['http://x/%zz', 'parse "http://x/%zz": invalid URL escape "%zz"', 'bad escape'],
    ['http://%41/', 'parse "http://%41/": invalid URL escape "%41"', 'escaped ASCII in a host'],
    [
      'http://x/\x01',
      'parse "http://x/\\x01": net/url: invalid control character in URL',
      'control character',
    ],
  ]
  for (const [input, message, why] of errors) {
    it(`refuses ${JSON.stringify(input)} (${why})`, () => {
      assert.throws(
        () => parseGoUrl(input),
        (err: unknown) => err instanceof GoUrlError && err.message === message
      )
    })
  }

  it('redacts a password when asked, as prometheus/common URL.Redacted does', () => {
    assert.equal(
      goUrlString(parseGoUrl('http://u:p@proxy:3128/'), true),
      'http://u:xxxxx@proxy:3128/'
    )
  })
})

describe('parseHttpUrl', () => {
  const rows: [string, string, string][] = [
    ['ftp://x/', 'unsupported scheme "ftp" for URL', 'scheme is not http(s)'],
    ['x/y', 'unsupported scheme "" for URL', 'relative URL'],
    ['http:///x', 'missing host for URL', 'no host'],
  ]
  for (const [input, message, why] of rows) {
    it(`refuses ${input} (${why})`, () => {
      assert.throws(() => parseHttpUrl(input), { message })
    })
  }
})
