// The config as both nodes of a side-by-side run show it in /api/v2/status: secrets as
// `<secret>`, defaults filled in, global values copied into the receivers, as 0.25 marshals them.
import assert from 'node:assert/strict'

import type { SideBySide } from './side-by-side.js'

/**
 * assertSameShownConfig compares `config.original` of both nodes' /api/v2/status, with each
 * side's capture URL put back to `{{CAPTURE}}` and its directory (template paths) to `{{DIR}}`.
 *
 * @param run - the side-by-side run.
 * @returns Alertmanager's text, for further checks.
 */
export async function assertSameShownConfig(run: SideBySide): Promise<string> {
  const [am, mesh] = await shownConfigs(run)
  assert.equal(mesh, am)
  return am
}

/**
 * shownConfigs reads `config.original` of both nodes' /api/v2/status, normalised as
 * {@link assertSameShownConfig} compares them.
 *
 * @param run - the side-by-side run.
 * @returns Alertmanager's and alertmesh's texts.
 */
export async function shownConfigs(run: SideBySide): Promise<[string, string]> {
  const [am = '', mesh = ''] = await Promise.all(
    [run.am, run.mesh].map(async (side) => {
      const status = (await (await fetch(`${side.node.url}/api/v2/status`)).json()) as {
        config: { original: string }
      }
      return status.config.original
        .replaceAll(side.capture.url, '{{CAPTURE}}')
        .replaceAll(side.node.dir, '{{DIR}}')
    })
  )
  return [am, mesh]
}
