import type { Obj, Check } from './checks.js'
import { CHECKS } from './checks.js'
import { buildConfigSchema } from './schema/index.js'
import type { SchemaNode } from './schema/index.js'
import type { IntegrationConfig, ReceiverConfig } from './types.js'

/**
 * What config needs to know about one integration kind (`<name>_configs` of a receiver) to
 * decode, check, default and marshal it. Config declares this shape and never names a kind;
 * src/notify/integrations/<name>/ implements it, and the composition root (src/cli) hands the
 * list to {@link createConfigRegistry}. That keeps config free of notify imports while each
 * kind lives in one folder.
 */

/** GlobalExclusion is a pair of global fields that may not both be set. */
export interface GlobalExclusion {
  readonly pair: readonly [string, string]
  readonly order: number
}

/** GlobalSpec is what an integration adds to `global` (config/config.go GlobalConfig). */
export interface GlobalSpec {
  /** The `global` fields it owns, in GlobalConfig's field order (e.g. `smtp_*`). */
  readonly fields: Readonly<Record<string, SchemaNode>>
  /**
   * Pairs of global fields refused together (`at most one of a & b must be configured`), each
   * with the position of that check among Config.UnmarshalYAML's global checks, which run in
   * their own order (slack, opsgenie, victorops, smtp in 0.25; newer releases add rocketchat's
   * two and mattermost's after them).
   */
  readonly exclusive?: readonly GlobalExclusion[]
  /**
   * Where GlobalConfig declares the fields: by default in the receiver loop's order, `first`
   * right after `http_config` (newer Alertmanager puts `jira_api_url` there).
   */
  readonly position?: 'first'
}

/**
 * IntegrationConfigSpec describes one integration kind to config. The type parameter is the
 * typed view of one validated entry; config itself only handles {@link IntegrationConfig}.
 */
export interface IntegrationConfigSpec<C extends IntegrationConfig = IntegrationConfig> {
  /** The kind's name: the receiver key is `<name>_configs`, nflog keys and metrics use it. */
  readonly name: string
  /** The Go type of one entry, as yaml.v2 names it in errors (`config.WebhookConfig`). */
  readonly goType: string
  /** JSON Schema of one entry (config/notifiers.go struct, defaults as `default`). */
  readonly schema: SchemaNode
  /** Struct validators by `x-check` name: the entry's UnmarshalYAML and its sub-structs'. */
  readonly checks?: Readonly<Record<string, Check>>
  /** What the kind adds to `global`. */
  readonly global?: GlobalSpec
  /**
   * Position of this kind in Config.UnmarshalYAML's receiver loop (config/config.go), which
   * visits kinds in its own order: the first failing default wins, so the order is behaviour.
   */
  readonly unmarshalOrder: number
  /**
   * Takes the defaults an entry inherits from `global` (Config.UnmarshalYAML). `http_config`
   * falls back to the global one for every kind whose schema has it, before this runs.
   *
   * @throws Error with Alertmanager's message (`no global SMTP smarthost set`).
   */
  readonly fromGlobal?: (entry: Obj, global: Obj) => void
  /**
   * Fills what Alertmanager's notifier constructor writes into the config of receivers a route
   * uses, visible in `config.original` (e.g. email headers).
   */
  readonly whenRouted?: (entry: Obj) => void
  /** Never set: carries the entry type `C` for {@link configsOf}. */
  readonly entryType?: C
}

/**
 * ConfigRegistry is built once from the integration list and handed to every config API:
 * the whole-file schema, the struct validators and the specs in Receiver struct order.
 */
export interface ConfigRegistry {
  readonly integrations: readonly IntegrationConfigSpec[]
  readonly schema: SchemaNode
  readonly checks: Readonly<Record<string, Check>>
}

/**
 * createConfigRegistry builds the schema and validator table for a list of integrations.
 *
 * @param integrations - the specs in config/config.go Receiver struct order (the schema's and
 *   `config.original`'s field order).
 * @returns the registry.
 * @throws Error for a duplicate name or `x-check` name, or ambiguous orders.
 */
export function createConfigRegistry(
  integrations: readonly IntegrationConfigSpec[]
): ConfigRegistry {
  const checks: Record<string, Check> = { ...CHECKS }
  const names = new Set<string>()
  const orders = new Set<number>()
  for (const spec of integrations) {
    if (names.has(spec.name)) {
      throw new Error(`integration ${spec.name} is listed twice`)
    }
    if (orders.has(spec.unmarshalOrder)) {
      throw new Error(`integration ${spec.name}: unmarshalOrder ${spec.unmarshalOrder} is taken`)
    }
    names.add(spec.name)
    orders.add(spec.unmarshalOrder)
    for (const [name, check] of Object.entries(spec.checks ?? {})) {
      if (Object.hasOwn(checks, name)) {
        throw new Error(`integration ${spec.name}: check ${name} is already defined`)
      }
      checks[name] = check
    }
  }
  return { integrations, schema: buildConfigSchema(integrations), checks }
}

/**
 * byUnmarshalOrder sorts specs the way Config.UnmarshalYAML visits them.
 *
 * @param integrations - the specs.
 * @returns a sorted copy.
 */
export function byUnmarshalOrder(
  integrations: readonly IntegrationConfigSpec[]
): IntegrationConfigSpec[] {
  return [...integrations].sort((a, b) => a.unmarshalOrder - b.unmarshalOrder)
}

/**
 * configsOf reads a receiver's entries of one kind with that kind's typed view.
 *
 * @param receiver - the receiver.
 * @param spec - the kind; its schema validated every entry, which is what makes the view sound.
 * @returns the entries, empty when the receiver has none.
 */
export function configsOf<C extends IntegrationConfig>(
  receiver: ReceiverConfig,
  spec: IntegrationConfigSpec<C>
): readonly C[] {
  return (receiver.integrations[spec.name] ?? []) as readonly C[]
}
