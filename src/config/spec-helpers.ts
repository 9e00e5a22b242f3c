import type { Obj } from './checks.js'
import type { GoURL } from './goyaml/index.js'
import type { GlobalSpec } from './integration-spec.js'
import { dflt, str } from './schema/fragments.js'

/**
 * Small readers and mutators for converted structs, shared by the integration specs that
 * src/notify/integrations implements (their checks and global defaults mirror Go code that
 * reads fields as zero values and assigns them in place).
 */

/**
 * stringField reads a string field as Go's zero value would.
 *
 * @param o - a converted struct.
 * @param k - the field.
 * @returns the string, or '' when absent or not a string.
 */
export function stringField(o: Obj, k: string): string {
  return typeof o[k] === 'string' ? o[k] : ''
}

/**
 * objectField reads a struct or map field.
 *
 * @param o - a converted struct.
 * @param k - the field.
 * @returns the object, or undefined when absent or not an object.
 */
export function objectField(o: Obj, k: string): Obj | undefined {
  const v = o[k]
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined
}

/**
 * atMostOne refuses a value and its `_file` twin both set (config/notifiers.go).
 *
 * @param o - a converted struct.
 * @param a - the inline field.
 * @param b - the file field.
 * @throws Error `at most one of a & b must be configured`.
 */
export function atMostOne(o: Obj, a: string, b: string): void {
  if (o[a] !== undefined && o[a] !== '' && stringField(o, b) !== '') {
    throw new Error(`at most one of ${a} & ${b} must be configured`)
  }
}

/**
 * requireStrings is the check of a Go struct's UnmarshalYAML that refuses empty string fields
 * one by one, in order: `missing <field> in <what> configuration` (SlackField, SlackAction,
 * SlackConfirmationField, MattermostField in config/notifiers.go and notify/mattermost).
 *
 * @param o - the converted struct.
 * @param fields - the required fields, in Go's order of checking.
 * @param what - the struct as Go's message names it, e.g. `Slack field`.
 * @throws Error with Go's message for the first empty field.
 */
export function requireStrings(o: Obj, fields: readonly string[], what: string): void {
  for (const field of fields) {
    if (stringField(o, field) === '') {
      throw new Error(`missing ${field} in ${what} configuration`)
    }
  }
}

/**
 * exactlyOne is the check of a URL and its `_file` twin where one is required and both are
 * refused, as the msteams, msteamsv2 and incidentio UnmarshalYAML methods do.
 *
 * @param o - the entry.
 * @param a - the inline field (a URL: set or undefined).
 * @param b - its `_file` field.
 * @throws Error `one of <a> or <b> must be configured`, or atMostOne's.
 */
export function exactlyOne(o: Obj, a: string, b: string): void {
  if (o[a] === undefined && stringField(o, b) === '') {
    throw new Error(`one of ${a} or ${b} must be configured`)
  }
  atMostOne(o, a, b)
}

/**
 * inheritGlobal copies a global field into an entry field the entry leaves empty, as
 * Config.UnmarshalYAML does (config/config.go); objects such as URLs are shared, not copied.
 *
 * @param entry - the integration entry (mutated).
 * @param global - the converted `global` block.
 * @param field - the entry's field.
 * @param globalField - the global field it falls back to.
 * @param missing - Alertmanager's message when both are empty; without it nothing is required.
 * @throws Error with `missing`.
 */
export function inheritGlobal(
  entry: Obj,
  global: Obj,
  field: string,
  globalField: string,
  missing?: string
): void {
  if (entry[field] !== undefined && entry[field] !== '') {
    return
  }
  if (global[globalField] === undefined || global[globalField] === '') {
    if (missing !== undefined) {
      throw new Error(missing)
    }
    return
  }
  entry[field] = global[globalField]
}

/**
 * inheritGlobalSecret copies a global secret and its `_file` twin into an entry that sets
 * neither, as Config.UnmarshalYAML does for OpsGenie and VictorOps API keys and SMTP passwords
 * (config/config.go): the pair moves together, so an entry never mixes a local file with a
 * global key.
 *
 * @param entry - the integration entry (mutated).
 * @param global - the converted `global` block.
 * @param fields - the entry's secret field and its `_file` field.
 * @param globalFields - the global secret field and its `_file` field.
 * @param missing - Alertmanager's message when the global sets neither; without it nothing is
 *   required.
 * @throws Error with `missing`.
 */
export function inheritGlobalSecret(
  entry: Obj,
  global: Obj,
  fields: readonly [string, string],
  globalFields: readonly [string, string],
  missing?: string
): void {
  const [field, fileField] = fields
  const [globalField, globalFileField] = globalFields
  if (stringField(entry, field) !== '' || stringField(entry, fileField) !== '') {
    return
  }
  if (
    missing !== undefined &&
    stringField(global, globalField) === '' &&
    stringField(global, globalFileField) === ''
  ) {
    throw new Error(missing)
  }
  entry[field] = global[globalField]
  entry[fileField] = global[globalFileField]
}

/**
 * inheritGlobalApi is Config.UnmarshalYAML's treatment of an API URL and key for OpsGenie and
 * VictorOps (config/config.go): `api_url` falls back to `<prefix>_api_url` and gets a trailing
 * slash, then `api_key`/`api_key_file` fall back to `<prefix>_api_key`/`<prefix>_api_key_file`
 * as a pair.
 *
 * @param entry - the integration entry (mutated).
 * @param global - the converted `global` block.
 * @param prefix - the global fields' prefix (`opsgenie`, `victorops`).
 * @param urlMissing - Alertmanager's message when no URL is set anywhere.
 * @param keyMissing - Alertmanager's message when no key is set anywhere.
 * @throws Error with `urlMissing` or `keyMissing`.
 */
function inheritGlobalApi(
  entry: Obj,
  global: Obj,
  prefix: string,
  urlMissing: string,
  keyMissing: string
): void {
  inheritGlobal(entry, global, 'api_url', `${prefix}_api_url`, urlMissing)
  appendSlash(entry['api_url'])
  inheritGlobalSecret(
    entry,
    global,
    ['api_key', 'api_key_file'],
    [`${prefix}_api_key`, `${prefix}_api_key_file`],
    keyMissing
  )
}

/**
 * inheritGlobalUrl copies a global URL and its `_file` twin into an entry that sets neither, as
 * Config.UnmarshalYAML does for the Slack API URL and the Mattermost webhook URL
 * (config/config.go): the pair moves together, and one of the two global fields is required.
 *
 * @param entry - the integration entry (mutated).
 * @param global - the converted `global` block.
 * @param fields - the entry's URL field and its `_file` field.
 * @param globalFields - the global URL field and its `_file` field.
 * @param missing - Alertmanager's message when the global sets neither.
 * @throws Error with `missing`.
 */
function inheritGlobalUrl(
  entry: Obj,
  global: Obj,
  fields: readonly [string, string],
  globalFields: readonly [string, string],
  missing: string
): void {
  const [field, fileField] = fields
  const [globalField, globalFileField] = globalFields
  if (entry[field] !== undefined || stringField(entry, fileField) !== '') {
    return
  }
  if (global[globalField] === undefined && stringField(global, globalFileField) === '') {
    throw new Error(missing)
  }
  entry[field] = global[globalField]
  entry[fileField] = global[globalFileField]
}

/**
 * appendSlash is Go's `u.Path += "/"` unless the path already ends with one; it mutates the
 * URL, which Go shares with `global` when the entry inherited it.
 *
 * @param u - a converted URL field.
 */
export function appendSlash(u: unknown): void {
  const url = u as GoURL
  if (!url.path.endsWith('/')) {
    url.path += '/'
  }
}

/** GlobalDefaults is the part of an IntegrationConfigSpec that a kind takes from `global`. */
export interface GlobalDefaults {
  readonly global: GlobalSpec
  readonly fromGlobal: (entry: Obj, global: Obj) => void
}

/** GlobalApiOptions describe an API URL and key a kind takes from `global`. */
export interface GlobalApiOptions {
  /** The global fields' prefix (`opsgenie`, `victorops`). */
  readonly prefix: string
  /** GlobalConfig's default `<prefix>_api_url`. */
  readonly defaultUrl: string
  /** The position of the `<prefix>_api_key` & `_file` check among the global checks. */
  readonly order: number
  /** Alertmanager's message when no URL is set anywhere. */
  readonly urlMissing: string
  /** Alertmanager's message when no key is set anywhere. */
  readonly keyMissing: string
}

/**
 * globalApiSpec is what OpsGenie and VictorOps add to `global` and take from it
 * (config/config.go): `<prefix>_api_url` with its default, `<prefix>_api_key` and its `_file`
 * twin (refused together), and {@link inheritGlobalApi} for each entry.
 *
 * @param options - the prefix, the default URL, the check's position and the messages.
 * @returns the spec's `global` and `fromGlobal`.
 */
export function globalApiSpec(options: GlobalApiOptions): GlobalDefaults {
  const { prefix, urlMissing, keyMissing } = options
  const key = `${prefix}_api_key`
  return {
    global: {
      fields: {
        [`${prefix}_api_url`]: dflt(str('url'), options.defaultUrl),
        [key]: str('secret'),
        [`${key}_file`]: str(),
      },
      exclusive: [{ pair: [key, `${key}_file`], order: options.order }],
    },
    fromGlobal: (c, g) => {
      inheritGlobalApi(c, g, prefix, urlMissing, keyMissing)
    },
  }
}

/** GlobalUrlOptions describe a secret URL and its `_file` twin a kind takes from `global`. */
export interface GlobalUrlOptions {
  /** The entry's URL field and its `_file` field. */
  readonly fields: readonly [string, string]
  /** The global URL field and its `_file` field. */
  readonly globalFields: readonly [string, string]
  /** The position of the global pair's check among the global checks. */
  readonly order: number
  /** Alertmanager's message when the global sets neither. */
  readonly missing: string
}

/**
 * globalUrlSpec is what Slack and Mattermost add to `global` and take from it
 * (config/config.go): a secret URL and its `_file` twin, refused together, that an entry
 * setting neither takes as a pair ({@link inheritGlobalUrl}).
 *
 * @param options - the entry's and the global fields, the check's position and the message.
 * @returns the spec's `global` and `fromGlobal`.
 */
export function globalUrlSpec(options: GlobalUrlOptions): GlobalDefaults {
  const { fields, globalFields, missing } = options
  const [url, file] = globalFields
  return {
    global: {
      fields: { [url]: str('secret-url'), [file]: str() },
      exclusive: [{ pair: globalFields, order: options.order }],
    },
    fromGlobal: (c, g) => {
      inheritGlobalUrl(c, g, fields, globalFields, missing)
    },
  }
}
