import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { REDACTED, redactURL, redactURLInMessage } from '#src/util/redact.js'

describe('redactURL', () => {
  it('hides the whole URL like Alertmanager RedactURL', () => {
    const cases = [
      // A Slack-style secret path.
      ['https://hooks.slack.com/services/T000/B000/XXXX', REDACTED],
      // Credentials in userinfo.
      ['http://user:pass@example.com/', REDACTED],
      // A URL object.
      [new URL('http://example.com/?token=abc'), REDACTED],
      // Nothing configured: nothing to hide.
      ['', ''],
    ] as const
    for (const [input, want] of cases) {
      assert.equal(redactURL(input), want, String(input))
    }
  })
})

describe('redactURLInMessage', () => {
  const url = 'http://am:s3cr3t@hooks.example.com:8080/path/t0ken?key=v%20al'

  it('replaces every spelling of the URL and its secret parts', () => {
    const cases = [
      // The URL as configured.
      [`Post "${url}": EOF`, `Post "${REDACTED}": EOF`],
      // Go's url.Error masks the password with ***.
      [
        'Post "http://am:***@hooks.example.com:8080/path/t0ken?key=v%20al": EOF',
        `Post "${REDACTED}": EOF`,
      ],
      // Without userinfo.
      ['GET http://hooks.example.com:8080/path/t0ken?key=v%20al failed', `GET ${REDACTED} failed`],
      // Percent-decoded.
      ['at http://hooks.example.com:8080/path/t0ken?key=v al.', `at ${REDACTED}.`],
      // Only path and query, as some HTTP errors print them.
      ['request to /path/t0ken?key=v%20al timed out', `request to ${REDACTED} timed out`],
      // The bare password.
      ['auth s3cr3t rejected', `auth ${REDACTED} rejected`],
      // Several occurrences.
      [`${url} ${url}`, `${REDACTED} ${REDACTED}`],
      // Text without the URL is unchanged.
      ['connect ECONNREFUSED 127.0.0.1:8080', 'connect ECONNREFUSED 127.0.0.1:8080'],
    ] as const
    for (const [text, want] of cases) {
      assert.equal(redactURLInMessage(text, url), want, text)
    }
  })

  it('does not redact a bare "/" path', () => {
    // Replacing every slash would destroy messages; a root path is no secret.
    assert.equal(redactURLInMessage('a/b', 'http://example.com/'), 'a/b')
  })

  it('handles a URL that does not parse by replacing it verbatim', () => {
    assert.equal(redactURLInMessage('bad ::secret:: here', '::secret::'), `bad ${REDACTED} here`)
  })
})
