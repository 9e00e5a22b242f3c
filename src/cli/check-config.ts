import type { Writable } from 'node:stream'

import { loadConfigFile } from '../config/index.js'
import { buildIntegrations } from '../notify/index.js'
import { errorMessage } from '../util/index.js'

import { nodeIntegrations } from './integrations.js'
import { createLogger } from './logger.js'
import { configTemplate } from './templates.js'

/** Building a notifier logs nothing worth showing next to check-config's report. */
const QUIET_LOG = createLogger({ level: 'fatal', format: 'logfmt' })

/**
 * checkConfig validates config files like `amtool check-config`: each file is loaded with the
 * node's own loader, its `templates:` files are parsed and its receivers are built, so a
 * config the node would refuse fails here too. Output follows amtool's (cli/check_config.go),
 * except that a template failure is the file's one FAILED line, naming the template file and
 * line, where amtool prints SUCCESS and the counts first and `  FAILED: ...` after them.
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
      // The node's order (0.25's reload): templates, then receivers. amtool parses templates
      // only when the config lists some; a config without has the defaults, which parse.
      const template = configTemplate(config, 'http://localhost')
      for (const receiver of config.receivers) {
        buildIntegrations(receiver, list, {
          externalURL: 'http://localhost',
          userAgent: 'alertmesh',
          template,
          log: QUIET_LOG,
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
          // amtool's line for templates that parsed.
          ...(config.templates.length > 0 ? ['  SUCCESS'] : []),
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
