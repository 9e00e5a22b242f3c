// The WeChat notifier's own facts: the token fetched from gettoken, cached for two hours and
// dropped on code 42001; 0.25's reading of both answers (only `code` and `error` count, only
// status 200 is a success); templating errors. The request bytes are proven against 0.25 itself
// in test/e2e/receivers/wechat-diff.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { AlertTemplate, NotifyError } from '#src/notify/index.js'
import type { WechatConfig } from '#src/notify/integrations/wechat/index.js'
import {
  AccessTokenCache,
  WECHAT_TOKEN_TTL_MS,
  WechatNotifier,
} from '#src/notify/integrations/wechat/index.js'

import { closedPort, httpConfig, listen } from '../../http/servers.js'
import type { Recorded, Running } from '../../http/servers.js'
import { capture, context, FIRING, UA } from '../fixtures.js'
import { runNotifierConformance } from '../notifier-conformance.js'

const SECRET = 'api-S3CRET'
const TOKEN = 'ACC3SS-T0KEN'
const OK = '{"errcode":0,"errmsg":"ok"}'

function wechatConfig(apiURL: string, overrides: Partial<WechatConfig> = {}): WechatConfig {
  return {
    send_resolved: false,
    http_config: httpConfig(),
    api_secret: SECRET,
    corp_id: 'corp 1',
    message: '{{ template "wechat.default.message" . }}',
    api_url: apiURL,
    to_user: '{{ template "wechat.default.to_user" . }}',
    to_party: '{{ template "wechat.default.to_party" . }}',
    to_tag: '{{ template "wechat.default.to_tag" . }}',
    agent_id: '{{ template "wechat.default.agent_id" . }}',
    message_type: 'text',
    ...overrides,
  }
}

function notifier(
  apiURL: string,
  overrides: Partial<WechatConfig> = {},
  tokens = new AccessTokenCache()
) {
  const { records, log } = capture('debug')
  const template = AlertTemplate.fromGlobs([])
  const n = new WechatNotifier({
    config: wechatConfig(apiURL, overrides),
    template: () => template,
    log,
    userAgent: UA,
    tokens,
  })
  return { notifier: n, records, tokens }
}

/** withToken is a cache holding a fresh token, so only message/send is exercised. */
function withToken(): AccessTokenCache {
  const tokens = new AccessTokenCache()
  tokens.store(TOKEN)
  return tokens
}

// api_url always ends with `/` (config load appends it); the suite's URL has a query, kept.
runNotifierConformance({
  name: 'wechat',
  build: (url) => {
    const [path = '', query = ''] = url.split('?')
    return notifier(`${path}/?${query}`, {}, withToken()).notifier
  },
  // 0.25 retries every status but 200, 4xx included, and quotes no body.
  retryCodes: [400, 401, 403, 404, 413, 429],
  okBody: OK,
  okStatuses: [200],
  statusErrorQuotesURL: false,
  secrets: [SECRET, TOKEN],
  messages: {
    status: (code) => `unexpected status code ${code}`,
    deadline: 'Post "<redacted>": context deadline exceeded',
    canceled: 'Post "<redacted>": context canceled',
  },
})

interface Answer {
  readonly status: number
  readonly body: string
}

describe('WechatNotifier', () => {
  let server: Running
  // What the server answers to gettoken and to message/send, changed per test.
  let tokenAnswer: Answer = { status: 200, body: `{"access_token":"${TOKEN}","expires_in":7200}` }
  let sendAnswers: Answer[] = []
  before(async () => {
    server = await listen((req, res) => {
      const answer = req.url.includes('/gettoken?')
        ? tokenAnswer
        : (sendAnswers.shift() ?? { status: 200, body: OK })
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  after(() => server.close())

  const api = () => `${server.origin}/cgi-bin/`
  const since = (n: number): Recorded[] => server.requests.slice(n)
  const reset = () => {
    tokenAnswer = { status: 200, body: `{"access_token":"${TOKEN}","expires_in":7200}` }
    sendAnswers = []
  }

  it('fetches a token with GET, then POSTs the message with it', async () => {
    reset()
    const start = server.requests.length
    const { notifier: n } = notifier(api())
    await n.notify(context(), [FIRING])
    const [get, post, ...rest] = since(start)
    assert.equal(rest.length, 0)
    assert.equal(get?.method, 'GET')
    // url.Values.Encode: keys sorted, QueryEscape'd values (space as +).
    assert.equal(get.url, `/cgi-bin/gettoken?corpid=corp+1&corpsecret=${SECRET}`)
    assert.equal(get.headers['user-agent'], UA)
    assert.equal(get.headers['content-type'], undefined)
    assert.equal(get.headers['content-length'], undefined)
    assert.equal(post?.method, 'POST')
    assert.equal(post.url, `/cgi-bin/message/send?access_token=${TOKEN}`)
    assert.equal(post.headers['content-type'], 'application/json')
    assert.equal(post.headers['user-agent'], UA)
    const text = post.body.toString('utf8')
    assert.ok(text.endsWith('}\n'), 'json.Encoder ends with a newline')
    const body = JSON.parse(text) as Record<string, unknown>
    // The empty default recipients are omitted; markdown goes out empty for a text message.
    assert.deepEqual(Object.keys(body), ['text', 'safe', 'msgtype', 'markdown'])
    assert.deepEqual(body['markdown'], { content: '' })
    assert.equal(body['safe'], '0')
    assert.equal(body['msgtype'], 'text')
    assert.match((body['text'] as { content: string }).content, /^\[FIRING:1\] A /)
    await n.close()
  })

  it('sends markdown content, recipients and agent id rendered, in 0.25 key order', async () => {
    reset()
    const start = server.requests.length
    const { notifier: n } = notifier(api(), {
      message_type: 'markdown',
      message: '**{{ .Status }}** <b>&',
      to_user: '{{ .Receiver }}',
      to_party: 'p',
      to_tag: 't',
      agent_id: '1000002',
    })
    await n.notify(context(), [FIRING])
    const text = since(start)[1]?.body.toString('utf8') ?? ''
    assert.equal(
      Object.keys(JSON.parse(text) as object).join(),
      'text,touser,toparty,totag,agentid,safe,msgtype,markdown'
    )
    // Go's HTML escaping in JSON strings.
    assert.ok(text.includes('"markdown":{"content":"**firing** \\u003cb\\u003e\\u0026"}'), text)
    assert.ok(text.startsWith('{"text":{"content":""},"touser":"team",'), text)
    await n.close()
  })

  it('keeps the query of api_url for message/send, and replaces it for gettoken', async () => {
    reset()
    const start = server.requests.length
    const { notifier: n } = notifier(`${server.origin}/cgi-bin/?z=1&b=2&b=1`)
    await n.notify(context(), [FIRING])
    const [get, post] = since(start)
    assert.equal(get?.url, `/cgi-bin/gettoken?corpid=corp+1&corpsecret=${SECRET}`)
    assert.equal(post?.url, `/cgi-bin/message/send?access_token=${TOKEN}&b=2&b=1&z=1`)
    await n.close()
  })

  it('reuses the token for two hours and fetches a new one after', async () => {
    reset()
    let now = 1_000_000
    const tokens = new AccessTokenCache(() => now)
    const { notifier: n } = notifier(api(), {}, tokens)
    const start = server.requests.length
    const methods = () => since(start).map((r) => r.method)
    await n.notify(context(), [FIRING])
    assert.deepEqual(methods(), ['GET', 'POST'])
    // Exactly two hours old is still in use: 0.25 refreshes when older (`>`).
    now += WECHAT_TOKEN_TTL_MS
    await n.notify(context(), [FIRING])
    assert.deepEqual(methods(), ['GET', 'POST', 'POST'])
    now += 1
    tokenAnswer = { status: 200, body: '{"access_token":"NEW"}' }
    await n.notify(context(), [FIRING])
    assert.deepEqual(methods(), ['GET', 'POST', 'POST', 'GET', 'POST'])
    assert.ok(since(start).at(-1)?.url.endsWith('access_token=NEW'))
    await n.close()
  })

  it('drops the token on code 42001 and retries; the next attempt fetches a new one', async () => {
    reset()
    const { notifier: n } = notifier(api())
    const start = server.requests.length
    sendAnswers = [{ status: 200, body: '{"code":42001,"error":"access_token expired"}' }]
    await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.equal(err.message, 'access_token expired')
      assert.equal(err.retryable, true)
      return true
    })
    tokenAnswer = { status: 200, body: '{"access_token":"FRESH"}' }
    await n.notify(context(), [FIRING])
    assert.deepEqual(
      since(start).map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}`),
      ['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send'].concat([
        'GET /cgi-bin/gettoken',
        'POST /cgi-bin/message/send',
      ])
    )
    assert.ok(since(start).at(-1)?.url.endsWith('access_token=FRESH'))
    await n.close()
  })

  // The answers to message/send, read as 0.25 reads them.
  const sendCases: { what: string; answer: Answer; error?: string; retryable?: boolean }[] = [
    // WeChat's own success answer.
    { what: 'errcode 0', answer: { status: 200, body: OK } },
    // 0.25 reads `code`, so WeChat's documented errcode goes unnoticed: a success.
    {
      what: 'errcode 42001 alone',
      answer: { status: 200, body: '{"errcode":42001,"errmsg":"x"}' },
    },
    // JSON null decodes to code 0.
    { what: 'null', answer: { status: 200, body: 'null' } },
    // Any other code is final, with the answer's error as the message.
    {
      what: 'code 40014',
      answer: { status: 200, body: '{"code":40014,"error":"invalid access_token"}' },
      error: 'invalid access_token',
      retryable: false,
    },
    // Keys match case-insensitively, as encoding/json matches them.
    {
      what: 'CODE in capitals',
      answer: { status: 200, body: '{"CODE":1,"Error":"upper"}' },
      error: 'upper',
      retryable: false,
    },
    // Only 200 succeeds; the body is not quoted.
    {
      what: 'a 204',
      answer: { status: 204, body: '' },
      error: 'unexpected status code 204',
      retryable: true,
    },
    {
      what: 'a 400',
      answer: { status: 400, body: OK },
      error: 'unexpected status code 400',
      retryable: true,
    },
    // An answer that is not JSON is retried with encoding/json's error.
    {
      what: 'an empty 200',
      answer: { status: 200, body: '' },
      error: 'unexpected end of JSON input',
      retryable: true,
    },
    {
      what: 'an HTML page',
      answer: { status: 200, body: '<html>' },
      error: "invalid character '<' looking for beginning of value",
      retryable: true,
    },
    {
      what: 'text after the JSON',
      answer: { status: 200, body: '{"code":0} x' },
      error: "invalid character 'x' after top-level value",
      retryable: true,
    },
    {
      what: 'a string code',
      answer: { status: 200, body: '{"code":"1"}' },
      error: 'json: cannot unmarshal string into Go struct field weChatResponse.code of type int',
      retryable: true,
    },
  ]
  for (const c of sendCases) {
    it(`reads ${c.what} from message/send as 0.25 does`, async () => {
      reset()
      sendAnswers = [c.answer]
      const { notifier: n } = notifier(api(), {}, withToken())
      if (c.error === undefined) {
        await n.notify(context(), [FIRING])
      } else {
        await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
          assert.ok(err instanceof NotifyError)
          assert.equal(err.message, c.error)
          assert.equal(err.retryable, c.retryable)
          return true
        })
      }
      await n.close()
    })
  }

  // The answers to gettoken: its status is not looked at, its failures are final.
  const tokenCases: { what: string; answer: Answer; error: string }[] = [
    // No token: 0.25 names the corp_id as configured.
    {
      what: 'an answer without a token',
      answer: { status: 200, body: '{"errcode":40001,"errmsg":"invalid credential"}' },
      error: 'invalid APISecret for CorpID: corp 1',
    },
    // A token-shaped answer with an error status still counts.
    { what: 'an empty 500', answer: { status: 500, body: '' }, error: 'EOF' },
    {
      what: 'an HTML error page',
      answer: { status: 502, body: '<html>bad gateway</html>' },
      error: "invalid character '<' looking for beginning of value",
    },
    {
      what: 'a token that is a number',
      answer: { status: 200, body: '{"access_token":5}' },
      error: 'json: cannot unmarshal number into Go struct field token.access_token of type string',
    },
    {
      what: 'an array',
      answer: { status: 200, body: '[]' },
      error: 'json: cannot unmarshal array into Go value of type wechat.token',
    },
    {
      what: 'a cut answer',
      answer: { status: 200, body: '{"access_token":"x' },
      error: 'unexpected EOF',
    },
  ]
  for (const c of tokenCases) {
    it(`fails for good on ${c.what} from gettoken, sending nothing`, async () => {
      reset()
      tokenAnswer = c.answer
      const start = server.requests.length
      const { notifier: n } = notifier(api())
      await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.equal(err.message, c.error)
        assert.equal(err.retryable, false)
        return true
      })
      assert.deepEqual(
        since(start).map((r) => r.method),
        ['GET']
      )
      await n.close()
    })
  }

  it('uses a token a 500 answer carries, as 0.25 ignores the status', async () => {
    reset()
    tokenAnswer = { status: 500, body: '{"access_token":"odd"} trailing' }
    const start = server.requests.length
    const { notifier: n } = notifier(api())
    await n.notify(context(), [FIRING])
    assert.ok(since(start).at(-1)?.url.endsWith('access_token=odd'))
    await n.close()
  })

  it('retries when gettoken cannot be reached, without the secret', async () => {
    const port = await closedPort()
    const { notifier: n } = notifier(`http://127.0.0.1:${port}/cgi-bin/`)
    await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
      assert.ok(err instanceof NotifyError)
      assert.ok(err.message.startsWith('Get "<redacted>": '), err.message)
      assert.ok(!err.message.includes(SECRET))
      assert.equal(err.retryable, true)
      assert.equal(err.reason, 'connectionError')
      return true
    })
    await n.close()
  })

  it('renders corp_id and api_secret as templates', async () => {
    reset()
    const start = server.requests.length
    const { notifier: n } = notifier(api(), {
      corp_id: 'c-{{ .Receiver }}',
      api_secret: 's-{{ .Status }}',
    })
    await n.notify(context(), [FIRING])
    assert.equal(since(start)[0]?.url, '/cgi-bin/gettoken?corpid=c-team&corpsecret=s-firing')
    await n.close()
  })

  const templateCases = [
    // The secret renders only when a token is fetched.
    { what: 'api_secret', overrides: { api_secret: '{{ template "nope" . }}' } },
    // Message fields fail after the token is fetched.
    { what: 'message', overrides: { message: '{{ template "nope" . }}' } },
    { what: 'to_user', overrides: { to_user: '{{ template "nope" . }}' } },
  ]
  for (const c of templateCases) {
    it(`fails for good on a template error in ${c.what}, with 0.25's prefix`, async () => {
      reset()
      const start = server.requests.length
      const { notifier: n } = notifier(api(), c.overrides)
      await assert.rejects(n.notify(context(), [FIRING]), (err: unknown) => {
        assert.ok(err instanceof NotifyError)
        assert.match(err.message, /^templating error: .*template "?nope"? not defined/)
        assert.equal(err.retryable, false)
        return true
      })
      assert.ok(since(start).every((r) => r.method === 'GET'))
      await n.close()
    })
  }

  it('logs the answer at debug level with the group key', async () => {
    reset()
    const { notifier: n, records } = notifier(api(), {}, withToken())
    await n.notify(context(), [FIRING])
    const logged = records.find((r) => r['response'] === OK)
    assert.equal(logged?.['incident'], '{}:{alertname="A"}')
    await n.close()
  })
})
