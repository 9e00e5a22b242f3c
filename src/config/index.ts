/**
 * @module config
 * Owns the Alertmanager 0.25 configuration: YAML → typed {@link Config} through strict YAML
 * decoding, the JSON Schema of the whole file (ajv), Alertmanager's semantic checks with its
 * exact messages, and its defaults; the re-marshalled `config.original`; the config hash; and
 * time interval evaluation. Imports only src/labels and src/util.
 */
export {
  loadConfigDocument,
  readDocumentCache,
  writeDocumentCache,
  writeTemplates,
} from './document.js'
export type { CachedDocument, ConfigDocument, LoadedDocument } from './document.js'
export { ConfigError } from './errors.js'
export type { ConfigErrorDetails } from './errors.js'
export { configHash, formatPath, loadConfig, loadConfigFile } from './load.js'
export type { LoadOptions } from './load.js'
export { marshalConfig } from './marshal.js'
export { CONFIG_SCHEMA } from './schema/index.js'
export { timeIntervalContains } from './time-interval.js'
export { schemaCompileMs } from './validate-schema.js'
export type * from './types.js'
