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

// The node classes declare their fields (`declare`) and assign them in constructors instead of
// using class field initializers or parameter properties: under ES2022 class-field (define)
// semantics, Node 20's V8 defines each field of each new node, and the base class's field
// initializer was the largest item of a warm parse's profile; with plain assignments a warm
// parse of the default templates is three times faster.
abstract class BaseNode {
  declare readonly tr: TreeRef
  declare readonly pos: number
  /**
   * BaseNode's constructor records the tree and position.
   *
   * @param tr - the tree the node belongs to.
   * @param pos - the offset of the node's start in the tree's text.
   */
  constructor(tr: TreeRef, pos: number) {
    this.tr = tr
    this.pos = pos
  }

  /**
   * toString renders the node as template source, as Go's Node.String does.
   *
   * @returns the text.
   */
  abstract toString(): string
}

/** ListNode holds a sequence of nodes. */
export class ListNode extends BaseNode {
  declare readonly type: NodeType.List
  declare readonly nodes: Node[]
  /**
   * The constructor records the tree and position.
   *
   * @param tr - the tree.
   * @param pos - the position.
   */
  constructor(tr: TreeRef, pos: number) {
    super(tr, pos)
    this.type = NodeType.List
    this.nodes = []
  }
  /** toString renders the nodes in order. */
  toString(): string {
    return this.nodes.map((n) => n.toString()).join('')
  }
}

/** TextNode holds plain text. */
export class TextNode extends BaseNode {
  declare readonly text: string
  declare readonly type: NodeType.Text
  /**
   * TextNode's constructor records the text.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the text.
   */
  constructor(tr: TreeRef, pos: number, text: string) {
    super(tr, pos)
    this.text = text
    this.type = NodeType.Text
  }
  /** toString returns the text itself. */
  toString(): string {
    return this.text
  }
}

/** CommentNode holds a comment (only with the parseComments mode). */
export class CommentNode extends BaseNode {
  declare readonly text: string
  declare readonly type: NodeType.Comment
  /**
   * CommentNode's constructor records the comment text.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the comment with its delimiters.
   */
  constructor(tr: TreeRef, pos: number, text: string) {
    super(tr, pos)
    this.text = text
    this.type = NodeType.Comment
  }
  /** toString renders `{{/* ... *\/}}`. */
  toString(): string {
    return `{{${this.text}}}`
  }
}

/** PipeNode holds a pipeline with optional variable declarations. */
export class PipeNode extends BaseNode {
  declare readonly line: number
  declare readonly type: NodeType.Pipe
  declare isAssign: boolean
  declare readonly decl: VariableNode[]
  declare readonly cmds: CommandNode[]
  /**
   * PipeNode's constructor records the line.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line number of the pipeline.
   */
  constructor(tr: TreeRef, pos: number, line: number) {
    super(tr, pos)
    this.line = line
    this.type = NodeType.Pipe
    this.isAssign = false
    this.decl = []
    this.cmds = []
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
  declare readonly line: number
  declare readonly pipe: PipeNode
  declare readonly type: NodeType.Action
  /**
   * ActionNode's constructor records the pipeline.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param pipe - the pipeline.
   */
  constructor(tr: TreeRef, pos: number, line: number, pipe: PipeNode) {
    super(tr, pos)
    this.line = line
    this.pipe = pipe
    this.type = NodeType.Action
  }
  /** toString renders `{{pipeline}}`. */
  toString(): string {
    return `{{${this.pipe.toString()}}}`
  }
}

/** CommandNode holds one command of a pipeline: a function or value and its arguments. */
export class CommandNode extends BaseNode {
  declare readonly type: NodeType.Command
  declare readonly args: Node[]
  /**
   * The constructor records the tree and position.
   *
   * @param tr - the tree.
   * @param pos - the position.
   */
  constructor(tr: TreeRef, pos: number) {
    super(tr, pos)
    this.type = NodeType.Command
    this.args = []
  }
  /** toString renders the arguments, parenthesizing pipelines. */
  toString(): string {
    return this.args
      .map((a) => (a.type === NodeType.Pipe ? `(${a.toString()})` : a.toString()))
      .join(' ')
  }
}

/** IdentifierNode holds a function name. */
export class IdentifierNode extends BaseNode {
  declare readonly ident: string
  declare readonly type: NodeType.Identifier
  /**
   * IdentifierNode's constructor records the name.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param ident - the name.
   */
  constructor(tr: TreeRef, pos: number, ident: string) {
    super(tr, pos)
    this.ident = ident
    this.type = NodeType.Identifier
  }
  /** toString returns the name. */
  toString(): string {
    return this.ident
  }
}

/** VariableNode holds a variable and the fields chained to it (`$x.A.B`). */
export class VariableNode extends BaseNode {
  declare readonly type: NodeType.Variable
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
    this.type = NodeType.Variable
  }
  /** toString joins the parts with dots. */
  toString(): string {
    return this.ident.join('.')
  }
}

/** WordType is the type of a node that is one fixed word: the types {@link WordNode} stands for. */
export type WordType = NodeType.Dot | NodeType.Nil | NodeType.End | NodeType.Else | JumpType

/** JumpType is the type of a `{{break}}` or `{{continue}}`: the types {@link JumpNode} stands for. */
export type JumpType = NodeType.Break | NodeType.Continue

const WORD_TEXT: Readonly<Record<WordType, string>> = {
  [NodeType.Dot]: '.',
  [NodeType.Nil]: 'nil',
  [NodeType.End]: '{{end}}',
  [NodeType.Else]: '{{else}}',
  [NodeType.Break]: '{{break}}',
  [NodeType.Continue]: '{{continue}}',
}

/**
 * WordNode is a node that holds nothing but its position and always renders as the same
 * word: Go's DotNode, NilNode, EndNode and ElseNode (the parser consumes the last two and never
 * puts them in a tree), one class whose type parameter names which.
 */
export class WordNode<T extends WordType> extends BaseNode {
  declare readonly type: T
  /**
   * WordNode's constructor records which word, the tree and position.
   *
   * @param type - which word it is.
   * @param tr - the tree.
   * @param pos - the position.
   */
  constructor(type: T, tr: TreeRef, pos: number) {
    super(tr, pos)
    this.type = type
  }
  /** toString returns the word: `.`, `nil`, `{{end}}`, `{{else}}`, `{{break}}` or `{{continue}}`. */
  toString(): string {
    return WORD_TEXT[this.type]
  }
}

/** JumpNode is a `{{break}}` or `{{continue}}` action: a word that also records its line. */
export class JumpNode<T extends JumpType> extends WordNode<T> {
  declare readonly line: number
  /**
   * JumpNode's constructor records which jump, the tree, position and line.
   *
   * @param type - break or continue.
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   */
  constructor(type: T, tr: TreeRef, pos: number, line: number) {
    super(type, tr, pos)
    this.line = line
  }
}

/** DotNode is the cursor, `.`. */
export type DotNode = WordNode<NodeType.Dot>
/** NilNode is the untyped `nil`. */
export type NilNode = WordNode<NodeType.Nil>
/** EndNode is an `{{end}}`. */
export type EndNode = WordNode<NodeType.End>
/** ElseNode is an `{{else}}`. */
export type ElseNode = WordNode<NodeType.Else>
/** BreakNode is a `{{break}}` action. */
export type BreakNode = JumpNode<NodeType.Break>
/** ContinueNode is a `{{continue}}` action. */
export type ContinueNode = JumpNode<NodeType.Continue>

/** FieldNode holds a field chain on dot, `.A.B`. */
export class FieldNode extends BaseNode {
  declare readonly type: NodeType.Field
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
    this.type = NodeType.Field
  }
  /** toString renders `.A.B`. */
  toString(): string {
    return this.ident.map((id) => `.${id}`).join('')
  }
}

/** ChainNode holds fields applied to a term that is not dot or a variable, `(x).A`. */
export class ChainNode extends BaseNode {
  declare readonly node: Node
  declare readonly type: NodeType.Chain
  declare readonly field: string[]
  /**
   * ChainNode's constructor records the term.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param node - the term the fields apply to.
   */
  constructor(tr: TreeRef, pos: number, node: Node) {
    super(tr, pos)
    this.node = node
    this.type = NodeType.Chain
    this.field = []
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
  declare readonly value: boolean
  declare readonly type: NodeType.Bool
  /**
   * BoolNode's constructor records the value.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param value - the constant.
   */
  constructor(tr: TreeRef, pos: number, value: boolean) {
    super(tr, pos)
    this.value = value
    this.type = NodeType.Bool
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
  declare readonly text: string
  declare readonly type: NodeType.Number
  declare isInt: boolean
  declare isUint: boolean
  declare isFloat: boolean
  declare isComplex: boolean
  declare int64: bigint
  declare uint64: bigint
  declare float64: number
  /**
   * NumberNode's constructor records the literal text; the parser fills in the values.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param text - the literal.
   */
  constructor(tr: TreeRef, pos: number, text: string) {
    super(tr, pos)
    this.text = text
    this.type = NodeType.Number
    this.isInt = false
    this.isUint = false
    this.isFloat = false
    this.isComplex = false
    this.int64 = 0n
    this.uint64 = 0n
    this.float64 = 0
  }
  /** toString returns the literal as written. */
  toString(): string {
    return this.text
  }
}

/** StringNode is a string constant. */
export class StringNode extends BaseNode {
  declare readonly quoted: string
  declare readonly text: string
  declare readonly type: NodeType.String
  /**
   * StringNode's constructor records the literal and its value.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param quoted - the literal with quotes.
   * @param text - the unquoted value.
   */
  constructor(tr: TreeRef, pos: number, quoted: string, text: string) {
    super(tr, pos)
    this.quoted = quoted
    this.text = text
    this.type = NodeType.String
  }
  /** toString returns the literal as written. */
  toString(): string {
    return this.quoted
  }
}

/** BranchType is the type of an if, range or with: the node types {@link BranchNode} stands for. */
export type BranchType = NodeType.If | NodeType.Range | NodeType.With

const BRANCH_KEYWORD: Readonly<Record<BranchType, string>> = {
  [NodeType.If]: 'if',
  [NodeType.Range]: 'range',
  [NodeType.With]: 'with',
}

/**
 * BranchNode is an `{{if}}`, `{{range}}` or `{{with}}` action, told apart by its type. Go has a
 * struct each (IfNode, RangeNode, WithNode) embedding one BranchNode; here they are one class
 * whose type parameter names which, and the aliases below keep Go's names.
 */
export class BranchNode<T extends BranchType> extends BaseNode {
  declare readonly type: T
  declare readonly line: number
  declare readonly pipe: PipeNode
  declare readonly list: ListNode
  declare readonly elseList: ListNode | undefined
  /**
   * BranchNode's constructor records the parts of an if, range or with.
   *
   * @param type - which of the three it is.
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param pipe - the pipeline.
   * @param list - what runs when the value is non-empty.
   * @param elseList - what runs otherwise, if present.
   */
  constructor(
    type: T,
    tr: TreeRef,
    pos: number,
    line: number,
    pipe: PipeNode,
    list: ListNode,
    elseList: ListNode | undefined
  ) {
    super(tr, pos)
    this.type = type
    this.line = line
    this.pipe = pipe
    this.list = list
    this.elseList = elseList
  }
  /** toString renders the whole control structure. */
  toString(): string {
    const e = this.elseList === undefined ? '' : `{{else}}${this.elseList.toString()}`
    const keyword = BRANCH_KEYWORD[this.type]
    return `{{${keyword} ${this.pipe.toString()}}}${this.list.toString()}${e}{{end}}`
  }
}

/** IfNode is an `{{if}}` action. */
export type IfNode = BranchNode<NodeType.If>
/** RangeNode is a `{{range}}` action. */
export type RangeNode = BranchNode<NodeType.Range>
/** WithNode is a `{{with}}` action. */
export type WithNode = BranchNode<NodeType.With>

/** TemplateNode is a `{{template}}` action (also what a `{{block}}` leaves in place). */
export class TemplateNode extends BaseNode {
  declare readonly line: number
  declare readonly name: string
  declare readonly pipe: PipeNode | undefined
  declare readonly type: NodeType.Template
  /**
   * TemplateNode's constructor records the invoked name and pipeline.
   *
   * @param tr - the tree.
   * @param pos - the position.
   * @param line - the line.
   * @param name - the template name, unquoted.
   * @param pipe - the pipeline giving dot, if any.
   */
  constructor(tr: TreeRef, pos: number, line: number, name: string, pipe: PipeNode | undefined) {
    super(tr, pos)
    this.line = line
    this.name = name
    this.pipe = pipe
    this.type = NodeType.Template
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
