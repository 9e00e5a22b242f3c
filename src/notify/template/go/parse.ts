/**
 * The template parser, a port of Go 1.19 text/template/parse/parse.go: the same grammar, the
 * same three-token lookahead and the same error messages and line numbers.
 */
import { AlertmeshError } from '../../../util/index.js'

import { ItemType, Lexer, itemString } from './lex.js'
import type { Item } from './lex.js'
import {
  ActionNode,
  BoolNode,
  BranchNode,
  ChainNode,
  CommandNode,
  CommentNode,
  FieldNode,
  IdentifierNode,
  JumpNode,
  ListNode,
  NodeType,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  TextNode,
  VariableNode,
  WordNode,
  isEmptyTree,
} from './node.js'
import type { Node, TreeRef } from './node.js'
import {
  StrconvError,
  parseGoFloat,
  parseGoInt,
  quoteWith,
  unquote,
  unquoteChar,
} from './strconv.js'

/** ParseError is a template parse error; its message is Go's, `template: NAME:LINE: ...`. */
export class ParseError extends AlertmeshError {
  override name = 'ParseError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_INVALID', message, options)
  }
}

/** ParseMode is Go's parse.Mode. */
export interface ParseMode {
  /** parseComments keeps comments in the tree as CommentNodes. */
  readonly parseComments?: boolean
  /** skipFuncCheck parses calls to functions that are not defined. */
  readonly skipFuncCheck?: boolean
}

/** Tree is one parsed template: its name and the root of its nodes (Go's parse.Tree). */
export class Tree implements TreeRef {
  name: string
  parseName = ''
  root: ListNode | undefined
  text = ''
  mode: ParseMode = {}
  #hasFunc: (name: string) => boolean = () => false
  #lex: Lexer | undefined
  readonly #token: [Item, Item, Item]
  #peekCount = 0
  #vars: string[] = []
  #treeSet = new Map<string, Tree>()
  #actionLine = 0
  #rangeDepth = 0

  /**
   * Tree's constructor creates an empty tree.
   *
   * @param name - the template name.
   */
  constructor(name: string) {
    this.name = name
    const none: Item = { typ: ItemType.EOF, pos: 0, val: '', line: 0 }
    this.#token = [none, none, none]
  }

  /**
   * parse parses `text` into this tree and adds it and every `define`d template to treeSet.
   *
   * @param text - the template text.
   * @param leftDelim - the left delimiter ('' for `{{`).
   * @param rightDelim - the right delimiter ('' for `}}`).
   * @param treeSet - where trees go, by name.
   * @param hasFunc - whether a function name is defined.
   * @throws ParseError with Go's message.
   */
  parse(
    text: string,
    leftDelim: string,
    rightDelim: string,
    treeSet: Map<string, Tree>,
    hasFunc: (name: string) => boolean
  ): void {
    this.parseName = this.name
    const lex = new Lexer(
      text,
      leftDelim,
      rightDelim,
      this.mode.parseComments === true,
      !hasFunc('break'),
      !hasFunc('continue')
    )
    this.#startParse(hasFunc, lex, treeSet)
    this.text = text
    try {
      this.#parse()
      this.#add()
    } catch (e) {
      this.root = undefined
      throw e
    } finally {
      this.#stopParse()
    }
  }

  #startParse(hasFunc: (name: string) => boolean, lex: Lexer, treeSet: Map<string, Tree>): void {
    this.root = undefined
    this.#lex = lex
    this.#vars = ['$']
    this.#hasFunc = hasFunc
    this.#treeSet = treeSet
  }

  #stopParse(): void {
    this.#lex = undefined
    this.#vars = []
  }

  #next(): Item {
    if (this.#peekCount > 0) {
      this.#peekCount--
    } else {
      this.#token[0] = (this.#lex as Lexer).nextItem()
    }
    return this.#token[this.#peekCount] as Item
  }

  #backup(): void {
    this.#peekCount++
  }

  #backup2(t1: Item): void {
    this.#token[1] = t1
    this.#peekCount = 2
  }

  #backup3(t2: Item, t1: Item): void {
    this.#token[1] = t1
    this.#token[2] = t2
    this.#peekCount = 3
  }

  #peek(): Item {
    if (this.#peekCount > 0) {
      return this.#token[this.#peekCount - 1] as Item
    }
    this.#peekCount = 1
    this.#token[0] = (this.#lex as Lexer).nextItem()
    return this.#token[0]
  }

  #nextNonSpace(): Item {
    for (;;) {
      const token = this.#next()
      if (token.typ !== ItemType.Space) {
        return token
      }
    }
  }

  #peekNonSpace(): Item {
    const token = this.#nextNonSpace()
    this.#backup()
    return token
  }

  #errorf(message: string): never {
    this.root = undefined
    throw new ParseError(`template: ${this.parseName}:${this.#token[0].line}: ${message}`)
  }

  #expect(expected: ItemType, context: string): Item {
    const token = this.#nextNonSpace()
    if (token.typ !== expected) {
      this.#unexpected(token, context)
    }
    return token
  }

  #expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const token = this.#nextNonSpace()
    if (token.typ !== e1 && token.typ !== e2) {
      this.#unexpected(token, context)
    }
    return token
  }

  #unexpected(token: Item, context: string): never {
    if (token.typ === ItemType.Error) {
      let extra = ''
      if (this.#actionLine !== 0 && this.#actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.#actionLine}`
        if (token.val.endsWith(' action')) {
          extra = extra.slice(' in action'.length) // avoid "action in action"
        }
      }
      this.#errorf(`${itemString(token)}${extra}`)
    }
    this.#errorf(`unexpected ${itemString(token)} in ${context}`)
  }

  #add(): void {
    const tree = this.#treeSet.get(this.name)
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.#treeSet.set(this.name, this)
      return
    }
    if (!isEmptyTree(this.root)) {
      this.#errorf(`template: multiple definition of template ${quoteWith(this.name, false)}`)
    }
  }

  #child(name: string): Tree {
    const t = new Tree(name)
    t.text = this.text
    t.mode = this.mode
    t.parseName = this.parseName
    t.#startParse(this.#hasFunc, this.#lex as Lexer, this.#treeSet)
    // The lookahead lives in the parser in Go too: a child continues from the same lexer.
    return t
  }

  #parse(): void {
    this.root = new ListNode(this, this.#peek().pos)
    while (this.#peek().typ !== ItemType.EOF) {
      if (this.#peek().typ === ItemType.LeftDelim) {
        const delim = this.#next()
        if (this.#nextNonSpace().typ === ItemType.Define) {
          const newT = this.#child('definition')
          newT.#parseDefinition()
          continue
        }
        this.#backup2(delim)
      }
      const n = this.#textOrAction()
      if (n.type === NodeType.End || n.type === NodeType.Else) {
        this.#errorf(`unexpected ${n.toString()}`)
      }
      this.root.nodes.push(n)
    }
  }

  #parseDefinition(): void {
    const context = 'define clause'
    const name = this.#expectOneOf(ItemType.String, ItemType.RawString, context)
    this.name = this.#unquote(name.val)
    this.#expect(ItemType.RightDelim, context)
    const { list, next } = this.#itemList()
    this.root = list
    if (next.type !== NodeType.End) {
      this.#errorf(`unexpected ${next.toString()} in ${context}`)
    }
    this.#add()
    this.#stopParse()
  }

  #unquote(s: string): string {
    try {
      return unquote(s)
    } catch (e) {
      if (e instanceof StrconvError) {
        this.#errorf(e.message)
      }
      throw e
    }
  }

  #itemList(): { list: ListNode; next: Node } {
    const list = new ListNode(this, this.#peekNonSpace().pos)
    while (this.#peekNonSpace().typ !== ItemType.EOF) {
      const n = this.#textOrAction()
      if (n.type === NodeType.End || n.type === NodeType.Else) {
        return { list, next: n }
      }
      list.nodes.push(n)
    }
    this.#errorf('unexpected EOF')
  }

  #textOrAction(): Node {
    const token = this.#nextNonSpace()
    switch (token.typ) {
      case ItemType.Text:
        return new TextNode(this, token.pos, token.val)
      case ItemType.LeftDelim:
        this.#actionLine = token.line
        try {
          return this.#action()
        } finally {
          this.#actionLine = 0
        }
      case ItemType.Comment:
        return new CommentNode(this, token.pos, token.val)
      default:
        this.#unexpected(token, 'input')
    }
  }

  #action(): Node {
    const token = this.#nextNonSpace()
    switch (token.typ) {
      case ItemType.Block:
        return this.#blockControl()
      case ItemType.Break:
        return this.#breakControl(token.pos, token.line)
      case ItemType.Continue:
        return this.#continueControl(token.pos, token.line)
      case ItemType.Else:
        return this.#elseControl()
      case ItemType.End:
        return this.#endControl()
      case ItemType.If:
        return this.#ifControl()
      case ItemType.Range:
        return this.#rangeControl()
      case ItemType.Template:
        return this.#templateControl()
      case ItemType.With:
        return this.#withControl()
      default:
        break
    }
    this.#backup()
    const t = this.#peek()
    return new ActionNode(this, t.pos, t.line, this.#pipeline('command', ItemType.RightDelim))
  }

  #breakControl(pos: number, line: number): Node {
    const token = this.#nextNonSpace()
    if (token.typ !== ItemType.RightDelim) {
      this.#unexpected(token, '{{break}}')
    }
    if (this.#rangeDepth === 0) {
      this.#errorf('{{break}} outside {{range}}')
    }
    return new JumpNode(NodeType.Break, this, pos, line)
  }

  #continueControl(pos: number, line: number): Node {
    const token = this.#nextNonSpace()
    if (token.typ !== ItemType.RightDelim) {
      this.#unexpected(token, '{{continue}}')
    }
    if (this.#rangeDepth === 0) {
      this.#errorf('{{continue}} outside {{range}}')
    }
    return new JumpNode(NodeType.Continue, this, pos, line)
  }

  #pipeline(context: string, end: ItemType): PipeNode {
    const token = this.#peekNonSpace()
    const pipe = new PipeNode(this, token.pos, token.line)
    // Are there declarations or assignments?
    decls: for (;;) {
      const v = this.#peekNonSpace()
      if (v.typ === ItemType.Variable) {
        this.#next()
        // The space after a variable matters: "$x (" is not "$x(".
        const tokenAfterVariable = this.#peek()
        const next = this.#peekNonSpace()
        if (next.typ === ItemType.Assign || next.typ === ItemType.Declare) {
          pipe.isAssign = next.typ === ItemType.Assign
          this.#nextNonSpace()
          pipe.decl.push(new VariableNode(this, v.pos, v.val))
          this.#vars.push(v.val)
        } else if (next.typ === ItemType.Char && next.val === ',') {
          this.#nextNonSpace()
          pipe.decl.push(new VariableNode(this, v.pos, v.val))
          this.#vars.push(v.val)
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.#peekNonSpace().typ
            if (p === ItemType.Variable || p === ItemType.RightDelim || p === ItemType.RightParen) {
              continue decls
            }
            this.#errorf('range can only initialize variables')
          }
          this.#errorf(`too many declarations in ${context}`)
        } else if (tokenAfterVariable.typ === ItemType.Space) {
          this.#backup3(v, tokenAfterVariable)
        } else {
          this.#backup2(v)
        }
      }
      break
    }
    for (;;) {
      const token = this.#nextNonSpace()
      switch (token.typ) {
        case end:
          this.#checkPipeline(pipe, context)
          return pipe
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Complex:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.#backup()
          pipe.cmds.push(this.#command())
          break
        default:
          this.#unexpected(token, context)
      }
    }
  }

  #checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) {
      this.#errorf(`missing value for ${context}`)
    }
    for (let i = 1; i < pipe.cmds.length; i++) {
      const t = (pipe.cmds[i] as CommandNode).args[0]?.type
      if (
        t === NodeType.Bool ||
        t === NodeType.Dot ||
        t === NodeType.Nil ||
        t === NodeType.Number ||
        t === NodeType.String
      ) {
        this.#errorf(`non executable command in pipeline stage ${i + 1}`)
      }
    }
  }

  #parseControl(
    allowElseIf: boolean,
    context: string
  ): [number, number, PipeNode, ListNode, ListNode | undefined] {
    const mark = this.#vars.length
    try {
      const pipe = this.#pipeline(context, ItemType.RightDelim)
      if (context === 'range') {
        this.#rangeDepth++
      }
      const r = this.#itemList()
      const list = r.list
      let next = r.next
      if (context === 'range') {
        this.#rangeDepth--
      }
      let elseList: ListNode | undefined
      if (next.type === NodeType.Else) {
        if (allowElseIf && this.#peek().typ === ItemType.If) {
          // "{{else if ...}} ..." is "{{else}}{{if ...}} ... {{end}}{{end}}" sharing one end.
          this.#next()
          elseList = new ListNode(this, next.pos)
          elseList.nodes.push(this.#ifControl())
        } else {
          const e = this.#itemList()
          elseList = e.list
          next = e.next
          if (next.type !== NodeType.End) {
            this.#errorf(`expected end; found ${next.toString()}`)
          }
        }
      }
      return [pipe.pos, pipe.line, pipe, list, elseList]
    } finally {
      this.#vars.length = mark
    }
  }

  #ifControl(): Node {
    return new BranchNode(NodeType.If, this, ...this.#parseControl(true, 'if'))
  }

  #rangeControl(): Node {
    return new BranchNode(NodeType.Range, this, ...this.#parseControl(false, 'range'))
  }

  #withControl(): Node {
    return new BranchNode(NodeType.With, this, ...this.#parseControl(false, 'with'))
  }

  #endControl(): Node {
    return new WordNode(NodeType.End, this, this.#expect(ItemType.RightDelim, 'end').pos)
  }

  #elseControl(): Node {
    const peek = this.#peekNonSpace()
    if (peek.typ === ItemType.If) {
      // We see "{{else if ... " but in effect rewrite it to {{else}}{{if ... ".
      return new WordNode(NodeType.Else, this, peek.pos)
    }
    const token = this.#expect(ItemType.RightDelim, 'else')
    return new WordNode(NodeType.Else, this, token.pos)
  }

  #blockControl(): Node {
    const context = 'block clause'
    const token = this.#nextNonSpace()
    const name = this.#parseTemplateName(token, context)
    const pipe = this.#pipeline(context, ItemType.RightDelim)
    const block = this.#child(name)
    const { list, next } = block.#itemList()
    block.root = list
    if (next.type !== NodeType.End) {
      this.#errorf(`unexpected ${next.toString()} in ${context}`)
    }
    block.#add()
    block.#stopParse()
    return new TemplateNode(this, token.pos, token.line, name, pipe)
  }

  #templateControl(): Node {
    const context = 'template clause'
    const token = this.#nextNonSpace()
    const name = this.#parseTemplateName(token, context)
    let pipe: PipeNode | undefined
    if (this.#nextNonSpace().typ !== ItemType.RightDelim) {
      this.#backup()
      pipe = this.#pipeline(context, ItemType.RightDelim)
    }
    return new TemplateNode(this, token.pos, token.line, name, pipe)
  }

  #parseTemplateName(token: Item, context: string): string {
    if (token.typ === ItemType.String || token.typ === ItemType.RawString) {
      return this.#unquote(token.val)
    }
    this.#unexpected(token, context)
  }

  #command(): CommandNode {
    const cmd = new CommandNode(this, this.#peekNonSpace().pos)
    for (;;) {
      this.#peekNonSpace() // skip leading spaces.
      const operand = this.#operand()
      if (operand !== undefined) {
        cmd.args.push(operand)
      }
      const token = this.#next()
      if (token.typ === ItemType.Space) {
        continue
      }
      if (token.typ === ItemType.RightDelim || token.typ === ItemType.RightParen) {
        this.#backup()
      } else if (token.typ !== ItemType.Pipe) {
        this.#unexpected(token, 'operand')
      }
      break
    }
    if (cmd.args.length === 0) {
      this.#errorf('empty command')
    }
    return cmd
  }

  #operand(): Node | undefined {
    let node = this.#term()
    if (node === undefined) {
      return undefined
    }
    if (this.#peek().typ === ItemType.Field) {
      const chain = new ChainNode(this, this.#peek().pos, node)
      while (this.#peek().typ === ItemType.Field) {
        chain.add(this.#next().val)
      }
      // Compatibility with original API: if the term is of type NodeField or NodeVariable,
      // just put more fields on the original.
      switch (node.type) {
        case NodeType.Field:
          node = new FieldNode(this, chain.pos, chain.toString())
          break
        case NodeType.Variable:
          node = new VariableNode(this, chain.pos, chain.toString())
          break
        case NodeType.Bool:
        case NodeType.String:
        case NodeType.Number:
        case NodeType.Nil:
        case NodeType.Dot:
          this.#errorf(`unexpected . after term ${quoteWith(node.toString(), false)}`)
          break
        default:
          node = chain
      }
    }
    return node
  }

  #term(): Node | undefined {
    const token = this.#nextNonSpace()
    switch (token.typ) {
      case ItemType.Identifier:
        if (this.mode.skipFuncCheck !== true && !this.#hasFunc(token.val)) {
          this.#errorf(`function ${quoteWith(token.val, false)} not defined`)
        }
        return new IdentifierNode(this, token.pos, token.val)
      case ItemType.Dot:
        return new WordNode(NodeType.Dot, this, token.pos)
      case ItemType.Nil:
        return new WordNode(NodeType.Nil, this, token.pos)
      case ItemType.Variable:
        return this.#useVar(token.pos, token.val)
      case ItemType.Field:
        return new FieldNode(this, token.pos, token.val)
      case ItemType.Bool:
        return new BoolNode(this, token.pos, token.val === 'true')
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number:
        return this.#newNumber(token.pos, token.val, token.typ)
      case ItemType.LeftParen:
        return this.#pipeline('parenthesized pipeline', ItemType.RightParen)
      case ItemType.String:
      case ItemType.RawString:
        return new StringNode(this, token.pos, token.val, this.#unquote(token.val))
      default:
        this.#backup()
        return undefined
    }
  }

  #useVar(pos: number, name: string): Node {
    const v = new VariableNode(this, pos, name)
    const head = v.ident[0] as string
    if (!this.#vars.includes(head)) {
      this.#errorf(`undefined variable ${quoteWith(head, false)}`)
    }
    return v
  }

  #newNumber(pos: number, text: string, typ: ItemType): NumberNode {
    const n = new NumberNode(this, pos, text)
    if (typ === ItemType.CharConstant) {
      let r: number
      let tail: string
      try {
        ;({ r, tail } = unquoteChar(text.slice(1), text[0] as string))
      } catch (e) {
        if (e instanceof StrconvError) {
          this.#errorf(e.message)
        }
        throw e
      }
      if (tail !== "'") {
        this.#errorf(`malformed character constant: ${text}`)
      }
      n.int64 = BigInt(r)
      n.isInt = true
      n.uint64 = BigInt(r)
      n.isUint = true
      n.float64 = r // odd but those are the rules.
      n.isFloat = true
      return n
    }
    if (typ === ItemType.Complex) {
      const m = /^([+-]?[^+-]+(?:[eEpP][+-][^+-]+)?)([+-].*)i$/.exec(text)
      const re = m === null ? undefined : parseGoFloat(m[1] as string)
      const im = m === null ? undefined : parseGoFloat(m[2] as string)
      if (re === undefined || im === undefined) {
        this.#errorf('expected integer')
      }
      n.isComplex = true
      this.#simplifyComplex(n, re.value, im.value)
      return n
    }
    if (text.endsWith('i')) {
      const f = parseGoFloat(text.slice(0, -1))
      if (f !== undefined && !f.range) {
        n.isComplex = true
        this.#simplifyComplex(n, 0, f.value)
        return n
      }
    }
    const u = parseGoInt(text, true)
    if (u.ok) {
      n.isUint = true
      n.uint64 = u.value
    }
    const i = parseGoInt(text, false)
    if (i.ok) {
      n.isInt = true
      n.int64 = i.value
      if (i.value === 0n) {
        n.isUint = true // in case of -0.
        n.uint64 = u.ok ? u.value : 0n
      }
    }
    if (n.isInt) {
      n.isFloat = true
      n.float64 = Number(n.int64)
    } else if (n.isUint) {
      n.isFloat = true
      n.float64 = Number(n.uint64)
    } else {
      const f = parseGoFloat(text)
      if (f !== undefined && !f.range) {
        if (!/[.eEpP]/.test(text)) {
          // Integer overflow (the float parse would succeed on e.g. 1e100 digits).
          this.#errorf(`integer overflow: ${quoteWith(text, false)}`)
        }
        n.isFloat = true
        n.float64 = f.value
        this.#setIntegralViews(n, f.value)
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) {
      this.#errorf(`illegal number syntax: ${quoteWith(text, false)}`)
    }
    return n
  }

  #setIntegralViews(n: NumberNode, f: number): void {
    if (Number.isInteger(f)) {
      if (!n.isInt && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true
        n.int64 = BigInt(f)
      }
      if (!n.isUint && f >= 0 && f < 2 ** 64) {
        n.isUint = true
        n.uint64 = BigInt(f)
      }
    }
  }

  #simplifyComplex(n: NumberNode, re: number, im: number): void {
    n.isFloat = im === 0
    if (n.isFloat) {
      n.float64 = re
      this.#setIntegralViews(n, re)
    }
  }
}
