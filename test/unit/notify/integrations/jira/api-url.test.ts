// Go's URL.JoinPath as the jira notifier builds its request URLs, and isAPIv3Path.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { parseGoUrl } from '#src/config/index.js'
import { isAPIv3Path, joinAPIPath } from '#src/notify/integrations/jira/index.js'

describe('joinAPIPath', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    // An empty path gains the element.
    ['http://127.0.0.1:8080', 'issue', 'http://127.0.0.1:8080/issue'],
    ['http://127.0.0.1:8080', '/search', 'http://127.0.0.1:8080/search'],
    // Slashes are cleaned, a trailing slash of the base goes.
    ['https://x.atlassian.net/rest/api/2/', 'issue', 'https://x.atlassian.net/rest/api/2/issue'],
    [
      'https://x.atlassian.net/rest/api/2',
      '/search/jql',
      'https://x.atlassian.net/rest/api/2/search/jql',
    ],
    [
      'https://x/rest/api/2',
      'issue/OPS-1/transitions',
      'https://x/rest/api/2/issue/OPS-1/transitions',
    ],
    // A trailing slash of the element stays; dot segments resolve.
    ['https://x/a', 'b/', 'https://x/a/b/'],
    ['https://x/a/b', '../c', 'https://x/a/c'],
    // The query stays, the fragment goes.
    ['https://x/a?k=v', 'issue', 'https://x/a/issue?k=v'],
    ['https://x/a#frag', 'issue', 'https://x/a/issue'],
    // User info stays.
    ['https://u:p@x/a', 'issue', 'https://u:p@x/a/issue'],
  ]
  for (const [base, elem, want] of cases) {
    it(`${base} + ${elem}`, () => {
      assert.equal(joinAPIPath(parseGoUrl(base), elem), want)
    })
  }
})

describe('isAPIv3Path', () => {
  for (const [path, want] of [
    ['/rest/api/3', true],
    ['/rest/api/3/', true],
    ['/rest/api/3//', true],
    ['/rest/api/2', false],
    ['/rest/api/33', false],
    ['', false],
  ] as const) {
    it(`${path || '(empty)'} is ${want ? '' : 'not '}v3`, () => {
      assert.equal(isAPIv3Path(path), want)
    })
  }
})
