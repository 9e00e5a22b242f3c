import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import * as labels from '#src/labels/index.js'

describe('labels public API', () => {
  it('exports exactly the agreed runtime surface', () => {
    assert.deepEqual(Object.keys(labels).sort(), [
      'Matcher',
      'MatcherError',
      'compileGoRegex',
      'fingerprint',
      'goQuote',
      'initHashing',
      'isValidLabelName',
      'labelSetString',
      'labelsHash',
      'matchersToString',
      'newMatcher',
      'parseMatcher',
      'parseMatchers',
      'sortMatchers',
    ])
  })

  it('works end to end: parse, sort, match, key', async () => {
    await labels.initHashing()
    const alert = { alertname: 'A', team: 'db' }
    const ms = labels.sortMatchers(labels.parseMatchers('{team="db", alertname=~"A|B"}'))
    assert.ok(ms.every((m) => m.matchesLabels(alert)))
    assert.equal(labels.matchersToString(ms), '{alertname=~"A|B",team="db"}')
    assert.equal(labels.fingerprint(alert), '7c645696d60f2876')
    assert.equal(typeof labels.labelsHash(alert), 'bigint')
    assert.equal(
      `{}/${labels.matchersToString(ms)}:${labels.labelSetString({ alertname: 'A' })}`,
      '{}/{alertname=~"A|B",team="db"}:{alertname="A"}'
    )
  })
})
