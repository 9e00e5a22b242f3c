/**
 * The parse tree, a port of Go 1.19 text/template/parse/node.go. Positions are offsets into
 * the template text in UTF-16 code units (Go counts bytes); {@link errorContext} converts to
 * Go's byte columns for messages.
 */
import { quoteWith } from './strconv.js'

/** NodeType identifies the type of a parse tree node (Go's parse.NodeType). */
export enum NodeType {
  Text,
  Action,
  Bool,
  Chain,
  Command,
  Dot,
  Else,
  End,
  Field,
  Identifier,
  If,
  List,
  Nil,
  Number,
  Pipe,
  Range,
  String,
  Template,
  Variable,
  With,
  Comment,
  Break,
  Continue,
}

/** TreeRef is what a node knows of its tree: the names and text used for error positions. */
export interface TreeRef {
  /** name is the template's name. */
  readonly name: string
  /** parseName is the top-level template's name during parsing, used in messages. */
  readonly parseName: string
  /** text is the whole text the tree was parsed from. */
  readonly text: string
}

/** Node is any parse tree node. */
export type Node =
  | TextNode
  | ActionNode
  | BoolNode
  | ChainNode
  | CommandNode
  | DotNode
  | ElseNode
  | EndNode
  | FieldNode
  | IdentifierNode
  | IfNode
  | ListNode
  | NilNode
  | NumberNode
  | PipeNode
  | RangeNode
  | StringNode
  | TemplateNode
  | VariableNode
  | WithNode
  | CommentNode
  | BreakNode
  | ContinueNode

abstract class BaseNode {
  /**
   * BaseNode's constructor records the tree and position.
   *
   * @param tr - the tree the node belongs to.
   * @param pos - the offset of the node's start in the tree's text.
   */
  constructor(
    readonly tr: TreeRef,
    readonly pos: number
  ) {}

  /**
   * toString renders the node as template source, as Go's Node.String does.
   *
   * @returns the text.
   */
  abstract toString(): string
}

/** ListNode holds a sequence of nodes. */
export class ListNode extends BaseNode {
  readonly type = NodeType.List
  readonly nodes: Node[] = []
  /** toString renders the nodes in order. */
  toString(): string {
    return this.nodes.map((n) => n.toString()).join('')
  }
}

/** TextNode holds plain text. */
export class TextNode extends BaseNode {
  readonly type = NodeType.Text
  /**
   * TextNode's constructor records the text.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the text.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly text: string
  ) {
    super(tr, pos)
  }
  /** toString returns the text itself. */
  toString(): string {
    return this.text
  }
}

/** CommentNode holds a comment (only with the parseComments mode). */
export class CommentNode extends BaseNode {
  readonly type = NodeType.Comment
  /**
   * CommentNode's constructor records the comment text.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the comment with its delimiters.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly text: string
  ) {
    super(tr, pos)
  }
  /** toString renders `{{/* ... *\/}}`. */
  toString(): string {
    return `{{${this.text}}}`
  }
}

/** PipeNode holds a pipeline with optional variable declarations. */
export class PipeNode extends BaseNode {
  readonly type = NodeType.Pipe
  isAssign = false
  readonly decl: VariableNode[] = []
  readonly cmds: CommandNode[] = []
  /**
   * PipeNode's constructor records the line.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line number of the pipeline.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number
  ) {
    super(tr, pos)
  }
  /** toString renders `$x := cmd | cmd`. */
  toString(): string {
    let s = ''
    if (this.decl.length > 0) {
      s = `${this.decl.map((v) => v.toString()).join(', ')} := `
    }
    return s + this.cmds.map((c) => c.toString()).join(' | ')
  }
}

/** ActionNode holds an action that is not a control structure. */
export class ActionNode extends BaseNode {
  readonly type = NodeType.Action
  /**
   * ActionNode's constructor records the pipeline.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param pipe - the pipeline.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number,
    readonly pipe: PipeNode
  ) {
    super(tr, pos)
  }
  /** toString renders `{{pipeline}}`. */
  toString(): string {
    return `{{${this.pipe.toString()}}}`
  }
}

/** CommandNode holds one command of a pipeline: a function or value and its arguments. */
export class CommandNode extends BaseNode {
  readonly type = NodeType.Command
  readonly args: Node[] = []
  /** toString renders the arguments, parenthesizing pipelines. */
  toString(): string {
    return this.args
      .map((a) => (a.type === NodeType.Pipe ? `(${a.toString()})` : a.toString()))
      .join(' ')
  }
}

/** IdentifierNode holds a function name. */
export class IdentifierNode extends BaseNode {
  readonly type = NodeType.Identifier
  /**
   * IdentifierNode's constructor records the name.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param ident - the name.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly ident: string
  ) {
    super(tr, pos)
  }
  /** toString returns the name. */
  toString(): string {
    return this.ident
  }
}

/** VariableNode holds a variable and the fields chained to it (`$x.A.B`). */
export class VariableNode extends BaseNode {
  readonly type = NodeType.Variable
  readonly ident: string[]
  /**
   * VariableNode's constructor splits `$x.A.B` into its parts.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param ident - the whole text.
   */
  constructor(tr: TreeRef, pos: number, ident: string) {
    super(tr, pos)
    this.ident = ident.split('.')
  }
  /** toString joins the parts with dots. */
  toString(): string {
    return this.ident.join('.')
  }
}

/** DotNode is the cursor, `.`. */
export class DotNode extends BaseNode {
  readonly type = NodeType.Dot
  /** toString returns `.`. */
  toString(): string {
    return '.'
  }
}

/** NilNode is the untyped `nil`. */
export class NilNode extends BaseNode {
  readonly type = NodeType.Nil
  /** toString returns `nil`. */
  toString(): string {
    return 'nil'
  }
}

/** FieldNode holds a field chain on dot, `.A.B`. */
export class FieldNode extends BaseNode {
  readonly type = NodeType.Field
  readonly ident: string[]
  /**
   * FieldNode's constructor splits `.A.B` into its names.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param ident - the whole text with its leading dot.
   */
  constructor(tr: TreeRef, pos: number, ident: string) {
    super(tr, pos)
    this.ident = ident.slice(1).split('.')
  }
  /** toString renders `.A.B`. */
  toString(): string {
    return this.ident.map((id) => `.${id}`).join('')
  }
}

/** ChainNode holds fields applied to a term that is not dot or a variable, `(x).A`. */
export class ChainNode extends BaseNode {
  readonly type = NodeType.Chain
  readonly field: string[] = []
  /**
   * ChainNode's constructor records the term.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param node - the term the fields apply to.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly node: Node
  ) {
    super(tr, pos)
  }
  /**
   * add appends a field, given with its leading dot.
   *
   * @param field - `.Name`.
   */
  add(field: string): void {
    this.field.push(field.slice(1))
  }
  /** toString renders the term and its fields. */
  toString(): string {
    const head =
      this.node.type === NodeType.Pipe ? `(${this.node.toString()})` : this.node.toString()
    return head + this.field.map((f) => `.${f}`).join('')
  }
}

/** BoolNode is a boolean constant. */
export class BoolNode extends BaseNode {
  readonly type = NodeType.Bool
  /**
   * BoolNode's constructor records the value.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param value - the constant.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly value: boolean
  ) {
    super(tr, pos)
  }
  /** toString returns `true` or `false`. */
  toString(): string {
    return this.value ? 'true' : 'false'
  }
}

/**
 * NumberNode is a numeric constant with every interpretation that holds exactly, as Go's
 * parse.NumberNode (int64, uint64 and float64 views).
 */
export class NumberNode extends BaseNode {
  readonly type = NodeType.Number
  isInt = false
  isUint = false
  isFloat = false
  isComplex = false
  int64 = 0n
  uint64 = 0n
  float64 = 0
  /**
   * NumberNode's constructor records the literal text; the parser fills in the values.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the literal.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly text: string
  ) {
    super(tr, pos)
  }
  /** toString returns the literal as written. */
  toString(): string {
    return this.text
  }
}

/** StringNode is a string constant. */
export class StringNode extends BaseNode {
  readonly type = NodeType.String
  /**
   * StringNode's constructor records the literal and its value.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param quoted - the literal with quotes.
   * @param text - the unquoted value.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly quoted: string,
    readonly text: string
  ) {
    super(tr, pos)
  }
  /** toString returns the literal as written. */
  toString(): string {
    return this.quoted
  }
}

/** EndNode is an `{{end}}`; the parser consumes it and never puts it in a tree. */
export class EndNode extends BaseNode {
  readonly type = NodeType.End
  /** toString returns `{{end}}`. */
  toString(): string {
    return '{{end}}'
  }
}

/** ElseNode is an `{{else}}`; the parser consumes it and never puts it in a tree. */
export class ElseNode extends BaseNode {
  readonly type = NodeType.Else
  /** toString returns `{{else}}`. */
  toString(): string {
    return '{{else}}'
  }
}

abstract class BranchNode extends BaseNode {
  abstract readonly keyword: string
  /**
   * BranchNode's constructor records the parts of an if, range or with.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param pipe - the pipeline.
   * @param list - what runs when the value is non-empty.
   * @param elseList - what runs otherwise, if present.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number,
    readonly pipe: PipeNode,
    readonly list: ListNode,
    readonly elseList: ListNode | undefined
  ) {
    super(tr, pos)
  }
  /** toString renders the whole control structure. */
  toString(): string {
    const e = this.elseList === undefined ? '' : `{{else}}${this.elseList.toString()}`
    return `{{${this.keyword} ${this.pipe.toString()}}}${this.list.toString()}${e}{{end}}`
  }
}

/** IfNode is an `{{if}}` action. */
export class IfNode extends BranchNode {
  readonly type = NodeType.If
  readonly keyword = 'if'
}

/** RangeNode is a `{{range}}` action. */
export class RangeNode extends BranchNode {
  readonly type = NodeType.Range
  readonly keyword = 'range'
}

/** WithNode is a `{{with}}` action. */
export class WithNode extends BranchNode {
  readonly type = NodeType.With
  readonly keyword = 'with'
}

/** BreakNode is a `{{break}}` action. */
export class BreakNode extends BaseNode {
  readonly type = NodeType.Break
  /**
   * BreakNode's constructor records the line.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number
  ) {
    super(tr, pos)
  }
  /** toString returns `{{break}}`. */
  toString(): string {
    return '{{break}}'
  }
}

/** ContinueNode is a `{{continue}}` action. */
export class ContinueNode extends BaseNode {
  readonly type = NodeType.Continue
  /**
   * ContinueNode's constructor records the line.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number
  ) {
    super(tr, pos)
  }
  /** toString returns `{{continue}}`. */
  toString(): string {
    return '{{continue}}'
  }
}

/** TemplateNode is a `{{template}}` action (also what a `{{block}}` leaves in place). */
export class TemplateNode extends BaseNode {
  readonly type = NodeType.Template
  /**
   * TemplateNode's constructor records the invoked name and pipeline.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param name - the template name, unquoted.
   * @param pipe - the pipeline giving dot, if any.
   */
  constructor(
    tr: TreeRef,
    pos: number,
    readonly line: number,
    readonly name: string,
    readonly pipe: PipeNode | undefined
  ) {
    super(tr, pos)
  }
  /** toString renders `{{template "name" pipeline}}`. */
  toString(): string {
    const p = this.pipe === undefined ? '' : ` ${this.pipe.toString()}`
    return `{{template ${quoteWith(this.name, false)}${p}}}`
  }
}

// bytes.TrimSpace's unicode.IsSpace set; JS's \s would also take U+FEFF, which Go does not.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/**
 * errorContext returns Go's `name:line:col` location of a node and its source text
 * (parse.Tree.ErrorContext), the column counted in bytes as Go does.
 *
 * @param n - the node.
 * @returns the location and context.
 */
export function errorContext(n: Node): { location: string; context: string } {
  const text = n.tr.text.slice(0, n.pos)
  const nl = text.lastIndexOf('\n')
  const byteNum = nl === -1 ? utf8Length(text) : utf8Length(text.slice(nl + 1))
  let lineNum = 1
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lineNum++
  }
  return { location: `${n.tr.parseName}:${lineNum}:${byteNum}`, context: n.toString() }
}

/**
 * isEmptyTree reports whether a tree holds nothing but space and comments (parse.IsEmptyTree).
 *
 * @param n - the root, or undefined.
 * @returns true when empty.
 */
export function isEmptyTree(n: Node | undefined): boolean {
  if (n === undefined) {
    return true
  }
  switch (n.type) {
    case NodeType.Comment:
      return true
    case NodeType.List:
      return n.nodes.every((c) => isEmptyTree(c))
    case NodeType.Text:
      return GO_SPACE.test(n.text)
    default:
      return false
  }
}

/** BranchLike is any of the control structures with a pipeline, a list and an else list. */
export type BranchLike = IfNode | RangeNode | WithNode
