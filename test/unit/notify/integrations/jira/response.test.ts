// json.Unmarshal into issueSearchResult and issueTransitions (notify/jira/types.go at 68fb2d5):
// what the notifier reads, and encoding/json's messages when a body does not fit.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  JSONDecodeError,
  parseSearchResult,
  parseTransitions,
} from '#src/notify/integrations/jira/index.js'

describe('parseSearchResult', () => {
  it('reads the key and the status category of each issue, in order', () => {
    assert.deepEqual(
      parseSearchResult(
        '{"issues":[{"key":"OPS-1","fields":{"status":{"name":"Closed","statusCategory":{"key":"done"}}}},{"key":"OPS-2","fields":{}}]}'
      ),
      [{ key: 'OPS-1', statusCategory: 'done' }, { key: 'OPS-2' }]
    )
  })

  it('matches field names case-insensitively, as encoding/json does', () => {
    assert.deepEqual(
      parseSearchResult(
        '{"Issues":[{"KEY":"A-1","Fields":{"Status":{"StatusCategory":{"Key":"new"}}}}]}'
      ),
      [{ key: 'A-1', statusCategory: 'new' }]
    )
  })

  it('takes null and missing as zero values', () => {
    assert.deepEqual(parseSearchResult('null'), [])
    assert.deepEqual(parseSearchResult('{}'), [])
    assert.deepEqual(parseSearchResult('{"issues":[null]}'), [{ key: '' }])
  })

  const refused: readonly (readonly [string, string, string])[] = [
    ['an empty body', '', 'unexpected end of JSON input'],
    ['a truncated body', '{"issues":[', 'unexpected end of JSON input'],
    ['an HTML page', ' <html>', "invalid character '<' looking for beginning of value"],
    [
      'a top-level array',
      '[]',
      'json: cannot unmarshal array into Go value of type jira.issueSearchResult',
    ],
    [
      'issues as an object',
      '{"issues":{}}',
      'json: cannot unmarshal object into Go struct field issueSearchResult.issues of type []jira.issue',
    ],
    [
      'a numeric key',
      '{"issues":[{"key":1}]}',
      'json: cannot unmarshal number into Go struct field issueSearchResult.issues.key of type string',
    ],
  ]
  for (const [name, body, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseSearchResult(body),
        (err: unknown) => err instanceof JSONDecodeError && err.message === message
      )
    })
  }
})

describe('parseTransitions', () => {
  it('reads id and name', () => {
    assert.deepEqual(parseTransitions('{"transitions":[{"id":"11","name":"Done","to":{}}]}'), [
      { id: '11', name: 'Done' },
    ])
  })

  it('refuses a numeric id as Go does', () => {
    assert.throws(
      () => parseTransitions('{"transitions":[{"id":11,"name":"Done"}]}'),
      (err: unknown) =>
        err instanceof JSONDecodeError &&
        err.message ===
          'json: cannot unmarshal number into Go struct field issueTransitions.transitions.id of type string'
    )
  })
})
