import type Logger from 'bunyan'

import type { ConfigSourceView } from '../api/index.js'
import { loadConfigFile } from '../config/index.js'
import type { ConfigRegistry } from '../config/index.js'
import { errorMessage } from '../util/index.js'

import type { ConfigController } from './config-controller.js'
import { hashHex } from './config-controller.js'

/**
 * OnConfigReport receives the source's view after every apply and every refusal (or missing
 * config), so the node can tell the cluster what it runs. It may see the same view twice.
 */
export type OnConfigReport = (view: ConfigSourceView) => void

/** ConfigSource is where a node's config comes from: the file, or Consul KV. */
export interface ConfigSource {
  /** Applies the first config; resolves when the node has one. */
  start(): Promise<void>
  /** Re-reads and applies now (SIGHUP, POST /-/reload); rejects with the reason when refused. */
  reload(): Promise<void>
  /** The config part of /api/v2/status: what runs, where it came from, the last refusal. */
  view(): ConfigSourceView
}

/**
 * fileConfigSource reads --config.file at start and on every reload, as Alertmanager does.
 *
 * @param path - the config file.
 * @param registry - the integrations the config may use.
 * @param controller - applies the loaded config.
 * @param log - the configuration logger.
 * @param onReport - called with the view after each apply or refusal.
 * @returns the source.
 */
export function fileConfigSource(
  path: string,
  registry: ConfigRegistry,
  controller: ConfigController,
  log: Logger,
  onReport: OnConfigReport
): ConfigSource {
  let applied: { hash: string; at: string } | undefined
  let error: { message: string; at: string } | undefined
  const view = (): ConfigSourceView => ({
    mode: 'file',
    source: 'file',
    location: path,
    hash: applied?.hash ?? '',
    appliedAt: applied?.at ?? '',
    ...(error === undefined ? {} : { error }),
  })
  const reload = (): Promise<void> =>
    controller.serialize(async () => {
      try {
        log.info({ file: path }, 'Loading configuration file')
        const loaded = await loadConfigFile(path, registry)
        // Alertmanager rebuilds on every reload, restarting group timers; file mode keeps that.
        await controller.apply(loaded, undefined)
        applied = { hash: hashHex(loaded.hash), at: new Date().toISOString() }
        error = undefined
        log.info({ file: path, hash: applied.hash }, 'Completed loading of configuration file')
      } catch (err: unknown) {
        controller.recordFailure()
        error = { message: errorMessage(err), at: new Date().toISOString() }
        log.error({ file: path, err: errorMessage(err) }, 'Loading configuration file failed')
        throw err
      } finally {
        onReport(view())
      }
    })
  return { start: reload, reload, view }
}
