// The jira request bodies against Go: no Alertmanager with jira runs here, so the oracle is
// newer Alertmanager's notify/jira/types.go (issue, issueFields.MarshalJSON, jiraDescription,
// issueSearch) and json.Encoder, compiled from a copy (test/support/jira-oracle).
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'

import {
  encodeIssue,
  encodeSearch,
  encodeTransition,
  JSONEncodeError,
} from '#src/notify/integrations/jira/index.js'
import type { IssueFields } from '#src/notify/integrations/jira/index.js'

import { encodeJiraBodies } from '../../../../support/jira-oracle.js'
import type { JiraOracleCase, JiraOracleResult } from '../../../../support/jira-oracle.js'

const LABEL = 'ALERT{6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b}'

/** A case: what the notifier encodes, and what the oracle gets for it. */
type Case = readonly [string, () => string, JiraOracleCase]

const issue = (fields: IssueFields, custom: Record<string, unknown> = {}): Case[1] => {
  return () => encodeIssue({ ...fields, custom })
}

/** EVERY_SHAPE has custom fields of every shape upstream's test uses, and numbers Go spells oddly. */
const EVERY_SHAPE = {
  components: { name: 'Monitoring' },
  customfield_10001: 'value',
  customfield_10002: 0,
  customfield_10003: [0],
  customfield_10004: { value: 'red' },
  customfield_10006: [{ value: 'red' }, { value: 'blue' }],
  customfield_10009: [{}, {}, { a: [2] }],
  customfield_10010: [{}, [3]],
  m: { z: 1, a: null, B: true, é: 1.5e-7, big: 1e21, neg: -2.25 },
}

const CASES: readonly Case[] = [
  // The create body of upstream's "create new issue" case: sorted keys, v2 string description.
  [
    'a new issue',
    issue({
      summary: '[FIRING:1] test (vm1 critical)',
      description: { text: '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = test\n' },
      issuetype: 'Incident',
      labels: [LABEL, 'alertmanager', 'test'],
      project: 'OPS',
      priority: 'High',
    }),
    {
      kind: 'issue',
      fields: {
        summary: '[FIRING:1] test (vm1 critical)',
        description: { text: '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = test\n' },
        issuetype: 'Incident',
        labels: [LABEL, 'alertmanager', 'test'],
        project: 'OPS',
        priority: 'High',
      },
    },
  ],
  // An update with summary and description disabled, and no priority.
  [
    'an update without summary and description',
    issue({ issuetype: 'MINOR', labels: [LABEL], project: 'MONITORING' }),
    { kind: 'issue', fields: { issuetype: 'MINOR', labels: [LABEL], project: 'MONITORING' } },
  ],
  // Custom fields of every shape upstream's test uses, merged among the standard keys.
  [
    'custom fields of every shape',
    issue({ summary: 's', issuetype: 'Incident', labels: [LABEL], project: 'OPS' }, EVERY_SHAPE),
    {
      kind: 'issue',
      fields: {
        summary: 's',
        issuetype: 'Incident',
        labels: [LABEL],
        project: 'OPS',
        custom: EVERY_SHAPE,
      },
    },
  ],
  // A custom field named like a standard one replaces it (maps.Copy after the standard keys).
  [
    'a custom field overriding summary and labels',
    issue(
      { summary: 's', labels: [LABEL], project: 'OPS' },
      { summary: { nested: '<b>' }, labels: 'x' }
    ),
    {
      kind: 'issue',
      fields: {
        summary: 's',
        labels: [LABEL],
        project: 'OPS',
        custom: { summary: { nested: '<b>' }, labels: 'x' },
      },
    },
  ],
  // An ADF (v3) description: compacted, HTML escaped, key order and escapes kept as written.
  [
    'an ADF description',
    issue({
      summary: 's',
      description: {
        adf: '{ "type" : "doc", "version":1,\n "content": [ {"type":"text","text":"a < b & \\"c\\" \\/ é\u2028"} ] }',
      },
      labels: [LABEL],
    }),
    {
      kind: 'issue',
      fields: {
        summary: 's',
        description: {
          adf: '{ "type" : "doc", "version":1,\n "content": [ {"type":"text","text":"a < b & \\"c\\" \\/ é\u2028"} ] }',
        },
        labels: [LABEL],
      },
    },
  ],
  // Escaping in plain strings: HTML-sensitive, control, U+2028/2029 and non-BMP characters.
  [
    'escaping',
    issue({
      summary: '<b>&amp;</b> "q" \\ \u0001\u2028😀',
      description: { text: 'line\r\n\ttab \u007f' },
      priority: 'P<1>',
      labels: ['é', 'a&b', LABEL],
    }),
    {
      kind: 'issue',
      fields: {
        summary: '<b>&amp;</b> "q" \\ \u0001\u2028😀',
        description: { text: 'line\r\n\ttab \u007f' },
        priority: 'P<1>',
        labels: ['é', 'a&b', LABEL],
      },
    },
  ],
  // The issue search with upstream's JQL.
  [
    'a search',
    () =>
      encodeSearch(
        `(resolution is EMPTY or resolution != "Won't Do") and statusCategory != Done and project="PROJ" and labels="ALERT{1}" order by status ASC,resolutiondate DESC`
      ),
    {
      kind: 'search',
      jql: `(resolution is EMPTY or resolution != "Won't Do") and statusCategory != Done and project="PROJ" and labels="ALERT{1}" order by status ASC,resolutiondate DESC`,
    },
  ],
  // A transition, and one with an empty id (omitempty).
  ['a transition', () => encodeTransition('12345'), { kind: 'transition', transition: '12345' }],
  ['an empty transition id', () => encodeTransition(''), { kind: 'transition', transition: '' }],
]

/** A value yaml.v2 decodes that encoding/json refuses: the encoder's error, not a body. */
const NAN_CASE: JiraOracleCase = {
  kind: 'issue',
  fields: { summary: 's', custom: { customfield_1: { $float: 'NaN' } } },
}

describe('encodeIssue, encodeSearch and encodeTransition write what json.Encoder writes', () => {
  let go: JiraOracleResult[]
  before(() => {
    go = encodeJiraBodies([...CASES.map(([, , c]) => c), NAN_CASE])
  })
  CASES.forEach(([name, encode], i) => {
    it(`for ${name}`, () => {
      assert.equal(go[i]?.error, undefined)
      assert.equal(encode(), go[i]?.body)
    })
  })

  it("fails on NaN with the encoder's error", () => {
    const expected = go[CASES.length]?.error
    assert.equal(
      expected,
      'json: error calling MarshalJSON for type *jira.issueFields: json: unsupported value: NaN'
    )
    assert.throws(
      () => encodeIssue({ summary: 's', custom: { customfield_1: Number.NaN } }),
      (err: unknown) => err instanceof JSONEncodeError && err.message === expected
    )
  })
})
