import {
  atMostOne,
  globalUrlSpec,
  requireStrings,
  schema,
  stringField,
} from '../../../config/index.js'
import type {
  Check,
  HttpClientConfig,
  IntegrationConfig,
  IntegrationConfigSpec,
  Obj,
  SecretString,
} from '../../../config/index.js'

const { always, list, ptr, str, struct, tmpl, notifierStruct } = schema
const { BOOL, FALSE, STRING_LIST } = schema

/** SLACK_INTEGRATION_NAME is the integration's name in nflog keys and metric labels. */
export const SLACK_INTEGRATION_NAME = 'slack'

/**
 * SLACK_RETRY_CODES are the non-5xx statuses Slack retries: none, as 0.25's Slack notifier uses
 * a bare `notify.Retrier{}` (notify/slack/slack.go).
 */
export const SLACK_RETRY_CODES: readonly number[] = []

/**
 * SLACK_MAX_TITLE_RUNES is 0.25's `maxTitleLenRunes`: Slack's limit on an attachment title,
 * which the notifier truncates to with a warning.
 */
export const SLACK_MAX_TITLE_RUNES = 1024

/**
 * SLACK_DEFAULT_MRKDWN_IN is the attachment's `mrkdwn_in` when the config sets none (or an
 * empty list).
 */
export const SLACK_DEFAULT_MRKDWN_IN: readonly string[] = ['fallback', 'pretext', 'text']

/** SlackField is a field of a Slack attachment. */
export interface SlackField {
  readonly title: string
  readonly value: string
  readonly short?: boolean
}

/** SlackConfirmationField asks for confirmation of a Slack action. */
export interface SlackConfirmationField {
  readonly text: string
  readonly title?: string
  readonly ok_text?: string
  readonly dismiss_text?: string
}

/** SlackAction is a Slack message button. */
export interface SlackAction {
  readonly type: string
  readonly text: string
  readonly url?: string
  readonly style?: string
  readonly name?: string
  readonly value?: string
  readonly confirm?: SlackConfirmationField
}

/** SlackConfig is a `slack_configs` entry (api_url/api_url_file already taken from global). */
export interface SlackConfig extends IntegrationConfig {
  readonly http_config: HttpClientConfig
  readonly api_url?: SecretString
  readonly api_url_file?: string
  readonly channel?: string
  readonly username: string
  readonly color: string
  readonly title: string
  readonly title_link: string
  readonly pretext: string
  readonly text: string
  readonly fields?: readonly SlackField[]
  readonly short_fields: boolean
  readonly footer: string
  readonly fallback: string
  readonly callback_id: string
  readonly icon_emoji: string
  readonly icon_url: string
  readonly image_url?: string
  readonly thumb_url?: string
  readonly link_names: boolean
  readonly mrkdwn_in?: readonly string[]
  readonly actions?: readonly SlackAction[]
}

const SLACK_FIELD = struct(
  'config.plain',
  { title: str(), value: str(), short: ptr(BOOL) },
  'slack_field'
)

const SLACK_CONFIRM = struct(
  'config.plain',
  { text: str(), title: str(), ok_text: str(), dismiss_text: str() },
  'slack_confirm'
)

const SLACK_ACTION = struct(
  'config.plain',
  {
    type: str(),
    text: str(),
    url: str(),
    style: str(),
    name: str(),
    value: str(),
    confirm: SLACK_CONFIRM,
  },
  'slack_action'
)

/** SLACK_SCHEMA is `config.SlackConfig` (config/notifiers.go). */
const SLACK_SCHEMA = notifierStruct(
  'config.plain',
  false,
  {
    api_url: str('secret-url'),
    api_url_file: str(),
    channel: str(),
    username: tmpl('{{ template "slack.default.username" . }}'),
    color: tmpl('{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
    title: tmpl('{{ template "slack.default.title" . }}'),
    title_link: tmpl('{{ template "slack.default.titlelink" . }}'),
    pretext: tmpl('{{ template "slack.default.pretext" . }}'),
    text: tmpl('{{ template "slack.default.text" . }}'),
    fields: list(SLACK_FIELD, '[]*config.SlackField'),
    short_fields: always(FALSE),
    footer: tmpl('{{ template "slack.default.footer" . }}'),
    fallback: tmpl('{{ template "slack.default.fallback" . }}'),
    callback_id: tmpl('{{ template "slack.default.callbackid" . }}'),
    icon_emoji: tmpl('{{ template "slack.default.iconemoji" . }}'),
    icon_url: tmpl('{{ template "slack.default.iconurl" . }}'),
    image_url: str(),
    thumb_url: str(),
    link_names: always(FALSE),
    mrkdwn_in: STRING_LIST,
    actions: list(SLACK_ACTION, '[]*config.SlackAction'),
  },
  'slack'
)

/** SlackAction.UnmarshalYAML: a url button drops name/value/confirm, a name button drops url. */
function slackAction(o: Obj): void {
  requireStrings(o, ['type', 'text'], 'Slack action')
  if (stringField(o, 'url') !== '') {
    delete o['name']
    delete o['value']
    delete o['confirm']
  } else if (stringField(o, 'name') !== '') {
    delete o['url']
  } else {
    throw new Error('missing name or url in Slack action configuration')
  }
}

const CHECKS: Readonly<Record<string, Check>> = {
  slack: (o) => {
    atMostOne(o, 'api_url', 'api_url_file')
  },
  slack_field: (o) => {
    requireStrings(o, ['title', 'value'], 'Slack field')
  },
  slack_action: slackAction,
  slack_confirm: (o) => {
    requireStrings(o, ['text'], 'Slack confirmation')
  },
}

/** SLACK_CONFIG_SPEC is the `slack_configs` kind as src/config consumes it. */
export const SLACK_CONFIG_SPEC: IntegrationConfigSpec<SlackConfig> = {
  name: SLACK_INTEGRATION_NAME,
  goType: 'config.SlackConfig',
  schema: SLACK_SCHEMA,
  checks: CHECKS,
  ...globalUrlSpec({
    fields: ['api_url', 'api_url_file'],
    globalFields: ['slack_api_url', 'slack_api_url_file'],
    order: 0,
    missing: 'no global Slack API URL set either inline or in a file',
  }),
  unmarshalOrder: 2,
}
