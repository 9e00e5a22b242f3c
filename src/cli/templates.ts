import { resolve } from 'node:path'

import type { Config } from '../config/index.js'
import { AlertTemplate, TemplateFileError } from '../notify/index.js'
import { AlertmeshError } from '../util/index.js'

/**
 * The notification templates of a config, built in the composition root because src/config
 * may not import src/notify. Alertmanager 0.25 builds them in its reload (cmd/alertmanager/
 * main.go: `tmpl, err = template.FromGlobs(conf.Templates...)` before anything is swapped),
 * and amtool check-config calls template.FromGlobs too (cli/check_config.go), so a config whose
 * template files do not parse is refused everywhere a config is loaded.
 */

/** TemplateBuildError says which `templates:` file broke a config. */
export class TemplateBuildError extends AlertmeshError {
  override name = 'TemplateBuildError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_INVALID', message, options)
  }
}

/**
 * buildConfigTemplate is 0.25's `template.FromGlobs(conf.Templates...)`, its error wrapped as
 * main.go wraps it (`failed to parse templates: ...`), with the config's
 * resolved globs (relative ones were joined to the config file's directory, or in Consul mode
 * to `<storage.path>/templates/`, by the loader).
 *
 * @param config - a validated config.
 * @param externalURL - `.ExternalURL` of the templates' data.
 * @param describeFile - how to name a failing file (default: its absolute path), e.g. the local file a
 *   staged copy came from.
 * @returns the template.
 * @throws TemplateBuildError: `failed to parse templates: ` and Go's message (`template:
 *   x.tmpl:3: missing value for if`) followed by the file's full path, or Go's `syntax error
 *   in pattern` for a bad glob.
 */
export function buildConfigTemplate(
  config: Config,
  externalURL: string,
  describeFile: (path: string) => string = (path) => resolve(path)
): AlertTemplate {
  try {
    return AlertTemplate.fromGlobs(config.templates, { externalURL })
  } catch (err: unknown) {
    if (err instanceof TemplateFileError) {
      // Go names the file by its base name only; two globs may match files of the same name.
      throw new TemplateBuildError(
        `failed to parse templates: ${err.message} (file ${describeFile(err.file)})`,
        {
          cause: err,
        }
      )
    }
    throw new TemplateBuildError(
      `failed to parse templates: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err }
    )
  }
}

/**
 * configTemplate returns the config's template as a memoised getter. A config with
 * `templates:` is built now, so a file that does not parse refuses the config; one without
 * has only the default templates, which are known to parse, so nothing is parsed until an
 * integration first asks (webhook, the only sender today, never does), and start-up does not
 * pay for it.
 *
 * @param config - a validated config.
 * @param externalURL - `.ExternalURL` of the templates' data.
 * @returns the getter.
 * @throws TemplateBuildError when the config's template files do not build.
 */
export function configTemplate(config: Config, externalURL: string): () => AlertTemplate {
  let built = config.templates.length > 0 ? buildConfigTemplate(config, externalURL) : undefined
  return () => {
    built ??= buildConfigTemplate(config, externalURL)
    return built
  }
}
