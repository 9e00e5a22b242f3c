// Newer Alertmanager's notify/jira/jira_test.go (68fb2d5) ported as golden cases: each case
// runs one notification against a Jira stand-in on 127.0.0.1 and checks the exact requests
// (method, path, body bytes) and the error, where upstream decodes the bodies and compares
// structs. Expected issue bodies are upstream's expected issueFields, encoded by Go itself
// (test/support/jira-oracle). Upstream's TestJiraRetry is the conformance suite's status rows.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import type { HttpClient, HttpResponse } from '#src/notify/http/index.js'
import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import {
  JIRA_DEFAULTS,
  JIRA_MAX_DESCRIPTION_RUNES,
  JIRA_MAX_SUMMARY_RUNES,
  JIRA_RETRY_CODES,
  JiraNotifier,
} from '#src/notify/integrations/jira/index.js'
import type { JiraConfig } from '#src/notify/integrations/jira/index.js'

import { encodeJiraBodies } from '../../../../support/jira-oracle.js'
import type { JiraOracleCase } from '../../../../support/jira-oracle.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Recorded } from '../../http/servers.js'
import { capture, context, NOW, UA } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const TEMPLATE = AlertTemplate.fromGlobs([])
const HOUR = 3_600_000

/** LABEL is `ALERT{<sha256 of the group key "1">}`, as upstream's cases expect it. */
const LABEL = `ALERT{${createHash('sha256').update('1').digest('hex')}}`

/** jiraConfig is an entry as loading yields it, upstream's zero values where it sets none. */
function jiraConfig(overrides: Partial<JiraConfig>): JiraConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    api_url: 'http://127.0.0.1:1',
    api_type: 'auto',
    project: '',
    issue_type: '',
    ...overrides,
  }
}

/** UPSTREAM is the config of upstream's TestJiraNotify cases. */
const UPSTREAM: Partial<JiraConfig> = {
  summary: { template: JIRA_DEFAULTS.summary },
  description: { template: JIRA_DEFAULTS.description },
  issue_type: 'Incident',
  project: 'OPS',
  priority: JIRA_DEFAULTS.priority,
  labels: ['alertmanager', '{{ .GroupLabels.alertname }}'],
  reopen_duration: HOUR,
  reopen_transition: 'REOPEN',
  resolve_transition: 'CLOSE',
  wont_fix_resolution: 'WONTFIX',
}

function notifier(
  config: JiraConfig,
  options: {
    template?: AlertTemplate
    httpClient?: HttpClient
    log?: ReturnType<typeof capture>['log']
  } = {}
): JiraNotifier {
  const template = options.template ?? TEMPLATE
  return new JiraNotifier({
    config,
    template: () => template,
    userAgent: UA,
    log: options.log ?? capture('fatal').log,
    ...(options.httpClient === undefined ? {} : { httpClient: options.httpClient }),
  })
}

/** alert is upstream's: firing (ends in an hour) or resolved (started and ended an hour ago). */
function alert(labels: Record<string, string>, resolved = false): Alert {
  return {
    labels,
    annotations: {},
    startsAt: resolved ? NOW - HOUR : NOW,
    endsAt: resolved ? NOW - HOUR : NOW + HOUR,
    generatorURL: '',
    updatedAt: NOW,
    timeout: false,
    fingerprint: '0123456789abcdef',
  }
}

/** flush is upstream's context: group key "1", group labels {alertname="test"}. */
const flush = (groupLabels: Record<string, string> = { alertname: 'test' }) =>
  context({ groupKey: '1', groupLabels })

/** StandIn is what the Jira stand-in answers, like upstream's test server. */
interface StandIn {
  /** The search result. */
  readonly issues?: readonly unknown[]
  /** Transitions offered per issue key. */
  readonly transitions?: Readonly<Record<string, readonly { id: string; name: string }[]>>
  /** Statuses to answer instead, by `METHOD /path`. */
  readonly fail?: Readonly<Record<string, number>>
}

function answer(spec: StandIn, req: Recorded, res: ServerResponse): void {
  const path = req.url.split('?')[0] ?? ''
  const failWith = spec.fail?.[`${req.method} ${path}`]
  if (failWith !== undefined) {
    res.writeHead(failWith).end('nope')
    return
  }
  const transitions = /^\/issue\/([^/]+)\/transitions$/.exec(path)?.[1]
  if (req.method === 'POST' && (path === '/search' || path.endsWith('/search/jql'))) {
    res.writeHead(200).end(`${JSON.stringify({ issues: spec.issues ?? [] })}\n`)
  } else if (transitions !== undefined && req.method === 'GET') {
    res
      .writeHead(200)
      .end(`${JSON.stringify({ transitions: spec.transitions?.[transitions] ?? [] })}\n`)
  } else if (transitions !== undefined && req.method === 'POST') {
    res.writeHead(204).end()
  } else if (req.method === 'POST' && path === '/issue') {
    res.writeHead(201).end('{"id":"10000","key":"OPS-10"}')
  } else if (req.method === 'PUT' && path.startsWith('/issue/')) {
    res.writeHead(204).end()
  } else {
    res.writeHead(404).end(`unexpected ${req.method} ${path}`)
  }
}

/** Request is one request as the stand-in saw it. */
type Request = readonly [method: string, path: string, body: string]

/** run sends one notification to a fresh stand-in. */
async function run(
  config: Partial<JiraConfig>,
  alerts: readonly Alert[],
  spec: StandIn = {},
  options: { template?: AlertTemplate; log?: ReturnType<typeof capture>['log'] } = {}
): Promise<{ requests: Request[]; error: unknown; raw: Recorded[] }> {
  const server = await listen((req, res) => {
    answer(spec, req, res)
  })
  const n = notifier(jiraConfig({ api_url: server.origin, ...config }), options)
  let error: unknown
  try {
    await n.notify(flush(), alerts)
  } catch (err: unknown) {
    error = err
  } finally {
    await n.close()
    await server.close()
  }
  return {
    requests: server.requests.map((r) => [r.method, r.url, r.body.toString('utf8')] as const),
    error,
    raw: server.requests,
  }
}

/** goIssue is upstream's expected issueFields, encoded by Go. */
function goIssue(fields: Extract<JiraOracleCase, { kind: 'issue' }>['fields']): string {
  const [result] = encodeJiraBodies([{ kind: 'issue', fields }])
  assert.ok(result !== undefined && result.error === undefined)
  return result.body
}

/** upstreamIssue is the issue body upstream's TestJiraNotify config sends for a summary and text. */
function upstreamIssue(summary: string, text: string): string {
  return goIssue({
    summary,
    description: { text },
    issuetype: 'Incident',
    labels: [LABEL, 'alertmanager', 'test'],
    project: 'OPS',
  })
}

/**
 * UPSTREAM_FIELDS are the custom fields of upstream's "create new issue with custom field and
 * too long summary" case, which pass through to the issue unchanged.
 */
const UPSTREAM_FIELDS = {
  components: { name: 'Monitoring' },
  customfield_10001: 'value',
  customfield_10002: 0,
  customfield_10003: [0],
  customfield_10004: { value: 'red' },
  customfield_10005: { value: 0 },
  customfield_10006: [{ value: 'red' }, { value: 'blue' }, { value: 'green' }],
  customfield_10007: [{ value: 'red' }, { value: 'blue' }, { value: 0 }],
  customfield_10008: [{ value: 0 }, { value: 1 }, { value: 2 }],
  // Upstream's {1: 0} and {1.0: 1} have non-string keys, which DeepCopyWithTemplate drops;
  // alertmesh's config decoder gives every key as a string, so they stay. The rest of the row
  // is upstream's.
  customfield_10009: [{}, {}, { a: [2] }],
  customfield_10010: [{}, [3]],
}

/** goSearch is the search body for a JQL, encoded by Go. */
function goSearch(jql: string): string {
  const [result] = encodeJiraBodies([{ kind: 'search', jql }])
  assert.ok(result !== undefined)
  return result.body
}

/** goTransition is the transition body, encoded by Go. */
function goTransition(id: string): string {
  const [result] = encodeJiraBodies([{ kind: 'transition', transition: id }])
  assert.ok(result !== undefined)
  return result.body
}

const jql = (prefix: string, project = 'OPS') =>
  `${prefix}project="${project}" and labels="${LABEL}" order by status ASC,resolutiondate DESC`

/** The JQL of upstream's TestJiraNotify config: won't-fix excluded, reopen within 60m. */
const FIRING_JQL = jql(
  '(resolution is EMPTY or resolution != "WONTFIX") and (resolutiondate is EMPTY OR resolutiondate >= -60m) and '
)
const RESOLVED_JQL = jql(
  '(resolution is EMPTY or resolution != "WONTFIX") and statusCategory != Done and '
)

const FIRING_VM1 =
  '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = test\n  - instance = vm1\n\nAnnotations:\n\nSource: \n\n\n\n\n'
const RESOLVED_VM1 =
  '\n\n\n# Alerts Resolved:\n\nLabels:\n  - alertname = test\n  - instance = vm1\n\nAnnotations:\n\nSource: \n\n\n\n'

const found = (key: string, category: string) => ({
  key,
  fields: {
    status: { name: category === 'done' ? 'Closed' : 'Open', statusCategory: { key: category } },
  },
})

runNotifierConformance({
  name: 'jira',
  build: (url) => notifier(jiraConfig({ ...UPSTREAM, api_url: url })),
  retryCodes: JIRA_RETRY_CODES,
  okBody: '{"issues":[]}',
  requestsPerNotify: 2,
  messages: {
    status: (code, body) =>
      `failed to look up existing issues: HTTP request to JIRA API: unexpected status code ${code}: ${body}`,
    deadline:
      'failed to look up existing issues: HTTP request to JIRA API: Post "<redacted>": context deadline exceeded',
    canceled:
      'failed to look up existing issues: HTTP request to JIRA API: Post "<redacted>": context canceled',
  },
})

describe('JiraNotifier (TestJiraNotify)', () => {
  // Two cases take the project and the issue type from the alert's labels.
  const FROM_LABELS = {
    issue_type: '{{ .CommonLabels.issue_type }}',
    project: '{{ .CommonLabels.project }}',
  }
  const monitoringMinor = () =>
    alert({
      alertname: 'test',
      instance: 'vm1',
      severity: 'critical',
      project: 'MONITORING',
      issue_type: 'MINOR',
    })

  it('create new issue: searches, then POSTs the issue', async () => {
    const { requests, error } = await run(UPSTREAM, [
      alert({ alertname: 'test', instance: 'vm1', severity: 'critical' }),
    ])
    assert.equal(error, undefined)
    assert.deepEqual(requests, [
      ['POST', '/search', goSearch(FIRING_JQL)],
      [
        'POST',
        '/issue',
        goIssue({
          summary: '[FIRING:1] test (vm1 critical)',
          description: {
            text: '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = test\n  - instance = vm1\n  - severity = critical\n\nAnnotations:\n\nSource: \n\n\n\n\n',
          },
          issuetype: 'Incident',
          labels: [LABEL, 'alertmanager', 'test'],
          project: 'OPS',
          priority: 'High',
        }),
      ],
    ])
  })

  it('update existing issue with disabled summary and description: PUTs the rest', async () => {
    const { requests, error } = await run(
      {
        ...UPSTREAM,
        summary: { template: JIRA_DEFAULTS.summary, enable_update: false },
        description: { template: JIRA_DEFAULTS.description, enable_update: false },
        ...FROM_LABELS,
      },
      [monitoringMinor()],
      {
        issues: [
          {
            key: 'MONITORING-1',
            fields: {
              summary: 'Original Summary',
              description: 'Original Description',
              status: { name: 'Open', statusCategory: { key: 'open' } },
            },
          },
        ],
      }
    )
    assert.equal(error, undefined)
    assert.deepEqual(requests, [
      ['POST', '/search', goSearch(FIRING_JQL.replace('project="OPS"', 'project="MONITORING"'))],
      [
        'PUT',
        '/issue/MONITORING-1',
        goIssue({
          issuetype: 'MINOR',
          labels: [LABEL, 'alertmanager', 'test'],
          project: 'MONITORING',
          priority: 'High',
        }),
      ],
    ])
  })

  it('create new issue with template project and issue type', async () => {
    const { requests, error } = await run({ ...UPSTREAM, ...FROM_LABELS }, [monitoringMinor()])
    assert.equal(error, undefined)
    const [, create] = requests
    assert.ok(create !== undefined)
    assert.equal(create[1], '/issue')
    assert.equal(
      create[2],
      goIssue({
        summary: '[FIRING:1] test (vm1 MINOR MONITORING critical)',
        description: {
          text: '\n\n# Alerts Firing:\n\nLabels:\n  - alertname = test\n  - instance = vm1\n  - issue_type = MINOR\n  - project = MONITORING\n  - severity = critical\n\nAnnotations:\n\nSource: \n\n\n\n\n',
        },
        issuetype: 'MINOR',
        labels: [LABEL, 'alertmanager', 'test'],
        project: 'MONITORING',
        priority: 'High',
      })
    )
  })

  it('create new issue with custom field and too long summary', async () => {
    const { log, records } = capture('warn')
    const { requests, error } = await run(
      {
        ...UPSTREAM,
        summary: { template: 'A'.repeat(JIRA_MAX_SUMMARY_RUNES + 10) },
        reopen_duration: HOUR,
        // A copy, so that the expected body cannot follow a change the notifier might make.
        fields: structuredClone(UPSTREAM_FIELDS),
      },
      [alert({ alertname: 'test', instance: 'vm1' })],
      {},
      { log }
    )
    assert.equal(error, undefined)
    assert.equal(
      requests[1]?.[2],
      goIssue({
        summary: `${'A'.repeat(JIRA_MAX_SUMMARY_RUNES - 1)}…`,
        description: { text: FIRING_VM1 },
        issuetype: 'Incident',
        labels: [LABEL, 'alertmanager', 'test'],
        project: 'OPS',
        custom: UPSTREAM_FIELDS,
      })
    )
    assert.deepEqual(
      records.map((r) => [r['msg'], r['max_runes'], r['group_key']]),
      [['Truncated summary', JIRA_MAX_SUMMARY_RUNES, '1']]
    )
  })

  it('reopen issue: updates the done issue, then moves it with REOPEN', async () => {
    const { requests, error } = await run(
      UPSTREAM,
      [alert({ alertname: 'test', instance: 'vm1' })],
      {
        issues: [found('OPS-1', 'done')],
        transitions: { 'OPS-1': [{ id: '12345', name: 'REOPEN' }] },
      }
    )
    assert.equal(error, undefined)
    assert.deepEqual(requests, [
      ['POST', '/search', goSearch(FIRING_JQL)],
      ['PUT', '/issue/OPS-1', upstreamIssue('[FIRING:1] test (vm1)', FIRING_VM1)],
      ['GET', '/issue/OPS-1/transitions', ''],
      ['POST', '/issue/OPS-1/transitions', goTransition('12345')],
    ])
  })

  it('resolves an open issue with CLOSE (the stand-in case upstream serves for OPS-2)', async () => {
    const { requests, error } = await run(
      UPSTREAM,
      [alert({ alertname: 'test', instance: 'vm1' }, true)],
      {
        issues: [found('OPS-2', 'open')],
        transitions: {
          'OPS-2': [
            { id: '11', name: 'REOPEN' },
            { id: '54321', name: 'CLOSE' },
          ],
        },
      }
    )
    assert.equal(error, undefined)
    assert.deepEqual(requests, [
      ['POST', '/search', goSearch(RESOLVED_JQL)],
      ['PUT', '/issue/OPS-2', upstreamIssue('[RESOLVED] test (vm1)', RESOLVED_VM1)],
      ['GET', '/issue/OPS-2/transitions', ''],
      ['POST', '/issue/OPS-2/transitions', goTransition('54321')],
    ])
  })

  it('error resolve transition not found', async () => {
    const { requests, error } = await run(
      UPSTREAM,
      [alert({ alertname: 'test', instance: 'vm1' }, true)],
      { issues: [found('OPS-3', 'open')] }
    )
    assert.ok(error instanceof NotifyError)
    assert.equal(error.message, "can't find transition CLOSE for issue OPS-3")
    assert.equal(error.retryable, false)
    assert.deepEqual(
      requests.map(([m, p]) => `${m} ${p}`),
      ['POST /search', 'PUT /issue/OPS-3', 'GET /issue/OPS-3/transitions']
    )
    assert.equal(requests[1]?.[2], upstreamIssue('[RESOLVED] test (vm1)', RESOLVED_VM1))
  })

  it('error reopen transition not found', async () => {
    const { requests, error } = await run(
      UPSTREAM,
      [alert({ alertname: 'test', instance: 'vm1' })],
      {
        issues: [found('OPS-3', 'done')],
      }
    )
    assert.ok(error instanceof NotifyError)
    assert.equal(error.message, "can't find transition REOPEN for issue OPS-3")
    assert.equal(error.retryable, false)
    assert.deepEqual(
      requests.map(([m, p]) => `${m} ${p}`),
      ['POST /search', 'PUT /issue/OPS-3', 'GET /issue/OPS-3/transitions']
    )
  })
})

describe('JiraNotifier beyond upstream cases', () => {
  it('a failing transition fails the notification with the Retrier error, retryable on 5xx', async () => {
    const { requests, error } = await run(
      UPSTREAM,
      [alert({ alertname: 'test', instance: 'vm1' })],
      {
        issues: [found('OPS-1', 'done')],
        transitions: { 'OPS-1': [{ id: '12345', name: 'REOPEN' }] },
        fail: { 'POST /issue/OPS-1/transitions': 503 },
      }
    )
    assert.ok(error instanceof NotifyError)
    // getIssueTransitionByName/transitionIssue return doAPIRequest's error unwrapped.
    assert.equal(error.message, 'unexpected status code 503: nope')
    assert.equal(error.retryable, true)
    assert.equal(requests.length, 4)
  })

  it('a failing transition lookup is final on 4xx', async () => {
    const { error } = await run(UPSTREAM, [alert({ alertname: 'test', instance: 'vm1' })], {
      issues: [found('OPS-1', 'done')],
      fail: { 'GET /issue/OPS-1/transitions': 403 },
    })
    assert.ok(error instanceof NotifyError)
    assert.equal(error.message, 'unexpected status code 403: nope')
    assert.equal(error.retryable, false)
  })

  it('retries a 429 on create, naming the request as upstream wraps it', async () => {
    const { error } = await run(UPSTREAM, [alert({ alertname: 'test', instance: 'vm1' })], {
      fail: { 'POST /issue': 429 },
    })
    assert.ok(error instanceof NotifyError)
    assert.equal(
      error.message,
      'failed to POST request to "issue": unexpected status code 429: nope'
    )
    assert.equal(error.retryable, true)
  })

  it('names a failed update by its path', async () => {
    const { error } = await run(UPSTREAM, [alert({ alertname: 'test', instance: 'vm1' })], {
      issues: [found('OPS-7', 'open')],
      fail: { 'PUT /issue/OPS-7': 400 },
    })
    assert.ok(error instanceof NotifyError)
    assert.equal(
      error.message,
      'failed to PUT request to "issue/OPS-7": unexpected status code 400: nope'
    )
    assert.equal(error.retryable, false)
  })

  it('cuts the description at 32767 runes with the ellipsis, and logs it', async () => {
    const { log, records } = capture('warn')
    const { requests } = await run(
      {
        ...UPSTREAM,
        description: { template: `{{ "😀" }}${'x'.repeat(JIRA_MAX_DESCRIPTION_RUNES)}` },
      },
      [alert({ alertname: 'test' })],
      {},
      { log }
    )
    const body = JSON.parse(requests[1]?.[2] ?? '{}') as { fields: { description: string } }
    assert.equal(body.fields.description, `😀${'x'.repeat(JIRA_MAX_DESCRIPTION_RUNES - 2)}…`)
    assert.deepEqual(
      records.map((r) => [r['msg'], r['max_runes']]),
      [['Truncated description', JIRA_MAX_DESCRIPTION_RUNES]]
    )
  })

  it('creates no issue for an all-resolved group without one', async () => {
    const { requests, error } = await run(UPSTREAM, [
      alert({ alertname: 'test', instance: 'vm1' }, true),
    ])
    assert.equal(error, undefined)
    assert.deepEqual(requests, [['POST', '/search', goSearch(RESOLVED_JQL)]])
  })

  it('does not transition an open issue while firing, nor without a transition name', async () => {
    const open = await run(UPSTREAM, [alert({ alertname: 'test' })], {
      issues: [found('OPS-1', 'open')],
    })
    assert.deepEqual(
      open.requests.map(([m, p]) => `${m} ${p}`),
      ['POST /search', 'PUT /issue/OPS-1']
    )
    const noName = await run(
      { ...UPSTREAM, resolve_transition: '' },
      [alert({ alertname: 'test' }, true)],
      { issues: [found('OPS-1', 'open')] }
    )
    assert.equal(noName.error, undefined)
    assert.deepEqual(
      noName.requests.map(([m, p]) => `${m} ${p}`),
      ['POST /search', 'PUT /issue/OPS-1']
    )
    // An issue found without a status is updated, never moved.
    const noStatus = await run(UPSTREAM, [alert({ alertname: 'test' })], {
      issues: [{ key: 'OPS-1' }],
    })
    assert.deepEqual(
      noStatus.requests.map(([m, p]) => `${m} ${p}`),
      ['POST /search', 'PUT /issue/OPS-1']
    )
  })

  it('takes the first of several issues found, with upstream warning', async () => {
    const { log, records } = capture('warn')
    const { requests } = await run(
      UPSTREAM,
      [alert({ alertname: 'test' })],
      { issues: [found('OPS-9', 'open'), found('OPS-8', 'done')] },
      { log }
    )
    assert.equal(requests[1]?.[1], '/issue/OPS-9')
    assert.deepEqual(
      records.map((r) => [r['msg'], r['selected_issue']]),
      [['more than one issue matched, selecting the most recently resolved', 'OPS-9']]
    )
  })

  it('sends Content-Type, Accept-Language, the User-Agent and http_config auth on every request', async () => {
    const { raw } = await run(
      {
        ...UPSTREAM,
        http_config: httpConfig({ basic_auth: { username: 'u', password: 'p' } }),
      },
      [alert({ alertname: 'test' })],
      { issues: [found('OPS-1', 'done')], transitions: { 'OPS-1': [{ id: '1', name: 'REOPEN' }] } }
    )
    assert.equal(raw.length, 4)
    for (const r of raw) {
      assert.equal(r.headers['content-type'], 'application/json')
      assert.equal(r.headers['accept-language'], 'en')
      assert.equal(r.headers['user-agent'], UA)
      assert.equal(r.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`)
    }
    // Go sends a GET without a body.
    assert.equal(raw[2]?.headers['content-length'], undefined)
  })

  it('fails on a search answer that is not JSON, with json.Unmarshal message', async () => {
    const server = await listen((_req, res) => {
      res.writeHead(200).end('<html>login</html>')
    })
    const n = notifier(jiraConfig({ ...UPSTREAM, api_url: server.origin }))
    try {
      await assert.rejects(n.notify(flush(), [alert({ alertname: 'test' })]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(
          err.message,
          "failed to look up existing issues: invalid character '<' looking for beginning of value"
        )
        assert.equal(err.retryable, false)
        return true
      })
    } finally {
      await n.close()
      await server.close()
    }
  })

  it('joins paths onto an api_url with a path, keeping its query', async () => {
    const seen: string[] = []
    const client = fakeClient(seen, '{"issues":[]}')
    const n = notifier(
      jiraConfig({ ...UPSTREAM, api_url: 'https://jira.example.com/jira/rest/api/2/?x=1' }),
      { httpClient: client }
    )
    await n.notify(flush(), [alert({ alertname: 'test' })])
    assert.deepEqual(seen, [
      'POST https://jira.example.com/jira/rest/api/2/search?x=1',
      'POST https://jira.example.com/jira/rest/api/2/issue?x=1',
    ])
  })
})

/** fakeClient records `METHOD url` and answers every request with 200 and `body`. */
function fakeClient(seen: string[], body: string, bodies: string[] = []): HttpClient {
  return {
    post(url, payload, _headers, _signal, method = 'POST'): Promise<HttpResponse> {
      seen.push(`${method} ${url}`)
      bodies.push(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'))
      return Promise.resolve({ status: 200, headers: {}, body })
    },
    close: () => Promise.resolve(),
  }
}

describe('JiraNotifier (TestSearchExistingIssue)', () => {
  const cases: readonly (readonly [string, Partial<JiraConfig>, boolean, string])[] = [
    [
      'search existing issue with project template for firing alert',
      { project: '{{ .CommonLabels.project }}' },
      true,
      jql('statusCategory != Done and ', 'PROJ'),
    ],
    [
      'search existing issue with reopen duration for firing alert',
      {
        project: '{{ .CommonLabels.project }}',
        reopen_duration: HOUR,
        reopen_transition: 'REOPEN',
      },
      true,
      jql('(resolutiondate is EMPTY OR resolutiondate >= -60m) and ', 'PROJ'),
    ],
    [
      'search existing issue for resolved alert',
      { project: '{{ .CommonLabels.project }}' },
      false,
      jql('statusCategory != Done and ', 'PROJ'),
    ],
    [
      'search existing issue with wont_fix_resolution includes unresolved issues',
      { project: '{{ .CommonLabels.project }}', wont_fix_resolution: "Won't Do" },
      true,
      jql(
        `(resolution is EMPTY or resolution != "Won't Do") and statusCategory != Done and `,
        'PROJ'
      ),
    ],
    // Not upstream's: a reopen duration below a minute counts as none, and without a reopen
    // transition the duration is ignored.
    [
      'search with a reopen duration under a minute',
      { project: 'P', reopen_duration: 59_000, reopen_transition: 'REOPEN' },
      true,
      jql('statusCategory != Done and ', 'P'),
    ],
    [
      'search with a reopen duration but no reopen transition',
      { project: 'P', reopen_duration: HOUR },
      true,
      jql('statusCategory != Done and ', 'P'),
    ],
  ]
  for (const [title, config, firing, expected] of cases) {
    it(title, async () => {
      const { requests, error } = await run(
        {
          summary: { template: JIRA_DEFAULTS.summary },
          description: { template: JIRA_DEFAULTS.description },
          ...config,
        },
        [alert({ project: 'PROJ' }, !firing)]
      )
      assert.equal(error, undefined)
      assert.deepEqual(requests[0], ['POST', '/search', goSearch(expected)])
    })
  }
})

describe('JiraNotifier (TestPrepareSearchRequest)', () => {
  const cases: readonly (readonly [string, JiraConfig['api_type'], string, string])[] = [
    [
      'cloud API type',
      'cloud',
      'https://example.atlassian.net/rest/api/2',
      'https://example.atlassian.net/rest/api/3/search/jql',
    ],
    [
      'auto API type with atlassian.net url',
      'auto',
      'https://example.atlassian.net/rest/api/2',
      'https://example.atlassian.net/rest/api/3/search/jql',
    ],
    [
      'auto API type without atlassian.net url',
      'auto',
      'https://jira.example.com/rest/api/2',
      'https://jira.example.com/rest/api/2/search',
    ],
    [
      'atlassian.net URL suffix but datacenter api type',
      'datacenter',
      'https://example.atlassian.net/rest/api/2',
      'https://example.atlassian.net/rest/api/2/search',
    ],
    [
      'datacenter API type',
      'datacenter',
      'https://jira.example.com/rest/api/2',
      'https://jira.example.com/rest/api/2/search',
    ],
  ]
  for (const [title, apiType, apiURL, expected] of cases) {
    it(title, async () => {
      const seen: string[] = []
      const bodies: string[] = []
      const jqlText = `project="OPS" and labels="${LABEL}"`
      const n = notifier(
        jiraConfig({ ...UPSTREAM, wont_fix_resolution: '', api_type: apiType, api_url: apiURL }),
        {
          httpClient: fakeClient(seen, '{"issues":[]}', bodies),
        }
      )
      await n.notify(flush(), [alert({ alertname: 'test' }, true)])
      assert.deepEqual(seen, [`POST ${expected}`])
      assert.equal(
        bodies[0],
        goSearch(`statusCategory != Done and ${jqlText} order by status ASC,resolutiondate DESC`)
      )
    })
  }
})

describe('JiraNotifier (TestJiraTemplating)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jira-'))
  const hostTemplate = join(dir, 'host.tmpl')
  writeFileSync(hostTemplate, '{{ define "jira.host" }}{{ .CommonLabels.hostname }}{{ end }}')
  const withHost = AlertTemplate.fromGlobs([hostTemplate])
  const defaults = {
    summary: { template: JIRA_DEFAULTS.summary },
    description: { template: JIRA_DEFAULTS.description },
  }
  const cases: readonly (readonly [string, Partial<JiraConfig>, string | undefined])[] = [
    ['template project', { ...defaults, project: '{{ .CommonLabels.lbl1 }}' }, undefined],
    ['template issue type', { ...defaults, issue_type: '{{ .CommonLabels.lbl1 }}' }, undefined],
    [
      'summary with templating errors',
      { summary: { template: '{{ ' } },
      'summary template: template: :1: unclosed action',
    ],
    [
      'description with templating errors',
      { summary: defaults.summary, description: { template: '{{ ' } },
      'description template: template: :1: unclosed action',
    ],
    [
      'priority with templating errors',
      { ...defaults, priority: '{{ ' },
      'priority template: template: :1: unclosed action',
    ],
    // Not upstream's: the project renders first, in the search.
    [
      'project with templating errors',
      { ...defaults, project: '{{ .Nope.X }}' },
      'failed to look up existing issues: invalid project template or value: template: :1:8: executing "" at <.Nope.X>: can\'t evaluate field Nope in type *template.Data',
    ],
  ]
  const alerts = [alert({ lbl1: 'val1', hostname: 'host1.example.com' })]

  it('full-blown message with templated custom field', async () => {
    const { requests, error } = await run(
      { ...defaults, fields: { customfield_14400: '{{ template "jira.host" . }}' } },
      alerts,
      {},
      { template: withHost }
    )
    assert.equal(error, undefined)
    const body = JSON.parse(requests[1]?.[2] ?? '{}') as { fields: Record<string, unknown> }
    assert.equal(body.fields['customfield_14400'], 'host1.example.com')
  })

  for (const [title, config, message] of cases) {
    it(title, async () => {
      const { requests, error } = await run(config, alerts)
      if (message === undefined) {
        assert.equal(error, undefined)
        const body = JSON.parse(requests[1]?.[2] ?? '{}') as {
          fields: { project: { key: string }; issuetype: { name: string } }
        }
        assert.ok(body.fields.project.key === 'val1' || body.fields.issuetype.name === 'val1')
      } else {
        assert.ok(error instanceof NotifyError, String(error))
        assert.equal(error.message, message)
        assert.equal(error.retryable, false)
      }
    })
  }
})

describe('the jira.default.priority template (TestJiraPriority)', () => {
  const cases: readonly (readonly [string, readonly Alert[], string])[] = [
    ['empty', [alert({ alertname: 'test', instance: 'vm1' })], ''],
    ['critical', [alert({ alertname: 'test', instance: 'vm1', severity: 'critical' })], 'High'],
    ['warning', [alert({ alertname: 'test', instance: 'vm1', severity: 'warning' })], 'Medium'],
    ['info', [alert({ alertname: 'test', instance: 'vm1', severity: 'info' })], 'Low'],
    [
      'critical+warning+info',
      ['critical', 'warning', 'info'].map((severity) =>
        alert({ alertname: 'test', instance: 'vm1', severity })
      ),
      'High',
    ],
    [
      'warning+info',
      ['warning', 'info'].map((severity) =>
        alert({ alertname: 'test', instance: 'vm1', severity })
      ),
      'Medium',
    ],
    [
      'critical(resolved)+warning+info',
      [
        alert({ alertname: 'test', instance: 'vm1', severity: 'critical' }, true),
        alert({ alertname: 'test', instance: 'vm1', severity: 'warning' }),
        alert({ alertname: 'test', instance: 'vm1', severity: 'info' }),
      ],
      'Medium',
    ],
  ]
  for (const [title, alerts, expected] of cases) {
    it(title, () => {
      const data = TEMPLATE.data('jira', {}, alerts, NOW)
      assert.equal(
        TEMPLATE.executeTextString('{{ template "jira.default.priority" . }}', data),
        expected
      )
    })
  }
})

describe('JiraNotifier (TestPrepareIssueRequestBodyAPIv3DescriptionValidation)', () => {
  const v3 = {
    ...UPSTREAM,
    wont_fix_resolution: '',
    labels: ['alertmanager'],
    api_url: 'https://example.atlassian.net/rest/api/3',
  }
  it('valid JSON description: sent as ADF, compacted', async () => {
    const adf =
      '{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"hello"}]}]}'
    const bodies: string[] = []
    const n = notifier(
      jiraConfig({ ...v3, description: { template: `  ${adf.replace(',', ' ,\n ')}\n` } }),
      {
        httpClient: fakeClient([], '{"issues":[]}', bodies),
      }
    )
    await n.notify(flush(), [alert({ alertname: 'test', instance: 'vm1', severity: 'critical' })])
    assert.equal(
      bodies[1],
      goIssue({
        summary: '[FIRING:1] test (vm1 critical)',
        description: { adf },
        issuetype: 'Incident',
        labels: [LABEL, 'alertmanager'],
        project: 'OPS',
        priority: 'High',
      })
    )
  })

  it('invalid JSON description: refused before sending', async () => {
    const seen: string[] = []
    const n = notifier(jiraConfig({ ...v3, description: { template: 'not-json' } }), {
      httpClient: fakeClient(seen, '{"issues":[]}'),
    })
    await assert.rejects(n.notify(flush(), [alert({ alertname: 'test' })]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.message, 'description template: invalid JSON for API v3')
      assert.equal(err.retryable, false)
      return true
    })
    // Only the search went out; the cloud host searches v3's search/jql.
    assert.deepEqual(seen, ['POST https://example.atlassian.net/rest/api/3/search/jql'])
  })

  it('a blank v3 description is left out', async () => {
    const bodies: string[] = []
    const n = notifier(jiraConfig({ ...v3, description: { template: ' \n ' } }), {
      httpClient: fakeClient([], '{"issues":[]}', bodies),
    })
    await n.notify(flush(), [alert({ alertname: 'test' })])
    assert.ok(!(bodies[1] ?? '').includes('"description"'), bodies[1])
  })
})
