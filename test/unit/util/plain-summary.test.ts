import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { Registry } from 'prom-client'

import { PlainSummary } from '#src/util/plain-summary.js'

const NAME = 'alertmanager_dispatcher_alert_processing_duration_seconds'
const HELP = 'Summary of latencies for the processing of alerts.'

describe('PlainSummary', () => {
  it('exposes only _sum and _count, zero before any observation', async () => {
    const registry = new Registry()
    new PlainSummary({ name: NAME, help: HELP, registry })
    assert.equal(
      await registry.metrics(),
      `# HELP ${NAME} ${HELP}\n# TYPE ${NAME} summary\n${NAME}_sum 0\n${NAME}_count 0\n`
    )
  })

  it('adds every observation to the sum and counts it', async () => {
    const registry = new Registry()
    const summary = new PlainSummary({ name: NAME, help: HELP, registry })
    const observations = [
      // A typical sub-millisecond latency.
      0.0005,
      // A slow one.
      1.5,
      // Zero still counts as an observation.
      0,
    ]
    for (const value of observations) {
      summary.observe(value)
    }
    const text = await registry.metrics()
    assert.match(text, new RegExp(`^${NAME}_sum 1\\.5005$`, 'm'))
    assert.match(text, new RegExp(`^${NAME}_count 3$`, 'm'))
    assert.doesNotMatch(text, /quantile/)
  })

  it('registers on the registry it is given only', async () => {
    const mine = new Registry()
    const other = new Registry()
    new PlainSummary({ name: NAME, help: HELP, registry: mine })
    assert.doesNotMatch(await other.metrics(), new RegExp(NAME))
    assert.notEqual(mine.getSingleMetric(NAME), undefined)
  })

  it('is refused a second time on the same registry, as prom-client metrics are', () => {
    const registry = new Registry()
    new PlainSummary({ name: NAME, help: HELP, registry })
    assert.throws(
      () => new PlainSummary({ name: NAME, help: HELP, registry }),
      /already been registered/
    )
  })
})
