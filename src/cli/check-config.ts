import type { Writable } from 'node:stream'

import { loadConfigFile } from '../config/index.js'
import { buildIntegrations } from '../notify/index.js'
import { errorMessage } from '../util/index.js'

import { nodeIntegrations } from './integrations.js'

/**
 * checkConfig validates config files like `amtool check-config`: each file is loaded with the
 * node's own loader, and its receivers are built, so a type the node would refuse fails here
 * too. Output follows amtool's.
 *
 * @param files - the config files.
 * @param out - where the report goes.
 * @returns the process exit code: 0 when every file is valid, else 1.
 */
export async function checkConfig(files: readonly string[], out: Writable): Promise<number> {
  if (files.length === 0) {
    out.write('alertmesh: error: check-config needs at least one FILE\n')
    return 1
  }
  let failed = 0
  const { list, registry } = nodeIntegrations()
  for (const file of files) {
    try {
      const { config } = await loadConfigFile(file, registry)
      for (const receiver of config.receivers) {
        buildIntegrations(receiver, list, {
          externalURL: 'http://localhost',
          userAgent: 'alertmesh',
        })
      }
      out.write(
        [
          `Checking '${file}'  SUCCESS`,
          'Found:',
          ' - global config',
          ' - route',
          ` - ${config.inhibit_rules.length} inhibit rules`,
          ` - ${config.receivers.length} receivers`,
          ` - ${config.templates.length} templates`,
          '',
          '',
        ].join('\n')
      )
    } catch (err: unknown) {
      failed++
      out.write(`Checking '${file}'  FAILED: ${errorMessage(err)}\n\n`)
    }
  }
  if (failed > 0) {
    out.write(`alertmesh: error: failed to validate ${failed} file(s)\n`)
    return 1
  }
  return 0
}
