import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { alertString, alertsString, isResolved } from '#src/alerts/index.js'
import type { Alert } from '#src/alerts/index.js'

import { testAlert } from '../../support/fixtures.js'

const NOW = Date.UTC(2024, 0, 1, 12)

function alert(labels: Record<string, string>, endsAt: number): Alert {
  return testAlert({
    labels,
    startsAt: NOW - 60_000,
    endsAt,
    updatedAt: NOW,
    fingerprint: '5a3c1d2e00ff0012',
  })
}

describe('isResolved', () => {
  // Each row: endsAt, resolved at NOW.
  const ROWS: readonly [string, number, boolean][] = [
    ['zero end (a flush copy of a firing alert)', 0, false],
    ['end in the future', NOW + 1, false],
    ['end exactly now', NOW, true],
    ['end in the past', NOW - 1, true],
  ]
  for (const [name, endsAt, resolved] of ROWS) {
    it(name, () => {
      assert.equal(isResolved(alert({}, endsAt), NOW), resolved)
    })
  }
})

describe('alertString', () => {
  it("reads like Alertmanager's Alert.String(): name, 7 fingerprint digits, state", () => {
    assert.equal(
      alertString(alert({ alertname: 'HighLatency' }, 0), NOW),
      'HighLatency[5a3c1d2][active]'
    )
    assert.equal(alertString(alert({ alertname: 'Disk' }, NOW - 1), NOW), 'Disk[5a3c1d2][resolved]')
  })

  it('leaves the name empty for an alert without alertname, as Go does', () => {
    assert.equal(alertString(alert({ job: 'x' }, 0), NOW), '[5a3c1d2][active]')
  })

  it("prints a slice as Go's %v does", () => {
    assert.equal(
      alertsString([alert({ alertname: 'A' }, 0), alert({ alertname: 'B' }, NOW - 1)], NOW),
      '[A[5a3c1d2][active] B[5a3c1d2][resolved]]'
    )
    assert.equal(alertsString([], NOW), '[]')
  })
})
