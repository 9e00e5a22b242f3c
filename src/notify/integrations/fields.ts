import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

import type Logger from 'bunyan'

import type { Alert } from '../../alerts/index.js'
import { goPathErrorText } from '../../util/index.js'
import type { NotifyContext } from '../notifier.js'
import { ExecError, goTrimSpace } from '../template/index.js'
import type { AlertTemplate, GoValue } from '../template/index.js'
import { truncateInBytes, truncateInRunes } from '../truncate.js'

/**
 * FieldRenderer renders one notification's templated fields as Alertmanager 0.25's notifiers
 * do with notify.TmplText and notify.TmplHTML (notify/util.go): the first failing field keeps
 * its error and yields what its template wrote before failing ('' for a parse error: Go's
 * ExecuteTextString returns its buffer with the error), and every later field renders as '',
 * so a notifier renders all its fields and then asks {@link FieldRenderer.error} once
 * (throwOnTemplateError in http-notifier.ts), and a broken template fails the notification
 * with that template's message. Where 0.25 overwrites the error instead (SNS), the notifier
 * sends the partial output and calls {@link FieldRenderer.reset}.
 *
 * @example
 * ```ts
 * const fields = new FieldRenderer(context.template(), ctx, alerts)
 * const title = fields.text(config.title)
 * throwOnTemplateError(fields) // a NotifyError, not retryable, if a field failed
 * ```
 */
export class FieldRenderer {
  readonly #template: AlertTemplate
  /** data is the `*template.Data` of the notification (GetTemplateData). */
  readonly data: GoValue
  #error: Error | undefined

  /**
   * FieldRenderer's constructor builds the template data of one flush.
   *
   * @param template - the config's template.
   * @param ctx - the flush: receiver, group labels and the instant alert status is judged at.
   * @param alerts - the alerts of the notification.
   */
  constructor(template: AlertTemplate, ctx: NotifyContext, alerts: readonly Alert[]) {
    this.#template = template
    this.data = template.data(ctx.receiver, ctx.groupLabels, alerts, ctx.now)
  }

  /** error is the first template error, if any field failed. */
  get error(): Error | undefined {
    return this.#error
  }

  /**
   * reset clears the error, as 0.25 does where it overwrites TmplText's error variable (SNS's
   * `client, err := n.createSNSClient(tmpl)`), so later fields render again.
   *
   * @returns the error it cleared.
   */
  reset(): Error | undefined {
    const error = this.#error
    this.#error = undefined
    return error
  }

  /**
   * text is TmplText: the field rendered with text/template; on its own error what it wrote
   * before failing; '' once an earlier field has failed.
   *
   * @param template - the field's template text.
   * @returns the rendered text.
   */
  text(template: string): string {
    return this.#run(() => this.#template.executeTextString(template, this.data))
  }

  /**
   * html is TmplHTML: as {@link FieldRenderer.text}, with html/template.
   *
   * @param template - the field's template text.
   * @returns the rendered, escaped text.
   */
  html(template: string): string {
    return this.#run(() => this.#template.executeHTMLString(template, this.data))
  }

  #run(render: () => string): string {
    if (this.#error !== undefined) {
      return ''
    }
    try {
      return render()
    } catch (err: unknown) {
      this.#error = err instanceof Error ? err : new Error(String(err))
      return err instanceof ExecError ? err.output : ''
    }
  }
}

/**
 * groupKeyHash is 0.25's notify.Key.Hash: the lowercase hex SHA-256 of the group key, which
 * integrations with length limits on their dedup keys (PagerDuty's dedup_key, OpsGenie's
 * alias, VictorOps' entity_id) send instead of the key itself.
 *
 * @param groupKey - the aggregation group's key.
 * @returns 64 hex digits.
 */
export function groupKeyHash(groupKey: string): string {
  return createHash('sha256').update(groupKey, 'utf8').digest('hex')
}

/** TruncationLimit names the field and the limit for the warning a truncation logs. */
export interface TruncationLimit {
  /** The log message, 0.25's own (e.g. `Truncated title`). */
  readonly message: string
  /** The limit. */
  readonly max: number
  /** The log key of the limit: `max_runes` or `max_bytes`, as 0.25 logs it. */
  readonly unit: 'max_runes' | 'max_bytes'
}

/**
 * truncateField truncates a rendered field to its receiver's limit (in runes or bytes, as the
 * limit's unit says) and, when it had to, logs 0.25's warning with the group key, as each of
 * 0.25's notifiers does (`level.Warn(l).Log("msg", "Truncated title", "key", key,
 * "max_runes", n)`).
 *
 * @param text - the rendered field.
 * @param limit - message, maximum and unit.
 * @param groupKey - the flush's group key, for the log line.
 * @param log - the integration's logger.
 * @returns the field within the limit.
 */
export function truncateField(
  text: string,
  limit: TruncationLimit,
  groupKey: string,
  log: Logger
): string {
  const cut =
    limit.unit === 'max_runes' ? truncateInRunes(text, limit.max) : truncateInBytes(text, limit.max)
  if (cut.truncated) {
    log.warn({ key: groupKey, [limit.unit]: limit.max }, limit.message)
  }
  return cut.text
}

/**
 * readFileAsGo reads a `*_file` secret when a notification is sent, as 0.25's notifiers do with
 * os.ReadFile (so a rotated key needs no reload), failing with Go's *PathError text
 * (`open <path>: no such file or directory`), which 0.25 wraps into the notification's error.
 *
 * @param path - the file, as configured.
 * @returns its content, untrimmed.
 * @throws Error with Go's message; the content is never quoted.
 */
export async function readFileAsGo(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err: unknown) {
    throw new Error(goPathErrorText(path, err), { cause: err })
  }
}

/**
 * readKeyFileAsGo is how 0.25's PagerDuty and VictorOps notifiers read a key file at each
 * notification: {@link readFileAsGo}, then strings.TrimSpace.
 *
 * @param path - the file, as configured.
 * @returns the key, trimmed.
 * @throws Error with Go's message; the content is never quoted.
 */
export async function readKeyFileAsGo(path: string): Promise<string> {
  return goTrimSpace(await readFileAsGo(path))
}
