import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'

import { AlertStore } from '#src/alerts/index.js'
import { warmUpOnFirstAlert } from '#src/cli/warm-up.js'

import { testAlert } from '../../support/fixtures.js'

/** undiciLoaded tells whether undici's entry module is in the CommonJS cache of this process. */
function undiciLoaded(): boolean {
  const entry = createRequire(import.meta.url).resolve('undici')
  return createRequire(import.meta.url).cache[entry] !== undefined
}

describe('warmUpOnFirstAlert', () => {
  it('loads the HTTP library after the first alert, not before', async () => {
    const store = new AlertStore()
    warmUpOnFirstAlert(store)
    await nextTurn()
    assert.equal(undiciLoaded(), false, 'loaded with no alert yet')
    store.put([testAlert({ labels: { alertname: 'First' } })])
    assert.equal(undiciLoaded(), false, 'loaded inside the request that brought the alert')
    await nextTurn()
    assert.equal(undiciLoaded(), true)
  })
})
