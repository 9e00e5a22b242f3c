/**
 * @module config
 * Owns the Alertmanager 0.25 configuration: YAML → typed {@link Config} through strict YAML
 * decoding, the JSON Schema of the whole file (ajv), Alertmanager's semantic checks with its
 * exact messages, and its defaults; the re-marshalled `config.original`; the config hash; and
 * time interval evaluation. It names no integration kind: it declares IntegrationConfigSpec,
 * which src/notify/integrations implements, and every loader takes the ConfigRegistry the
 * composition root builds from that list. Imports only src/labels and src/util, never
 * src/notify.
 */
export { canonicalHeaderKey } from './checks.js'
export type { Check, Obj } from './checks.js'
export {
  loadConfigDocument,
  readDocumentCache,
  writeDocumentCache,
  writeTemplates,
} from './document.js'
export type { CachedDocument, ConfigDocument, LoadedDocument } from './document.js'
export { ConfigError } from './errors.js'
export { goUrlString, parseGoUrl } from './goyaml/index.js'
export type { GoURL } from './goyaml/index.js'
export type { ConfigErrorDetails } from './errors.js'
export { configsOf, createConfigRegistry } from './integration-spec.js'
export type {
  ConfigRegistry,
  GlobalExclusion,
  GlobalSpec,
  IntegrationConfigSpec,
} from './integration-spec.js'
export { configHash, formatPath, loadConfig, loadConfigFile } from './load.js'
export type { LoadOptions } from './load.js'
export { marshalConfig } from './marshal.js'
export * as schema from './schema/fragments.js'
export {
  appendSlash,
  atMostOne,
  exactlyOne,
  globalApiSpec,
  globalUrlSpec,
  inheritGlobal,
  inheritGlobalSecret,
  objectField,
  requireStrings,
  stringField,
} from './spec-helpers.js'
export type { GlobalApiOptions, GlobalDefaults, GlobalUrlOptions } from './spec-helpers.js'
export { timeIntervalContains } from './time-interval.js'
export {
  LineIndex,
  YamlSyntaxError,
  describeNode,
  parseYamlTree,
  parseYamlValue,
  resolveScalar,
} from './goyaml/index.js'
export type { YMap, YNode, YScalar } from './goyaml/index.js'
export { schemaCompileMs } from './validate-schema.js'
export type * from './types.js'
