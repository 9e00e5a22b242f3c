import type Logger from 'bunyan'

import type { Alert } from '../../../alerts/index.js'
import { isResolved } from '../../../alerts/index.js'
import { parseGoUrl } from '../../../config/index.js'
import type { GoURL } from '../../../config/index.js'
import { goQuote } from '../../../labels/index.js'
import { compareGoStrings, errorMessage, redactURLInMessage } from '../../../util/index.js'
import { classifyStatus } from '../../http/index.js'
import type { NotifyContext } from '../../notifier.js'
import { NotifyError } from '../../notify-error.js'
import { truncateInRunes } from '../../truncate.js'
import { FieldRenderer, groupKeyHash } from '../fields.js'
import { finalError, HttpNotifier, JSON_CONTENT_TYPE } from '../http-notifier.js'
import type { HttpNotifierOptions } from '../http-notifier.js'

import { isAPIv3Path, joinAPIPath } from './api-url.js'
import { JIRA_MAX_DESCRIPTION_RUNES, JIRA_MAX_SUMMARY_RUNES, JIRA_RETRY_CODES } from './config.js'
import type { JiraConfig } from './config.js'
import { encodeIssue, encodeSearch, encodeTransition } from './payload.js'
import type { IssueFields, JiraDescription } from './payload.js'
import { parseSearchResult, parseTransitions } from './response.js'
import type { FoundIssue } from './response.js'
import { deepCopyWithTemplate } from './template-value.js'

/** JiraNotifierOptions are what one `jira_configs` entry needs to send. */
export type JiraNotifierOptions = HttpNotifierOptions<JiraConfig>

type Method = 'GET' | 'POST' | 'PUT'

/**
 * JiraNotifier is newer Alertmanager's Jira integration (notify/jira/jira.go at 68fb2d5). Each
 * flush searches the project for the issue labelled `ALERT{<sha256 of the group key>}` (open
 * ones, or, with a reopen transition and reopen_duration, also those resolved within it), then
 * creates an issue (never for an all-resolved flush) or updates the one found (`summary` and
 * `description` left out where `enable_update: false`), and finally moves it with
 * `reopen_transition` when alerts fire on a done issue or `resolve_transition` when all are
 * resolved on an open one, looking the transition up by name. 2xx succeeds, 5xx, 429 and
 * failures to get a response are retried, other statuses are final; template and JSON errors
 * are final. URLs are `<redacted>` in every error, unlike upstream's.
 */
export class JiraNotifier extends HttpNotifier<JiraConfig> {
  readonly #apiURL: GoURL

  /**
   * JiraNotifier's constructor builds the HTTP client.
   *
   * @param options - config, templates, user agent, logger.
   * @throws HttpConfigError for an unusable http_config.
   */
  constructor(options: JiraNotifierOptions) {
    super(options)
    // Validated when the config was loaded (config.URL), so it parses.
    this.#apiURL = parseGoUrl(options.config.api_url)
  }

  /**
   * notify sends one attempt for the flush: search, then create or update, then transition.
   *
   * @param ctx - the flush.
   * @param alerts - the alerts in notification order.
   * @throws NotifyError with `retryable` as the jira notifier returns it.
   */
  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const log = this.log.child({ group_key: ctx.groupKey })
    log.debug('extracted group key')
    const groupID = groupKeyHash(ctx.groupKey)
    const fields = new FieldRenderer(this.template(), ctx, alerts)
    const firing = alerts.some((alert) => !isResolved(alert, ctx.now))

    const existing = await this.#searchExistingIssue(ctx, log, groupID, firing, fields)
    let method: 'POST' | 'PUT' = 'POST'
    let path = 'issue'
    if (existing === undefined) {
      // Do not create new issues for resolved alerts.
      if (!firing) {
        return
      }
      log.debug('create new issue')
    } else {
      method = 'PUT'
      path = `issue/${existing.key}`
      log.debug(
        {
          issue_key: existing.key,
          summary_update_enabled: this.config.summary?.enable_update ?? true,
          description_update_enabled: this.config.description?.enable_update ?? true,
        },
        'updating existing issue'
      )
    }

    let issue = this.#prepareIssue(log, groupID, fields)
    if (method === 'PUT') {
      const { summary, description, ...rest } = issue
      issue = {
        ...rest,
        ...(this.config.summary?.enable_update === false || summary === undefined
          ? {}
          : { summary }),
        ...(this.config.description?.enable_update === false || description === undefined
          ? {}
          : { description }),
      }
    }
    try {
      await this.#request(ctx, method, joinAPIPath(this.#apiURL, path), () => encodeIssue(issue))
    } catch (err: unknown) {
      throw wrap(`failed to ${method} request to ${goQuote(path)}: `, err)
    }
    await this.#transitionIssue(ctx, log, existing, firing)
  }

  /** searchExistingIssue finds the group's issue by its label (jira.go searchExistingIssue). */
  async #searchExistingIssue(
    ctx: NotifyContext,
    log: Logger,
    groupID: string,
    firing: boolean,
    fields: FieldRenderer
  ): Promise<FoundIssue | undefined> {
    const config = this.config
    let jql = ''
    if (config.wont_fix_resolution !== undefined && config.wont_fix_resolution !== '') {
      // JQL's != on resolution silently excludes unresolved issues, hence the EMPTY test
      // (prometheus/alertmanager#4295).
      jql += `(resolution is EMPTY or resolution != ${goQuote(config.wont_fix_resolution)}) and `
    }
    // Firing: open issues, or with a reopen transition also those resolved within
    // reopen_duration (whole minutes, truncated as Go's Duration.Minutes then int64).
    const reopenMinutes = Math.trunc((config.reopen_duration ?? 0) / 60_000)
    if (
      firing &&
      config.reopen_transition !== undefined &&
      config.reopen_transition !== '' &&
      reopenMinutes > 0
    ) {
      jql += `(resolutiondate is EMPTY OR resolutiondate >= -${reopenMinutes}m) and `
    } else {
      jql += 'statusCategory != Done and '
    }
    const project = fields.text(config.project)
    if (fields.error !== undefined) {
      throw finalError(
        `failed to look up existing issues: invalid project template or value: ${fields.error.message}`,
        fields.error
      )
    }
    jql += `project=${goQuote(project)} and labels=${goQuote(`ALERT{${groupID}}`)} order by status ASC,resolutiondate DESC`

    log.debug({ jql }, 'search for recent issues')
    let issues: FoundIssue[]
    try {
      const body = await this.#request(ctx, 'POST', this.#searchURL(), () => encodeSearch(jql))
      issues = parseSearchResult(body)
    } catch (err: unknown) {
      const prefix =
        err instanceof NotifyError
          ? 'failed to look up existing issues: HTTP request to JIRA API: '
          : 'failed to look up existing issues: '
      throw wrap(prefix, err)
    }
    const [first] = issues
    if (first === undefined) {
      log.debug('found no existing issue')
      return undefined
    }
    if (issues.length > 1) {
      log.warn(
        { selected_issue: first.key },
        'more than one issue matched, selecting the most recently resolved'
      )
    }
    return first
  }

  /**
   * searchURL is prepareSearchRequest's path: Jira Cloud (api_type cloud, or auto on an
   * atlassian.net host) has only the v3 `search/jql` endpoint, Data Center only v2's `search`.
   */
  #searchURL(): string {
    const apiType = this.config.api_type
    const apiURL = this.#apiURL
    if (apiType === 'cloud' || (apiType === 'auto' && apiURL.host.endsWith('atlassian.net'))) {
      return joinAPIPath(apiURL, '/search/jql').replace('/rest/api/2/', '/rest/api/3/')
    }
    return joinAPIPath(apiURL, '/search')
  }

  /** prepareIssue renders the issue's fields in jira.go's prepareIssueRequestBody order. */
  #prepareIssue(log: Logger, groupID: string, fields: FieldRenderer): IssueFields {
    const config = this.config
    const render = (template: string, what: string): string => {
      const text = fields.text(template)
      if (fields.error !== undefined) {
        throw finalError(`${what} template: ${fields.error.message}`, fields.error)
      }
      return text
    }
    let summary = render(config.summary?.template ?? '', 'summary')
    const project = render(config.project, 'project')
    const issueType = render(config.issue_type, 'issue_type')
    const custom: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(config.fields ?? {})) {
      Object.defineProperty(custom, key, {
        value: deepCopyWithTemplate(value, (t) => render(t, 'fields')),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    const cutSummary = truncateInRunes(summary, JIRA_MAX_SUMMARY_RUNES)
    if (cutSummary.truncated) {
      log.warn({ max_runes: JIRA_MAX_SUMMARY_RUNES }, 'Truncated summary')
    }
    summary = cutSummary.text

    const cutDescription = truncateInRunes(
      render(config.description?.template ?? '', 'description'),
      JIRA_MAX_DESCRIPTION_RUNES
    )
    if (cutDescription.truncated) {
      log.warn({ max_runes: JIRA_MAX_DESCRIPTION_RUNES }, 'Truncated description')
    }
    let description: JiraDescription | undefined
    if (isAPIv3Path(this.#apiURL.path)) {
      const adf = goTrimSpace(cutDescription.text)
      if (adf !== '') {
        if (!isValidJSON(adf)) {
          throw finalError('description template: invalid JSON for API v3')
        }
        description = { adf }
      }
    } else if (cutDescription.text !== '') {
      description = { text: cutDescription.text }
    }

    const labels = (config.labels ?? []).map((label, i) => render(label, `labels[${i}]`))
    labels.push(`ALERT{${groupID}}`)
    labels.sort(compareGoStrings)

    const priority = render(config.priority ?? '', 'priority')
    return {
      project,
      issuetype: issueType,
      summary,
      labels,
      custom,
      ...(description === undefined ? {} : { description }),
      ...(priority === '' ? {} : { priority }),
    }
  }

  /** transitionIssue moves the issue found with the reopen or resolve transition, if due. */
  async #transitionIssue(
    ctx: NotifyContext,
    log: Logger,
    issue: FoundIssue | undefined,
    firing: boolean
  ): Promise<void> {
    if (issue === undefined || issue.key === '' || issue.statusCategory === undefined) {
      return
    }
    const done = issue.statusCategory === 'done'
    if (firing === !done) {
      return
    }
    const transition =
      (firing ? this.config.reopen_transition : this.config.resolve_transition) ?? ''
    if (transition === '') {
      return
    }
    const path = `issue/${issue.key}/transitions`
    const url = joinAPIPath(this.#apiURL, path)
    const offered = await this.#request(ctx, 'GET', url, undefined)
    let transitions
    try {
      transitions = parseTransitions(offered)
    } catch (err: unknown) {
      throw wrap('', err)
    }
    const id = transitions.find((t) => t.name === transition)?.id
    if (id === undefined) {
      throw finalError(`can't find transition ${transition} for issue ${issue.key}`)
    }
    log.debug({ issue_key: issue.key, transition }, 'transitions jira issue')
    await this.#request(ctx, 'POST', url, () => encodeTransition(id))
  }

  /**
   * request is doAPIRequestFullPath: the JSON body (none for a GET), Content-Type and
   * Accept-Language on every request, the status judged by the Retrier with 429 retried.
   *
   * @returns the response body of a 2xx answer.
   */
  async #request(
    ctx: NotifyContext,
    method: Method,
    url: string,
    body: (() => string) | undefined
  ): Promise<string> {
    let payload = ''
    if (body !== undefined) {
      try {
        payload = body()
      } catch (err: unknown) {
        throw finalError(errorMessage(err), err)
      }
    }
    const response = await this.client.post(
      url,
      payload,
      { 'Content-Type': JSON_CONTENT_TYPE, 'Accept-Language': 'en' },
      ctx.signal,
      method
    )
    const failure = classifyStatus(response.status, JIRA_RETRY_CODES, () =>
      redactURLInMessage(response.body, url)
    )
    if (failure !== undefined) {
      throw failure
    }
    return response.body
  }
}

/** wrap prefixes an error's message as Go's fmt.Errorf("...: %w") does, keeping its retry. */
function wrap(prefix: string, err: unknown): NotifyError {
  if (err instanceof NotifyError) {
    return prefix === ''
      ? err
      : new NotifyError(`${prefix}${err.message}`, {
          retryable: err.retryable,
          reason: err.reason,
          cause: err,
        })
  }
  return finalError(`${prefix}${errorMessage(err)}`, err)
}

/** GO_SPACE is what Go's strings.TrimSpace trims (unicode.IsSpace), unlike String.trim's U+FEFF. */
const GO_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'gu')

function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, '')
}

/** isValidJSON is json.Valid. */
function isValidJSON(s: string): boolean {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}
