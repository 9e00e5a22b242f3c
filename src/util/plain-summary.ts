import type { Metric, Registry } from 'prom-client'

/** SummarySnapshot is what prom-client's registry reads from a metric at scrape time. */
export interface SummarySnapshot {
  readonly name: string
  readonly help: string
  readonly type: 'summary'
  readonly aggregator: 'sum'
  readonly values: readonly { metricName: string; value: number; labels: Record<string, string> }[]
}

/**
 * PlainSummary is a Prometheus summary without quantiles, only `_sum` and `_count`, which is
 * what Alertmanager's quantile-less summaries export. prom-client's Summary feeds a quantile
 * estimator on every observation, too costly on per-alert paths.
 */
export class PlainSummary {
  readonly name: string
  readonly help: string
  #sum = 0
  #count = 0

  constructor(options: { name: string; help: string; registry: Registry }) {
    this.name = options.name
    this.help = options.help
    options.registry.registerMetric(this as unknown as Metric)
  }

  /**
   * observe adds one observation.
   *
   * @param value - the observed value, in the metric's unit.
   */
  observe(value: number): void {
    this.#sum += value
    this.#count++
  }

  /** get is called by the registry at scrape time. */
  get(): Promise<SummarySnapshot> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: 'summary',
      aggregator: 'sum',
      values: [
        { metricName: `${this.name}_sum`, value: this.#sum, labels: {} },
        { metricName: `${this.name}_count`, value: this.#count, labels: {} },
      ],
    })
  }
}
