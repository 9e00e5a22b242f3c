import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { Alert } from '#src/alerts/index.js'
import type { LabelSet } from '#src/labels/index.js'
import type { NotifyContext } from '#src/notify/index.js'
import { muteStage } from '#src/notify/stages/mute.js'

import { testAlert } from '../../../support/fixtures.js'

function alert(labels: LabelSet, endsAt = 0): Alert {
  return testAlert({
    labels,
    endsAt,
    fingerprint: Object.values(labels).join('').padStart(16, '0'),
  })
}

const CTX: NotifyContext = {
  receiver: 'team',
  groupKey: '{}:{}',
  groupLabels: {},
  repeatIntervalMs: 3_600_000,
  now: 10,
  signal: new AbortController().signal,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
}

describe('muteStage', () => {
  const db = alert({ team: 'db' })
  const web = alert({ team: 'web' })
  const dbResolved = alert({ team: 'db', i: '2' }, 5)
  const cases: { name: string; muted: string[]; want: Alert[] }[] = [
    // Nothing muted: all pass, in order.
    { name: 'nothing is muted', muted: [], want: [db, web, dbResolved] },
    // Muted alerts are dropped whether firing or resolved.
    { name: 'one team is muted', muted: ['db'], want: [web] },
    // Everything muted: nothing left.
    { name: 'everything is muted', muted: ['db', 'web'], want: [] },
  ]
  for (const c of cases) {
    it(`keeps only unmuted alerts when ${c.name}`, async () => {
      const asked: LabelSet[] = []
      const fingerprints: string[] = []
      const stage = muteStage({
        mutes(labels, fingerprint) {
          asked.push(labels)
          fingerprints.push(fingerprint)
          return c.muted.includes(labels['team'] ?? '')
        },
      })
      const result = await stage.exec(CTX, [db, web, dbResolved])
      assert.deepEqual(result.alerts, c.want)
      assert.equal(result.ctx, CTX)
      // The muter sees every alert's labels once, so it can update its marker.
      assert.deepEqual(asked, [db.labels, web.labels, dbResolved.labels])
      // With the fingerprint the alert already has: the silencer does not hash the labels again.
      assert.deepEqual(fingerprints, [db.fingerprint, web.fingerprint, dbResolved.fingerprint])
    })
  }
})
