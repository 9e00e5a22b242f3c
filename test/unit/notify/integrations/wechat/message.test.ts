// The URLs 0.25's WeChat notifier derives from api_url (URL.Copy, Path +=, url.Values.Encode),
// and the message as Go's json.Encoder writes it. The e2e test compares both with 0.25 itself.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { encodeWechatMessage, WechatEndpoints } from '#src/notify/integrations/wechat/index.js'

describe('WechatEndpoints', () => {
  const cases = [
    // The default API URL.
    {
      api: 'https://qyapi.weixin.qq.com/cgi-bin/',
      token: 'https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=c&corpsecret=s',
      send: 'https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=t',
    },
    // gettoken replaces the query; message/send merges access_token in, keys sorted, pairs
    // with `;` dropped as Go 1.19's ParseQuery drops them, the fragment never sent.
    {
      api: 'http://h:1/x/?z=1&b=%2F&a;b=c#frag',
      token: 'http://h:1/x/gettoken?corpid=c&corpsecret=s',
      send: 'http://h:1/x/message/send?access_token=t&b=%2F&z=1',
    },
    // Go writes the extended path with its default escaping.
    {
      api: 'http://h/a!b%41%2F/',
      token: 'http://h/a%21bA//gettoken?corpid=c&corpsecret=s',
      send: 'http://h/a%21bA//message/send?access_token=t',
    },
  ]
  for (const c of cases) {
    it(`builds 0.25's URLs from ${c.api}`, () => {
      const endpoints = new WechatEndpoints(c.api)
      assert.equal(endpoints.getToken('c', 's'), c.token)
      assert.equal(endpoints.sendMessage('t'), c.send)
    })
  }

  it('query-escapes corp id, secret and token as url.Values.Encode', () => {
    const endpoints = new WechatEndpoints('http://h/')
    assert.equal(
      endpoints.getToken('a b&', 'é/+'),
      'http://h/gettoken?corpid=a+b%26&corpsecret=%C3%A9%2F%2B'
    )
    assert.equal(endpoints.sendMessage('x y'), 'http://h/message/send?access_token=x+y')
  })
})

describe('encodeWechatMessage', () => {
  const base = { toUser: '', toParty: '', toTag: '', agentID: '', type: 'text', content: 'hi' }

  it('omits empty recipients but never the content structs', () => {
    assert.equal(
      encodeWechatMessage(base),
      '{"text":{"content":"hi"},"safe":"0","msgtype":"text","markdown":{"content":""}}\n'
    )
  })

  it('puts markdown content under markdown and escapes as Go does', () => {
    const text = encodeWechatMessage({ ...base, type: 'markdown', content: '<a>&\u2028' })
    assert.ok(text.startsWith('{"text":{"content":""},'), text)
    assert.ok(text.endsWith('"markdown":{"content":"\\u003ca\\u003e\\u0026\\u2028"}}\n'), text)
  })
})
