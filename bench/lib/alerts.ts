/**
 * Alert vocabulary and generator shared by the Node loader (http.ts) and the wrk Lua script
 * (wrk.ts). Both build alert number `n` of a stream the same way, so every alert a benchmark
 * sends has the same shape whichever client sent it, and the `id` label makes it distinct.
 */

/** ALERT_NAMES is the set of ~50 alert names the generator cycles through. */
export const ALERT_NAMES: readonly string[] = [
  'HostHighCpuLoad',
  'HostOutOfMemory',
  'HostMemoryUnderMemoryPressure',
  'HostUnusualNetworkThroughputIn',
  'HostUnusualNetworkThroughputOut',
  'HostUnusualDiskReadRate',
  'HostUnusualDiskWriteRate',
  'HostOutOfDiskSpace',
  'HostDiskWillFillIn24Hours',
  'HostOutOfInodes',
  'HostUnusualDiskReadLatency',
  'HostUnusualDiskWriteLatency',
  'HostCpuStealNoisyNeighbor',
  'HostContextSwitching',
  'HostSwapIsFillingUp',
  'HostSystemdServiceCrashed',
  'HostPhysicalComponentTooHot',
  'HostNodeOvertemperatureAlarm',
  'HostRaidArrayGotInactive',
  'HostOomKillDetected',
  'HostEdacCorrectableErrorsDetected',
  'HostNetworkReceiveErrors',
  'HostNetworkTransmitErrors',
  'HostNetworkInterfaceSaturated',
  'HostConntrackLimit',
  'HostClockSkew',
  'HostClockNotSynchronising',
  'HostRequiresReboot',
  'PrometheusTargetMissing',
  'PrometheusConfigurationReloadFailure',
  'PrometheusTooManyRestarts',
  'PrometheusRuleEvaluationFailures',
  'PrometheusTsdbCompactionsFailed',
  'BlackboxProbeFailed',
  'BlackboxSlowProbe',
  'BlackboxSslCertificateWillExpireSoon',
  'KubernetesNodeNotReady',
  'KubernetesPodCrashLooping',
  'KubernetesPodNotHealthy',
  'KubernetesDeploymentReplicasMismatch',
  'KubernetesPersistentvolumeclaimPending',
  'KubernetesJobFailed',
  'PostgresqlDown',
  'PostgresqlTooManyConnections',
  'PostgresqlReplicationLag',
  'RedisDown',
  'RedisOutOfMemory',
  'NginxHighHttp5xxErrorRate',
  'NginxLatencyHigh',
  'ApiErrorBudgetBurn',
]

/** JOBS is the set of scrape job names; 7 is coprime with 50 so name/job pairs vary. */
export const JOBS: readonly string[] = [
  'node',
  'blackbox',
  'kubelet',
  'postgres-exporter',
  'redis-exporter',
  'nginx',
  'api',
]

/** SEVERITIES is the set of severity label values. */
export const SEVERITIES: readonly string[] = ['critical', 'warning', 'info']

/** INSTANCE_COUNT is how many distinct instance label values the generator uses. */
export const INSTANCE_COUNT = 499

/** ONE_HOUR_MS is how far in the future `endsAt` lies for the alerts that carry one. */
export const ONE_HOUR_MS = 3_600_000

/** PostableAlert is the body element of POST /api/v2/alerts. */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly startsAt: string
  readonly endsAt?: string
  readonly generatorURL: string
}

/**
 * makeAlert builds alert number `n` of the stream `stream` under the run prefix `prefix`. Even
 * numbers carry `endsAt` one hour after `nowMs`; odd ones leave it out, so the target applies
 * `resolve_timeout` (5m). The Lua twin in wrk.ts must stay in step with this function.
 *
 * @param prefix - run prefix, different for every load phase, so no two phases share ids.
 * @param stream - stream id (wrk thread number, or 0 for the Node loader).
 * @param n - alert number within the stream, from 0.
 * @param nowMs - the wall clock used for startsAt/endsAt.
 * @returns the alert, ready for JSON.stringify.
 * @example makeAlert('mem', 0, 42, Date.now()).labels['id'] // 'mem-0-42'
 */
export function makeAlert(prefix: string, stream: number, n: number, nowMs: number): PostableAlert {
  const alertname = ALERT_NAMES[n % ALERT_NAMES.length] ?? 'Unknown'
  const job = JOBS[n % JOBS.length] ?? 'unknown'
  const severity = SEVERITIES[n % SEVERITIES.length] ?? 'info'
  const instance = `node-${String(n % INSTANCE_COUNT).padStart(3, '0')}.example.internal:9100`
  // Key order matches the Lua twin, so both clients send byte-for-byte comparable bodies.
  return {
    labels: { alertname, job, instance, severity, id: `${prefix}-${stream}-${n}` },
    annotations: {
      summary: `${alertname} on ${instance}`,
      description: `${alertname} on ${instance} (job ${job}) has been above its threshold for more than 5 minutes.`,
    },
    startsAt: new Date(nowMs).toISOString(),
    ...(n % 2 === 0 ? { endsAt: new Date(nowMs + ONE_HOUR_MS).toISOString() } : {}),
    generatorURL: `http://prometheus.example.internal:9090/graph?g0.expr=${alertname}&g0.tab=1`,
  }
}

/**
 * ExtraLabels gives the labels a benchmark adds to alert number `n` on top of makeAlert's, for
 * shapes the stream alone does not have (the scale benchmark's 100k-valued grouping label).
 * The wrk Lua twin does not know them, so only the Node loader sends them.
 */
export type ExtraLabels = (n: number) => Readonly<Record<string, string>>

/**
 * makeBatch builds `size` consecutive alerts of a stream, starting at alert number `first`.
 *
 * @param prefix - run prefix (see makeAlert).
 * @param stream - stream id (see makeAlert).
 * @param first - number of the first alert in the batch.
 * @param size - how many alerts.
 * @param nowMs - wall clock for startsAt/endsAt.
 * @param extraLabels - labels added to alert number n, e.g. a grouping label (see ExtraLabels).
 * @returns the JSON body of one POST /api/v2/alerts.
 */
export function makeBatch(
  prefix: string,
  stream: number,
  first: number,
  size: number,
  nowMs: number,
  extraLabels?: ExtraLabels
): string {
  const alerts: PostableAlert[] = []
  for (let i = 0; i < size; i++) {
    const alert = makeAlert(prefix, stream, first + i, nowMs)
    alerts.push(
      extraLabels === undefined
        ? alert
        : { ...alert, labels: { ...alert.labels, ...extraLabels(first + i) } }
    )
  }
  return JSON.stringify(alerts)
}
