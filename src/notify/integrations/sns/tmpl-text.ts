import type { Alert } from '../../../alerts/index.js'
import { ExecError } from '../../template/index.js'
import type { AlertTemplate, GoValue } from '../../template/index.js'
import type { NotifyContext } from '../../types.js'

/**
 * TmplText is 0.25's notify.TmplText as the SNS notifier uses it: the failing field yields what
 * its template wrote before failing ('' for a parse error), later fields yield '' until
 * {@link TmplText.reset}, and nothing fails the notification (0.25 overwrites the error).
 * FieldRenderer gives '' for the failing field, which suits notifiers that stop on the error.
 */
export class TmplText {
  readonly #template: AlertTemplate
  readonly #data: GoValue
  #error: Error | undefined

  /**
   * TmplText's constructor builds the flush's template data.
   *
   * @param template - the config's template.
   * @param ctx - the flush.
   * @param alerts - the alerts of the notification.
   */
  constructor(template: AlertTemplate, ctx: NotifyContext, alerts: readonly Alert[]) {
    this.#template = template
    this.#data = template.data(ctx.receiver, ctx.groupLabels, alerts, ctx.now)
  }

  /** error is the template error since the last reset, if any. */
  get error(): Error | undefined {
    return this.#error
  }

  /**
   * reset clears the error, as 0.25's `client, err := n.createSNSClient(tmpl)` does.
   *
   * @returns the error it cleared.
   */
  reset(): Error | undefined {
    const error = this.#error
    this.#error = undefined
    return error
  }

  /**
   * text renders one field with text/template.
   *
   * @param template - the field's template text.
   * @returns the output, partial for the failing field, '' after it.
   */
  text(template: string): string {
    if (this.#error !== undefined) {
      return ''
    }
    try {
      return this.#template.executeTextString(template, this.#data)
    } catch (err: unknown) {
      this.#error = err instanceof Error ? err : new Error(String(err))
      return err instanceof ExecError ? err.output : ''
    }
  }
}
