// incidentio's errDetails: TestIncidentIOErrDetails row by row, then more bodies checked
// against the copied Go function (test/support/incidentio-oracle) in the same run.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import { errorDetails } from '#src/notify/integrations/incidentio/index.js'

import { runIncidentioOracle } from '../../../../support/incidentio-oracle.js'

describe('errorDetails (TestIncidentIOErrDetails)', () => {
  // [name, body, expected]; upstream's nil body is the empty body here.
  const rows: readonly (readonly [string, string, string])[] = [
    // empty body.
    ['empty body', '', ''],
    // single error field.
    ['single error field', '{"error":"Invalid request"}', 'Invalid request'],
    // message and errors.
    [
      'message and errors',
      '{"message":"Validation failed","errors":["Field is required","Value too long"]}',
      'Validation failed: Field is required, Value too long',
    ],
    // message and error.
    [
      'message and error',
      '{"message":"Too many requests","error":"Rate limit exceeded"}',
      'Too many requests: Rate limit exceeded',
    ],
    // invalid JSON.
    ['invalid JSON', '{invalid}', ''],
  ]
  for (const [name, body, expected] of rows) {
    it(name, () => {
      assert.equal(errorDetails(body), expected)
    })
  }
})

describe('errorDetails reads bodies as Go does', () => {
  const BODIES: readonly string[] = [
    '',
    '   ',
    'null',
    '{}',
    '[]',
    '"message"',
    '42',
    'true',
    '<html>Bad Gateway</html>',
    '{"message":"m"}',
    '{"error":"e","message":"m","errors":["a","b"]}',
    '{"errors":[]}',
    '{"errors":["only"]}',
    '{"errors":[null,"a"]}',
    '{"errors":"not a list"}',
    '{"errors":[1]}',
    '{"message":1}',
    '{"message":null,"error":"e"}',
    '{"message":"","error":""}',
    '{"MESSAGE":"upper","Error":"mixed"}',
    '{"meſſage":"long s"}',
    '{"message":"first","message":"second"}',
    '{"message":"m"} trailing garbage',
    '  {"message":"m"}\n{"message":"n"}',
    '{"message":"m"',
    '{"message":"a \\"quoted\\" \\u00e9 \\ud83d\\ude00 <b>"}',
    '{"nested":{"message":"no"},"message":"yes"}',
    '{"status":"success"}',
    '{"error":"rate limit exceeded","message":"Too many requests"}',
    '{"error":"internal error"}',
    '{"error":"invalid request","message":"Invalid payload format"}',
  ]
  let go: string[]
  before(() => {
    go = runIncidentioOracle([], BODIES).details
  })
  BODIES.forEach((body, i) => {
    it(`for ${JSON.stringify(body)}`, () => {
      assert.equal(errorDetails(body), go[i])
    })
  })
})
