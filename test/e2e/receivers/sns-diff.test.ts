// SNS side by side with Alertmanager 0.25 (which publishes through aws-sdk-go v1): the Publish
// requests (path, Content-Type, User-Agent, the Query-protocol form body byte for byte) match
// for a topic, a FIFO topic, an SMS cut to 1600 bytes, a target ARN without subject, a message
// cut to 256 KiB in the middle of a rune, a template failing half-way and a custom template
// file; groups of 1 and 60 alerts with unicode, quotes and HTML; firing, then resolved.
//
// Differences that exist by nature: X-Amz-Date is the instant of signing, and the Signature in
// Authorization follows from it. Both sides' signatures are checked instead against the
// secret key with an independent SigV4 implementation (test/support/sigv4.ts); the rest of
// Authorization (key, date, region, service, signed headers) must be the same.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { assertSameNotificationMetrics } from '../../support/notification-metrics.js'
import { assertSameShownConfig } from '../../support/shown-config.js'
import { assertSameRequest, sideBySideForSuite } from '../../support/side-by-side.js'
import type { CapturedRequest, Reply, Side } from '../../support/side-by-side.js'
import { parseAuthorization, signatureIsValid } from '../../support/sigv4.js'
import { waitFor } from '../../support/wait.js'

import { oneAndSixty } from './alerts.js'
import { assertSameFailureLogged, fanOutRoutes } from './by-path.js'

const ACCESS_KEY = 'AKIDEXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SIGV4 = `{region: eu-west-1, access_key: ${ACCESS_KEY}, secret_key: '${SECRET_KEY}'}`

/** HEADERS are those that must match; X-Amz-Date and the signature differ by nature. */
const HEADERS = ['content-type', 'user-agent', 'content-length']

const CUSTOM_TMPL = `{{ define "sns.custom.subject" }}{{ .Status | toUpper }} <{{ .CommonLabels.alertname }}> "{{ len .Alerts }}"{{ end }}
{{ define "sns.custom.message" }}{{ range .Alerts }}{{ .Labels.instance }} « {{ .Labels.note }} » {{ .Annotations.summary }}
{{ end }}{{ end }}
{{ define "sns.huge" }}x{{ range .Alerts }}{{ range $.Alerts }}{{ range $.Alerts }}é{{ end }}{{ end }}{{ end }}{{ end }}
{{ define "sns.broken" }}{{ len .Alerts }} alerts, {{ index .Alerts.Firing 5 }}{{ end }}`

// Every receiver names its group in an attribute, so requests are paired by path and group.
const GROUP = `group: '{{ .GroupLabels.alertname }}'`

const CONFIG = `
templates: ['custom.tmpl']
${fanOutRoutes(['topic', 'fifo', 'sms', 'target', 'huge', 'broken'], { wait: '3s', interval: '3s', repeat: '1h' })}
receivers:
  - name: topic
    sns_configs:
      - api_url: '{{CAPTURE}}/topic'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts'
        attributes: {${GROUP}, severity: 'crit & "high" <b>', 'é key': 'ü value'}
  - name: fifo
    sns_configs:
      - api_url: '{{CAPTURE}}/fifo/'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:{{ "alerts" }}.fifo'
        subject: '{{ template "sns.custom.subject" . }}'
        message: '{{ template "sns.custom.message" . }}'
        attributes: {${GROUP}}
  - name: sms
    sns_configs:
      - api_url: '{{CAPTURE}}/sms'
        sigv4: ${SIGV4}
        phone_number: '+15555550100'
        message: '{{ template "sns.custom.message" . }}'
        attributes: {${GROUP}}
  - name: target
    sns_configs:
      - api_url: '{{CAPTURE}}/target?dropped=1'
        sigv4: ${SIGV4}
        target_arn: 'arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/app/id'
        subject: ''
        attributes: {${GROUP}}
  - name: huge
    sns_configs:
      - api_url: '{{CAPTURE}}/huge'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:huge'
        message: '{{ template "sns.huge" . }}'
        attributes: {${GROUP}}
  - name: broken
    sns_configs:
      - api_url: '{{CAPTURE}}/broken'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:broken'
        message: 'before {{ template "sns.broken" . }} after'
        attributes: {${GROUP}}
`

/** PUBLISHED is SNS's answer to Publish, which aws-sdk-go reads the message id from. */
const PUBLISHED = `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>
  </ResponseMetadata>
</PublishResponse>`

const ok = (): Reply => ({ status: 200, body: PUBLISHED, headers: { 'content-type': 'text/xml' } })

/** rawField is one form field's value as bytes (a cut rune stays two lone bytes). */
function rawField(request: CapturedRequest, name: string): Buffer {
  const pair = request.body
    .toString('latin1')
    .split('&')
    .find((p) => p.startsWith(`${name}=`))
  const value = (pair ?? '').slice(name.length + 1).replaceAll('+', ' ')
  return Buffer.from(
    value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1'
  )
}

/** form reads a captured Publish body. */
function form(request: CapturedRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('latin1'))
}

/** key names a request by path and group (the `group` attribute). */
function key(request: CapturedRequest): string {
  const values = form(request)
  let group = ''
  for (let i = 1; values.has(`MessageAttributes.entry.${i}.Name`); i++) {
    if (values.get(`MessageAttributes.entry.${i}.Name`) === 'group') {
      group = values.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? ''
    }
  }
  return `${request.path} ${group}`
}

/**
 * assertSamePublishes pairs the requests by path and group (groups flush concurrently), and
 * compares each pair: method, path, the headers that must match, the body byte for byte, the
 * Authorization header but for its signature, and both signatures against the secret key.
 */
function assertSamePublishes(am: readonly CapturedRequest[], mesh: readonly CapturedRequest[]) {
  const byKey = (requests: readonly CapturedRequest[]) => new Map(requests.map((r) => [key(r), r]))
  const [amByKey, meshByKey] = [byKey(am), byKey(mesh)]
  assert.equal(amByKey.size, am.length, 'Alertmanager published a group twice')
  assert.deepEqual([...meshByKey.keys()].sort(), [...amByKey.keys()].sort())
  for (const [name, a] of amByKey) {
    const m = meshByKey.get(name) as CapturedRequest
    assertSameRequest(a, m, HEADERS, name)
    const { signature: _a, ...amAuth } = parseAuthorization(String(a.headers.authorization))
    const { signature: _m, ...meshAuth } = parseAuthorization(String(m.headers.authorization))
    assert.deepEqual(meshAuth, amAuth, `${name}: Authorization but its signature`)
    assert.ok(signatureIsValid(a, SECRET_KEY), `${name}: Alertmanager's signature`)
    assert.ok(signatureIsValid(m, SECRET_KEY), `${name}: alertmesh's signature`)
    assert.match(String(m.headers['x-amz-date']), /^\d{8}T\d{6}Z$/)
  }
}

describe('side by side with Alertmanager 0.25: sns', { timeout: 180_000 }, () => {
  const run = sideBySideForSuite({
    config: CONFIG,
    templates: { 'custom.tmpl': CUSTOM_TMPL },
    reply: ok,
  })

  it('shows the same config, the secret key as <secret>', async () => {
    const shown = await assertSameShownConfig(run())
    assert.ok(shown.includes('secret_key: <secret>'), shown)
  })

  it('sends the same Publish requests, firing and then resolved', async () => {
    const firing = oneAndSixty(new Date().toISOString())
    await run().post(firing)
    // Six receivers, two groups each.
    const [firingAm, firingMesh] = await run().waitForRequests(12)
    assertSamePublishes(firingAm, firingMesh)

    const one = (path: string, group: string) =>
      firingAm.find((r) => key(r) === `${path} ${group}`) as CapturedRequest
    // The SMS is cut to 1600 bytes and flagged with the `truncated` attribute.
    assert.equal(rawField(one('/sms/', 'Many'), 'Message').length, 1600)
    assert.ok(one('/sms/', 'Many').body.includes('Name=truncated'))
    // The huge message is cut to 256 KiB in the middle of an é.
    const huge = one('/huge/', 'Many').body.toString('latin1')
    assert.ok(huge.includes(`Message=x${'%C3%A9'.repeat(131_071)}%C3&`))
    // A FIFO topic carries the group key's hash; the target has no Subject; the query is gone.
    assert.match(one('/fifo/', 'Many').body.toString(), /MessageGroupId=[0-9a-f]{64}&/)
    assert.ok(!one('/target/', 'Many').body.includes('Subject='))
    // The broken template sends what it wrote before failing.
    // The broken template (the group of 1 has no sixth alert) sends what it wrote before
    // failing, and the subject rendered after it is empty.
    const broken = one('/broken/', 'Disk<&>').body.toString()
    assert.ok(broken.includes('Message=before+1+alerts%2C+&'), broken)
    assert.ok(broken.includes('&Subject=&'), broken)

    const endsAt = new Date(Date.now() - 1000).toISOString()
    await run().post(firing.map((a) => ({ ...a, endsAt })))
    const [am, mesh] = await run().waitForRequests(24)
    assertSamePublishes(am.slice(12), mesh.slice(12))
    await assertSameNotificationMetrics(run(), 'sns', { notifications: 24, failed: 0 })
  })
})

// SNS's errors come back as XML; 0.25 hands the AWS message to Retrier.Check, so a 400 is
// final and logged with the message, on both sides.
const ERROR_CONFIG = `
route:
  receiver: fail
  group_by: [alertname]
  routes:
    - {matchers: [alertname="B"], receiver: unavailable}
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: fail
    sns_configs:
      - api_url: '{{CAPTURE}}/fail'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts'
  - name: unavailable
    sns_configs:
      - api_url: '{{CAPTURE}}/unavailable'
        sigv4: ${SIGV4}
        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts'
`

const INVALID = `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidParameter</Code>
    <Message>Invalid parameter: TopicArn &lt;x&gt; &amp; "y"</Message>
  </Error>
  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
</ErrorResponse>`

describe('side by side with Alertmanager 0.25: sns errors', { timeout: 180_000 }, () => {
  const unavailableSeen = new Map<string, number>()
  const run = sideBySideForSuite({
    config: ERROR_CONFIG,
    // /unavailable answers 500 to each side's first four requests (one attempt: the call and
    // the SDK's three retries) and accepts the fifth (the retry stage's second attempt). The
    // sides are told apart by the Host header: each has its own capture server.
    reply: (request) => {
      if (!request.path.startsWith('/unavailable')) {
        return { status: 400, body: INVALID, headers: { 'content-type': 'text/xml' } }
      }
      const host = request.headers.host ?? ''
      const seen = (unavailableSeen.get(host) ?? 0) + 1
      unavailableSeen.set(host, seen)
      return seen <= 4 ? { status: 500, body: '' } : ok()
    },
  })

  it('gives up on a 400 and logs the AWS message, as 0.25', async () => {
    await run().post([{ labels: { alertname: 'A' }, startsAt: new Date().toISOString() }])
    await assertSameFailureLogged(
      run(),
      'unexpected status code 400: Invalid parameter: TopicArn <x> & "y"'
    )
    const fail = (side: Side) => side.capture.requests.filter((r) => r.path === '/fail/')
    assertSamePublishes(fail(run().am).slice(0, 1), fail(run().mesh).slice(0, 1))
    await assertSameNotificationMetrics(run(), 'sns', { notifications: 1, failed: 1 })
    assert.equal(fail(run().am).length, 1)
    assert.equal(fail(run().mesh).length, 1)
  })

  // aws-sdk-go retries a 5xx three times within one Publish call (30 ms × 2ⁿ apart), before
  // 0.25's own retry stage sees the error: both sides send four requests for the first attempt.
  it('sends a 5xx three retries within one attempt, as aws-sdk-go does', async () => {
    const unavailable = (side: Side) =>
      side.capture.requests.filter((r) => r.path === '/unavailable/')
    await run().post([{ labels: { alertname: 'B' }, startsAt: new Date().toISOString() }])
    // A side logs the 500 only once its first attempt is over: four requests by then (five if
    // the retry stage's second attempt has already begun), where without the SDK's own
    // retries there would be one. The second attempt's request is accepted, and no more come.
    const atFirstFailure: number[] = []
    for (const side of [run().am, run().mesh]) {
      await waitFor(`${side.name} logging the 500`, () =>
        side.node.output.includes('unexpected status code 500') ? true : undefined
      )
      atFirstFailure.push(unavailable(side).length)
      await waitFor(`${side.name}'s fifth request`, () => unavailable(side).length >= 5)
    }
    assert.ok(
      atFirstFailure.every((n) => n === 4 || n === 5),
      `requests when the 500 was first logged: ${atFirstFailure.join(', ')}`
    )
    assert.deepEqual([unavailable(run().am).length, unavailable(run().mesh).length], [5, 5])
    const am = unavailable(run().am)
    const mesh = unavailable(run().mesh)
    for (let i = 0; i < 5; i++) {
      assertSamePublishes(am.slice(i, i + 1), mesh.slice(i, i + 1))
    }
  })
})
