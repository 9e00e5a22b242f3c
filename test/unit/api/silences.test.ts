/* eslint-disable @typescript-eslint/no-floating-promises -- node:test's describe/it return
   promises that the runner itself awaits; nothing here floats. */
// The silence endpoints on an in-process node: malformed requests are answered as Debian's
// Alertmanager 0.25 answers them (pinned in test/support/alertmanager-answers.ts, which
// test/e2e/silences-api.test.ts checks against the real Alertmanager), and a posted silence
// with an id is updated in place or replaced by 0.25's rules. amtool and the pipeline's muting
// stay in test/e2e (silences-api, silences).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import {
  SILENCE_ID_CASES,
  ask,
  assertAnswersLikeAlertmanager,
  silencePostCases,
} from '../../support/alertmanager-answers.js'
import { InProcessNode } from '../../support/api-harness.js'
import { alertnameSilence as silence } from '../../support/fixtures.js'
import { getJson, postSilence } from '../../support/node-api.js'
import { Teardown } from '../../support/teardown.js'

const CONFIG = 'route:\n  receiver: r\n  group_wait: 1h\nreceivers:\n- name: r\n'

describe('silence API', () => {
  let node: InProcessNode
  const teardown = new Teardown()

  before(async () => {
    node = teardown.stop(await InProcessNode.start({ config: CONFIG }))
  })
  after(() => teardown.run())

  async function silenceState(id: string): Promise<string> {
    return (await getJson<{ status: { state: string } }>(node.url, `/api/v2/silence/${id}`)).status
      .state
  }

  for (const c of [...silencePostCases(Date.now()), ...SILENCE_ID_CASES]) {
    it(`answers ${c.why} as Alertmanager 0.25 does`, async () => {
      assertAnswersLikeAlertmanager(await ask(node.url, c), c)
    })
  }

  it('updates in place or replaces a silence by Alertmanager 0.25 rules', async () => {
    const now = Date.now()
    const created = (await (
      await postSilence(node.url, silence('Update', now - 1000, now + 60_000))
    ).json()) as { silenceID: string }
    // Same matchers and the stored start (clamped to the creation instant), later end: updated
    // in place, same id — what amtool silence update and the UI do after reading the silence.
    const stored = await getJson<{ startsAt: string }>(
      node.url,
      `/api/v2/silence/${created.silenceID}`
    )
    const extended = (await (
      await postSilence(node.url, {
        ...silence('Update', Date.parse(stored.startsAt), now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    // Different matchers: the old silence is expired and a new id is returned.
    const replaced = (await (
      await postSilence(node.url, {
        ...silence('Update2', now - 1000, now + 120_000),
        id: created.silenceID,
      })
    ).json()) as { silenceID: string }
    assert.equal(extended.silenceID, created.silenceID)
    assert.notEqual(replaced.silenceID, created.silenceID)
    assert.equal(await silenceState(created.silenceID), 'expired')
    assert.equal(await silenceState(replaced.silenceID), 'active')
  })
})
