import { inheritGlobal, schema, stringField } from '../../../config/index.js'
import type {
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
} from '../../../config/index.js'

/**
 * The Jira integration's config. jira_configs arrived after 0.25 (Alertmanager 0.28):
 * alertmesh follows Alertmanager at 68fb2d5 (v0.34.0+20), notify/jira/config.go and the
 * `jira_api_url` global of config/config.go.
 */

const { dflt, ptr, scalarOr, str, struct, tmpl, ANY_MAP, BOOL, STRING_LIST, notifierStruct } =
  schema

/** JIRA_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const JIRA_INTEGRATION_NAME = 'jira'

/** JIRA_DEFAULTS are DefaultJiraConfig (notify/jira/config.go). */
export const JIRA_DEFAULTS = {
  send_resolved: true,
  api_type: 'auto',
  summary: '{{ template "jira.default.summary" . }}',
  description: '{{ template "jira.default.description" . }}',
  priority: '{{ template "jira.default.priority" . }}',
} as const

/** JIRA_RETRY_CODES are the non-5xx statuses jira retries: 429 (notify/jira/jira.go New). */
export const JIRA_RETRY_CODES: readonly number[] = [429]

/** JIRA_MAX_SUMMARY_RUNES is maxSummaryLenRunes (notify/jira/jira.go). */
export const JIRA_MAX_SUMMARY_RUNES = 255

/** JIRA_MAX_DESCRIPTION_RUNES is maxDescriptionLenRunes (notify/jira/jira.go). */
export const JIRA_MAX_DESCRIPTION_RUNES = 32767

/** JiraAPIType is `api_type`: which search endpoint the notifier uses. */
export type JiraAPIType = 'auto' | 'cloud' | 'datacenter'

/**
 * JiraFieldConfig is a `summary` or `description`: written as a template string or as
 * `{template, enable_update}`; `enable_update: false` leaves the field out of updates.
 */
export interface JiraFieldConfig {
  readonly template?: string
  readonly enable_update?: boolean
}

/** JiraConfig is one entry of `jira_configs`. */
export interface JiraConfig extends IntegrationConfig {
  /** The receiver's own http_config, or the global one when absent (whole-object fallback). */
  readonly http_config: HttpClientConfig
  /**
   * The REST API base as Go's URL.String() prints it, e.g.
   * `https://x.atlassian.net/rest/api/2`; from `jira_api_url` when the entry has none.
   */
  readonly api_url: string
  readonly api_type: JiraAPIType
  readonly project: string
  readonly summary?: JiraFieldConfig
  readonly description?: JiraFieldConfig
  readonly labels?: readonly string[]
  readonly priority?: string
  readonly issue_type: string
  readonly reopen_transition?: string
  readonly resolve_transition?: string
  readonly wont_fix_resolution?: string
  /** In milliseconds. */
  readonly reopen_duration?: number
  /** Issue fields sent as written, each string rendered (template.DeepCopyWithTemplate). */
  readonly fields?: Readonly<Record<string, unknown>>
}

/** fieldConfig is `jira.JiraFieldConfig` with the kind's default template. */
function fieldConfig(template: string): schema.SchemaNode {
  return dflt(
    scalarOr(
      struct('jira.plain', { template: tmpl(template), enable_update: ptr(BOOL) }),
      'template'
    ),
    { template }
  )
}

/** JIRA_SCHEMA is `jira.JiraConfig`, in its field order. */
const JIRA_SCHEMA = notifierStruct(
  'jira.plain',
  JIRA_DEFAULTS.send_resolved,
  {
    api_url: str('url'),
    api_type: dflt(str(), JIRA_DEFAULTS.api_type),
    project: str(),
    summary: fieldConfig(JIRA_DEFAULTS.summary),
    description: fieldConfig(JIRA_DEFAULTS.description),
    labels: STRING_LIST,
    priority: tmpl(JIRA_DEFAULTS.priority),
    issue_type: str(),
    reopen_transition: str(),
    resolve_transition: str(),
    wont_fix_resolution: str(),
    reopen_duration: str('duration'),
    fields: ANY_MAP,
  },
  'jira'
)

/** JiraConfig.UnmarshalYAML: a project, an issue type and a known api_type. */
function check(o: Obj): void {
  if (stringField(o, 'project') === '') {
    throw new Error('missing project in jira_config')
  }
  if (stringField(o, 'issue_type') === '') {
    throw new Error('missing issue_type in jira_config')
  }
  const apiType = stringField(o, 'api_type')
  if (apiType !== 'auto' && apiType !== 'cloud' && apiType !== 'datacenter') {
    throw new Error('unknown api_type on jira_config, must be auto, cloud or datacenter')
  }
}

/**
 * JIRA_CONFIG_SPEC is the `jira_configs` kind as src/config consumes it. GlobalConfig declares
 * `jira_api_url` right after http_config, with no default; Config.UnmarshalYAML gives each entry
 * the global http_config as a whole (`cmp.Or`) and the global URL when it has none.
 */
export const JIRA_CONFIG_SPEC: IntegrationConfigSpec<JiraConfig> = {
  name: JIRA_INTEGRATION_NAME,
  goType: 'jira.JiraConfig',
  schema: JIRA_SCHEMA,
  checks: { jira: check },
  global: { fields: { jira_api_url: str('url') }, position: 'first' },
  unmarshalOrder: 15,
  fromGlobal: (c, g) => {
    inheritGlobal(c, g, 'api_url', 'jira_api_url', 'no global Jira Cloud URL set')
  },
}
