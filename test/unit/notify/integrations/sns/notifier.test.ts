import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type { SNSConfig } from '#src/notify/integrations/sns/index.js'
import {
  NO_CREDENTIALS,
  publishURL,
  REGION_MISSING,
  SNS_CONTENT_TYPE,
  SNS_USER_AGENT,
  SNSNotifier,
} from '#src/notify/integrations/sns/index.js'

import { parseAuthorization, signatureIsValid } from '../../../../support/sigv4.js'
import { httpConfig, listen } from '../../http/servers.js'
import type { Recorded, Running } from '../../http/servers.js'
import { capture, context, FIRING } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const ACCESS_KEY = 'AKIDEXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const PUBLISHED =
  '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>'

function snsConfig(apiURL: string, overrides: Partial<SNSConfig> = {}): SNSConfig {
  return {
    send_resolved: true,
    http_config: httpConfig(),
    api_url: apiURL,
    sigv4: { region: 'eu-west-1', access_key: ACCESS_KEY, secret_key: SECRET_KEY },
    topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
    subject: '{{ template "sns.default.subject" . }}',
    message: '{{ template "sns.default.message" . }}',
    ...overrides,
  }
}

const noSleep = (): Promise<void> => Promise.resolve()

function notifier(
  apiURL: string,
  overrides: Partial<SNSConfig> = {},
  options: { env?: Record<string, string>; stsURL?: string } = {}
) {
  const { records, log } = capture('debug')
  const template = AlertTemplate.fromGlobs([])
  const n = new SNSNotifier({
    config: snsConfig(apiURL, overrides),
    template: () => template,
    log,
    env: options.env ?? {},
    sleep: noSleep,
    ...(options.stsURL === undefined ? {} : { stsURL: options.stsURL }),
  })
  return { notifier: n, records }
}

/** signed is a recorded request in the shape the SigV4 check reads. */
const signed = (r: Recorded) => ({ ...r, path: r.url })

/** field reads one form field's raw bytes from a Publish body. */
function field(r: Recorded, name: string): Buffer | undefined {
  const pair = r.body
    .toString('latin1')
    .split('&')
    .find((p) => p.startsWith(`${name}=`))
  if (pair === undefined) {
    return undefined
  }
  const value = pair.slice(name.length + 1).replaceAll('+', ' ')
  return Buffer.from(
    value.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1'
  )
}

// SNS answers with XML, so a non-XML error body gives no details: 0.25's error is the bare
// `unexpected status code`. 429 is final for the Retrier (the SDK retried it already).
runNotifierConformance({
  name: 'sns',
  build: (url) => notifier(url).notifier,
  retryCodes: [],
  okBody: PUBLISHED,
  statusErrorQuotesURL: false,
  secrets: [SECRET_KEY],
  messages: { status: (code) => `unexpected status code ${code}` },
})

describe('SNSNotifier', () => {
  let server: Running
  let answer: (r: Recorded) => { status: number; body: string } = () => ({
    status: 200,
    body: PUBLISHED,
  })
  before(async () => {
    server = await listen((req, res) => {
      const { status, body } = answer(req)
      res.writeHead(status, { 'content-type': 'text/xml' }).end(body)
    })
  })
  beforeEach(() => {
    server.requests.length = 0
    answer = () => ({ status: 200, body: PUBLISHED })
  })
  after(() => server.close())

  it('POSTs the SigV4-signed Publish form to api_url + "/", as aws-sdk-go does', async () => {
    const { notifier: n, records } = notifier(`${server.origin}/sns?dropped=1`)
    await n.notify(context(), [FIRING])
    const [request] = server.requests
    assert.ok(request !== undefined)
    assert.equal(request.method, 'POST')
    assert.equal(request.url, '/sns/')
    assert.equal(request.headers['content-type'], SNS_CONTENT_TYPE)
    assert.equal(request.headers['user-agent'], SNS_USER_AGENT)
    assert.match(String(request.headers['x-amz-date']), /^\d{8}T\d{6}Z$/)
    const auth = parseAuthorization(String(request.headers.authorization))
    assert.equal(auth.accessKey, ACCESS_KEY)
    assert.equal(auth.region, 'eu-west-1')
    assert.equal(auth.service, 'sns')
    assert.deepEqual(auth.signedHeaders, ['content-length', 'content-type', 'host', 'x-amz-date'])
    // Checked with the secret key by an implementation of AWS's algorithm, not by aws4.
    assert.ok(signatureIsValid(signed(request), SECRET_KEY))
    assert.ok(!signatureIsValid(signed(request), `${SECRET_KEY}x`))
    const body = request.body.toString()
    assert.ok(body.startsWith('Action=Publish&Message='), body)
    assert.ok(body.includes('&MessageAttributes=&Subject=%5BFIRING%3A1%5D+A+&'), body)
    assert.ok(
      body.endsWith(
        '&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aalerts&Version=2010-03-31'
      )
    )
    assert.ok(
      records.some(
        (r) => r['msg'] === 'SNS message successfully published' && r['message_id'] === 'm-1'
      )
    )
  })

  it('gives a FIFO topic the group key hash as group and deduplication ids', async () => {
    const topic = 'arn:aws:sns:eu-west-1:1:t.fifo'
    await notifier(server.origin, { topic_arn: topic }).notifier.notify(context(), [FIRING])
    const hash = createHash('sha256').update(context().groupKey).digest('hex')
    const [request] = server.requests
    assert.ok(request !== undefined)
    assert.equal(field(request, 'MessageGroupId')?.toString(), hash)
    assert.equal(field(request, 'MessageDeduplicationId')?.toString(), hash)
  })

  // Limits in bytes, cut anywhere (0.25 copies bytes), with the `truncated` attribute.
  const limits = [
    ['an SMS at 1600 bytes', { topic_arn: '', phone_number: '+15555550100' }, 1600],
    ['a topic message at 256 KiB', {}, 262_144],
  ] as const
  for (const [what, overrides, limit] of limits) {
    it(`cuts ${what}, even inside a rune, and flags it`, async () => {
      const message = `x${'é'.repeat(limit)}`
      await notifier(server.origin, { ...overrides, message }).notifier.notify(context(), [FIRING])
      const [request] = server.requests
      assert.ok(request !== undefined)
      const sent = field(request, 'Message')
      assert.equal(sent?.length, limit)
      assert.equal(sent.at(-1), 0xc3)
      assert.equal(field(request, 'MessageAttributes.entry.1.Name')?.toString(), 'truncated')
      assert.equal(
        field(request, 'MessageAttributes.entry.1.Value.StringValue')?.toString(),
        'true'
      )
    })
  }

  it('sorts rendered attributes by name and sends no Subject when it is empty', async () => {
    const attributes = { b: '{{ .Status }}', '{{ "a" }}': 'x y', é: 'ü' }
    await notifier(server.origin, {
      attributes,
      subject: '',
      target_arn: 'arn:t',
      topic_arn: '',
    }).notifier.notify(context(), [FIRING])
    const [request] = server.requests
    assert.ok(request !== undefined)
    const names = [1, 2, 3].map((i) =>
      field(request, `MessageAttributes.entry.${i}.Name`)?.toString()
    )
    assert.deepEqual(names, ['a', 'b', 'é'])
    assert.equal(
      field(request, 'MessageAttributes.entry.2.Value.StringValue')?.toString(),
      'firing'
    )
    assert.equal(field(request, 'Subject'), undefined)
    assert.equal(field(request, 'TargetArn')?.toString(), 'arn:t')
  })

  it('sends what a failing template wrote and empties later fields, as 0.25', async () => {
    const { notifier: n, records } = notifier(server.origin, {
      message: 'before {{ index .Alerts 5 }} after',
    })
    await n.notify(context(), [FIRING])
    const [request] = server.requests
    assert.ok(request !== undefined)
    assert.equal(field(request, 'Message')?.toString(), 'before ')
    assert.equal(field(request, 'Subject')?.toString(), '')
    assert.ok(records.some((r) => r['msg'] === 'Failed to render a field'))
  })

  // Error answers: Retrier.Check with the AWS message from the XML.
  const errors = [
    [
      'a 400 with the AWS message',
      400,
      '<ErrorResponse><Error><Code>InvalidParameter</Code><Message> bad &amp; &lt;x&gt; </Message></Error></ErrorResponse>',
      'unexpected status code 400: bad & <x>',
      false,
      1,
    ],
    [
      'a 403 whose body is not XML',
      403,
      '<html>denied</html>',
      'unexpected status code 403: failed to unmarshal error message',
      false,
      1,
    ],
    ["a 500, after the SDK's three retries", 500, '', 'unexpected status code 500', true, 4],
    ["a 429, after the SDK's three retries", 429, '', 'unexpected status code 429', false, 4],
    [
      "a throttled 400, after the SDK's three retries",
      400,
      '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
      'unexpected status code 400: Rate exceeded',
      false,
      4,
    ],
    [
      'a 503 ServiceUnavailableException',
      503,
      '<ServiceUnavailableException/>',
      'unexpected status code 503: service is unavailable',
      true,
      4,
    ],
  ] as const
  for (const [what, status, body, message, retryable, requests] of errors) {
    it(`fails on ${what}`, async () => {
      answer = () => ({ status, body })
      await assert.rejects(notifier(server.origin).notifier.notify(context(), [FIRING]), (err) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.message, message)
        assert.equal(err.retryable, retryable)
        return true
      })
      assert.equal(server.requests.length, requests)
    })
  }

  it('fails, retryably, without a region anywhere; AWS_REGION is one', async () => {
    const sigv4 = { access_key: ACCESS_KEY, secret_key: SECRET_KEY }
    await assert.rejects(notifier(server.origin, { sigv4 }).notifier.notify(context(), [FIRING]), {
      message: REGION_MISSING,
    })
    await notifier(server.origin, { sigv4 }, { env: { AWS_REGION: 'us-east-2' } }).notifier.notify(
      context(),
      [FIRING]
    )
    assert.equal(
      parseAuthorization(String(server.requests[0]?.headers.authorization)).region,
      'us-east-2'
    )
  })

  it('fails, retryably, without credentials anywhere', async () => {
    const env = { HOME: await mkdtemp(join(tmpdir(), 'sns-home-')) }
    await assert.rejects(
      notifier(server.origin, { sigv4: { region: 'eu-west-1' } }, { env }).notifier.notify(
        context(),
        [FIRING]
      ),
      (err) => err instanceof NotifyError && err.retryable && err.message === NO_CREDENTIALS
    )
    assert.equal(server.requests.length, 0)
  })

  it('signs with AWS_* variables, the session token included', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'tok',
    }
    await notifier(server.origin, { sigv4: { region: 'eu-west-1' } }, { env }).notifier.notify(
      context(),
      [FIRING]
    )
    const [request] = server.requests
    assert.ok(request !== undefined)
    assert.equal(request.headers['x-amz-security-token'], 'tok')
    assert.ok(
      parseAuthorization(String(request.headers.authorization)).signedHeaders.includes(
        'x-amz-security-token'
      )
    )
    assert.ok(signatureIsValid(signed(request), 'env-secret'))
  })

  it('signs with a profile from the shared credentials file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sns-aws-'))
    const file = join(dir, 'credentials')
    await writeFile(
      file,
      '[default]\naws_access_key_id = AKDEF\naws_secret_access_key = def\n\n[ops]\naws_access_key_id = AKOPS\naws_secret_access_key = ops-secret\n'
    )
    const env = {
      AWS_SHARED_CREDENTIALS_FILE: file,
      AWS_ACCESS_KEY_ID: 'AKENV',
      AWS_SECRET_ACCESS_KEY: 'env',
    }
    // An explicit profile reads the file before the environment, as aws-sdk-go does.
    await notifier(
      server.origin,
      { sigv4: { region: 'eu-west-1', profile: 'ops' } },
      { env }
    ).notifier.notify(context(), [FIRING])
    const [request] = server.requests
    assert.ok(request !== undefined)
    assert.equal(parseAuthorization(String(request.headers.authorization)).accessKey, 'AKOPS')
    assert.ok(signatureIsValid(signed(request), 'ops-secret'))
  })

  it('assumes role_arn through STS, signed with the keys, and publishes with the role', async () => {
    const sts = await listen((req, res) => {
      const valid = signatureIsValid(signed(req), SECRET_KEY)
      res
        .writeHead(valid ? 200 : 403, { 'content-type': 'text/xml' })
        .end(
          valid
            ? '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>'
            : '<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error></ErrorResponse>'
        )
    })
    try {
      const sigv4 = {
        region: 'eu-west-1',
        access_key: ACCESS_KEY,
        secret_key: SECRET_KEY,
        role_arn: 'arn:aws:iam::1:role/alerts',
      }
      await notifier(server.origin, { sigv4 }, { stsURL: `${sts.origin}/` }).notifier.notify(
        context(),
        [FIRING]
      )
      const [assume] = sts.requests
      assert.ok(assume !== undefined)
      assert.match(
        assume.body.toString(),
        /^Action=AssumeRole&DurationSeconds=900&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Falerts&RoleSessionName=\d+&Version=2011-06-15$/
      )
      assert.equal(parseAuthorization(String(assume.headers.authorization)).service, 'sts')
      const [request] = server.requests
      assert.ok(request !== undefined)
      assert.equal(parseAuthorization(String(request.headers.authorization)).accessKey, 'ASIAROLE')
      assert.equal(request.headers['x-amz-security-token'], 'role-token')
      assert.ok(signatureIsValid(signed(request), 'role-secret'))
    } finally {
      await sts.close()
    }
  })

  it('builds the endpoint as aws-sdk-go joins it', () => {
    const cases = [
      ['', 'eu-west-1', 'https://sns.eu-west-1.amazonaws.com/'],
      ['sns.example.com', 'x', 'https://sns.example.com/'],
      ['http://h:9/a/b?q=1', 'x', 'http://h:9/a/b/'],
      ['http://h/a/', 'x', 'http://h/a/'],
    ] as const
    for (const [endpoint, region, want] of cases) {
      assert.equal(publishURL(endpoint, region).href, want)
    }
  })
})
