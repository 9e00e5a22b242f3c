// The silence endpoints as clients see them: amtool (Debian's 0.25 build) and malformed
// requests answered exactly as Debian's Alertmanager 0.25 answers them, in the same run.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { iso } from '../support/fixtures.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const run = promisify(execFile)
const CONFIG = 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n- name: r\n'

void describe('silence API', () => {
  let node: TestNode
  let alertmanager: TestNode
  const teardown = new Teardown()

  before(async () => {
    ;[node, alertmanager] = await teardown.stopAll([
      TestNode.start({ config: CONFIG }),
      TestNode.start({ config: CONFIG, command: ['/usr/bin/prometheus-alertmanager'] }),
    ])
  })
  after(() => teardown.run())

  const now = Date.now()
  const valid = {
    matchers: [{ name: 'a', value: 'b', isRegex: false }],
    startsAt: iso(now),
    endsAt: iso(now + 3_600_000),
    createdBy: 'me',
    comment: 'c',
  }
  // Each row: a malformed POST /api/v2/silences body and why it is wrong.
  const cases: [string, string][] = [
    ['no matchers', JSON.stringify({ ...valid, matchers: [] })],
    [
      'a matcher without isRegex',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: 'b' }] }),
    ],
    ['no comment', JSON.stringify({ ...valid, comment: undefined })],
    [
      'an invalid label name',
      JSON.stringify({ ...valid, matchers: [{ name: 'a-b', value: 'b', isRegex: false }] }),
    ],
    [
      'an invalid regex',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: '(', isRegex: true }] }),
    ],
    [
      'only a matcher that matches the empty string',
      JSON.stringify({ ...valid, matchers: [{ name: 'a', value: '', isRegex: false }] }),
    ],
    [
      'endsAt before startsAt',
      JSON.stringify({ ...valid, startsAt: valid.endsAt, endsAt: valid.startsAt }),
    ],
    [
      'endsAt in the past',
      JSON.stringify({ ...valid, startsAt: iso(now - 7_200_000), endsAt: iso(now - 3_600_000) }),
    ],
    ['an unknown id', JSON.stringify({ ...valid, id: '7c2a2d30-1a8b-4a11-9c35-7a0f3d2c2f11' })],
    ['not JSON', 'x'],
  ]
  for (const [why, body] of cases) {
    void it(`answers a silence with ${why} as Alertmanager 0.25 does`, async () => {
      const post = async (url: string): Promise<[number, string]> => {
        const res = await fetch(`${url}/api/v2/silences`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        })
        return [res.status, (await res.text()).trim()]
      }
      const [ours, theirs] = await Promise.all([post(node.url), post(alertmanager.url)])
      assert.equal(ours[0], theirs[0])
      if (theirs[1].startsWith('{"code":400,"message":"parsing silence body')) {
        assert.match(
          ours[1],
          /^\{"code":400,"message":"parsing silence body from \\"\\" failed, because /
        )
      } else {
        assert.equal(ours[1], theirs[1])
      }
    })
  }

  // Each row: a request on /api/v2/silence/{id} with a bad or unknown id.
  const idCases: [string, string][] = [
    ['GET', 'xyz'],
    ['GET', '7c2a2d30-1a8b-4a11-9c35-7a0f3d2c2f11'],
    ['DELETE', 'xyz'],
    ['DELETE', '7c2a2d30-1a8b-4a11-9c35-7a0f3d2c2f11'],
  ]
  for (const [method, id] of idCases) {
    void it(`answers ${method} /api/v2/silence/${id} as Alertmanager 0.25 does`, async () => {
      const call = async (url: string): Promise<[number, string]> => {
        const res = await fetch(`${url}/api/v2/silence/${id}`, { method })
        return [res.status, (await res.text()).trim()]
      }
      assert.deepEqual(await call(node.url), await call(alertmanager.url))
    })
  }

  void it('works with amtool silence add, query, expire and import', async () => {
    const url = `--alertmanager.url=${node.url}`
    const { stdout: added } = await run('amtool', [
      url,
      'silence',
      'add',
      'alertname=Amtool',
      'team=db',
      '--comment=from amtool',
      '--author=ops',
      '--duration=2h',
    ])
    const id = added.trim()
    assert.match(id, /^[0-9a-f-]{36}$/)
    const { stdout: quiet } = await run('amtool', [
      url,
      'silence',
      'query',
      '-q',
      'alertname=Amtool',
    ])
    assert.equal(quiet.trim(), id)
    const { stdout: table } = await run('amtool', [url, 'silence', 'query'])
    assert.match(table, /from amtool/)
    const { stdout: exported } = await run('amtool', [url, '-o', 'json', 'silence', 'query'])
    await run('amtool', [url, 'silence', 'expire', id])
    const { stdout: afterExpire } = await run('amtool', [url, 'silence', 'query', '-q'])
    assert.ok(!afterExpire.includes(id), 'an expired silence is not listed as active')
    // Import the exported silences into a fresh node: ids it does not know get new ones (404 path).
    const file = join(node.dir, 'export.json')
    await writeFile(file, exported)
    const other = await TestNode.start({ config: CONFIG })
    try {
      await run('amtool', [`--alertmanager.url=${other.url}`, 'silence', 'import', file])
      const imported = await other.getJson<{ comment: string }[]>('/api/v2/silences')
      assert.deepEqual(
        imported.map((s) => s.comment),
        ['from amtool']
      )
    } finally {
      await other.stop()
    }
  })
})
