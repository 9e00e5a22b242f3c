/**
 * Escaping errors, a port of Go 1.19 html/template/error.go: the error codes and Go's
 * message formats (`html/template:NAME:LINE:COL: ...`).
 */
import { AlertmeshError } from '../../../util/index.js'
import { errorContext } from '../go/index.js'
import type { Node } from '../go/index.js'

/** ErrorCode is Go's html/template ErrorCode, spelled as its Go constant. */
export type ErrorCode =
  | 'OK'
  | 'ErrAmbigContext'
  | 'ErrBadHTML'
  | 'ErrBranchEnd'
  | 'ErrEndContext'
  | 'ErrNoSuchTemplate'
  | 'ErrOutputContext'
  | 'ErrPartialCharset'
  | 'ErrPartialEscape'
  | 'ErrRangeLoopReentry'
  | 'ErrSlashAmbig'
  | 'ErrPredefinedEscaper'
  | 'errJSTmplLit'

/**
 * HtmlTemplateError is Go's html/template *Error. Its fields stay mutable because the
 * escaper fills in the name, line and description prefix after the fact, as Go does; the
 * message is computed from them each time it is read.
 */
export class HtmlTemplateError extends AlertmeshError {
  override name = 'HtmlTemplateError'

  /**
   * HtmlTemplateError's constructor records what Go's errorf records.
   *
   * @param errorCode - the code.
   * @param node - the node the error is at, if known.
   * @param templateName - the template name, set later by the escaper.
   * @param line - the line, when there is no node.
   * @param description - the message without location.
   */
  constructor(
    readonly errorCode: ErrorCode,
    public node: Node | undefined,
    public templateName: string,
    public line: number,
    public description: string
  ) {
    super('AM_TEMPLATE_INVALID')
  }

  /** message formats the error as Go's (*Error).Error. */
  override get message(): string {
    if (this.node !== undefined) {
      return `html/template:${errorContext(this.node).location}: ${this.description}`
    }
    if (this.line !== 0) {
      return `html/template:${this.templateName}:${this.line}: ${this.description}`
    }
    if (this.templateName !== '') {
      return `html/template:${this.templateName}: ${this.description}`
    }
    return `html/template: ${this.description}`
  }

  override set message(_: string) {
    // Error's constructor assigns message; the getter computes it from the fields.
  }
}

/**
 * errorf builds an error as Go's errorf: no template name yet.
 *
 * @param code - the code.
 * @param node - the node, if any.
 * @param line - the line, or 0.
 * @param description - the formatted description.
 * @returns the error.
 */
export function errorf(
  code: ErrorCode,
  node: Node | undefined,
  line: number,
  description: string
): HtmlTemplateError {
  return new HtmlTemplateError(code, node, '', line, description)
}
