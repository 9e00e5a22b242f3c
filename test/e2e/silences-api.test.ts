// The silence endpoints as clients see them: amtool (Debian's 0.25 build) talking to a node
// process, and Debian's Alertmanager 0.25 still answering malformed requests as pinned in
// test/support/alertmanager-answers.ts (test/unit/api/handlers.test.ts holds alertmesh to the
// same answers, in-process).
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { SILENCE_ID_CASES, ask, silencePostCases } from '../support/alertmanager-answers.js'
import { TestNode } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const run = promisify(execFile)
const CONFIG = 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n- name: r\n'

describe('silence API', () => {
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

  for (const c of [...silencePostCases(Date.now()), ...SILENCE_ID_CASES]) {
    it(`Alertmanager 0.25 answers ${c.why} as pinned`, async () => {
      assert.deepEqual(await ask(alertmanager.url, c), c.answer)
    })
  }

  it('works with amtool silence add, query, expire and import', async () => {
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
