import { readWebConfig, validateUsers } from './config.js'
import type { WebConfig } from './config.js'
import { buildServerTls, hasTls } from './tls.js'
import type { ServerTls } from './tls.js'

/** ValidatedWebConfig is a file the toolkit accepts, with its TLS settings when it asks for TLS. */
export interface ValidatedWebConfig {
  readonly config: WebConfig
  readonly tls: ServerTls | undefined
}

/**
 * validateWebConfigFile is the toolkit's web.Validate, in its order: decode the file, check the
 * bcrypt hashes, then load the TLS files and check the client auth settings.
 *
 * @param path - --web.config.file.
 * @returns the decoded file and its TLS settings (undefined for plain HTTP).
 * @throws WebConfigError with the toolkit's message.
 */
export function validateWebConfigFile(path: string): ValidatedWebConfig {
  const config = readWebConfig(path)
  validateUsers(config)
  return {
    config,
    tls: hasTls(config.tlsServerConfig) ? buildServerTls(config.tlsServerConfig) : undefined,
  }
}
