/**
 * iso renders epoch milliseconds as the RFC3339 text the API takes.
 *
 * @param ms - epoch milliseconds.
 * @returns e.g. `2026-11-24T05:58:20.908Z`.
 */
export const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * fastWebhookConfig is a one-receiver config with short timers, grouped by alertname, for
 * tests that watch notifications arrive: group_wait 300ms, group_interval 1s, repeat 1h.
 *
 * @param url - the webhook URL.
 * @returns the YAML text.
 */
export function fastWebhookConfig(url: string): string {
  return `
route:
  receiver: r
  group_by: [alertname]
  group_wait: 300ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: ${url}
`
}
