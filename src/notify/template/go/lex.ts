/**
 * The template lexer, a port of Go 1.19 text/template/parse/lex.go. Go runs it as a goroutine
 * feeding a channel; here the parser pulls items and the state machine runs until one is
 * ready, which yields the same items in the same order, errors included.
 */
import { isPrint, quoteWith } from './strconv.js'

/** ItemType is the type of a lexed item (Go's itemType). */
export enum ItemType {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

/** Item is a token: its type, its start offset in the input, its text and its line. */
export interface Item {
  readonly typ: ItemType
  readonly pos: number
  readonly val: string
  readonly line: number
}

const KEY: ReadonlyMap<string, ItemType> = new Map([
  ['.', ItemType.Dot],
  ['block', ItemType.Block],
  ['break', ItemType.Break],
  ['continue', ItemType.Continue],
  ['define', ItemType.Define],
  ['else', ItemType.Else],
  ['end', ItemType.End],
  ['if', ItemType.If],
  ['range', ItemType.Range],
  ['nil', ItemType.Nil],
  ['template', ItemType.Template],
  ['with', ItemType.With],
])

/**
 * itemString renders an item as Go's item.String does for parse errors.
 *
 * @param i - the item.
 * @returns its description.
 */
export function itemString(i: Item): string {
  if (i.typ === ItemType.EOF) {
    return 'EOF'
  }
  if (i.typ === ItemType.Error) {
    return i.val
  }
  if (i.typ > ItemType.Keyword) {
    return `<${i.val}>`
  }
  const runes = Array.from(i.val)
  if (runes.length > 10) {
    // %.10q: the precision cuts the string to 10 runes before quoting.
    return `${quoteWith(runes.slice(0, 10).join(''), false)}...`
  }
  return quoteWith(i.val, false)
}

const EOF = -1
const SPACE_CHARS = ' \t\r\n'
const LEFT_COMMENT = '/*'
const RIGHT_COMMENT = '*/'
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}_]$/u

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a
}

function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return (
      r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)
    )
  }
  return r !== EOF && LETTER_OR_DIGIT.test(String.fromCodePoint(r))
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s[at] === '-' && isSpace(s.charCodeAt(at + 1))
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpace(s.charCodeAt(at)) && s[at + 1] === '-'
}

function trimRightLength(s: string): number {
  let i = s.length
  while (i > 0 && SPACE_CHARS.includes(s[i - 1] as string)) {
    i--
  }
  return s.length - i
}

function trimLeftLength(s: string, from: number): number {
  let i = from
  while (i < s.length && SPACE_CHARS.includes(s[i] as string)) {
    i++
  }
  return i - from
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) {
    n++
  }
  return n
}

function describeRune(r: number): string {
  // Go's %#U (fmt/format.go fmtUnicode): U+0023 '#', the quoted rune only when printable.
  const hex = r.toString(16).toUpperCase().padStart(4, '0')
  return isPrint(r) ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`
}

type StateFn = ((l: Lexer) => StateFn) | null

/** Lexer scans a template text into items on demand. */
export class Lexer {
  readonly input: string
  readonly leftDelim: string
  readonly rightDelim: string
  readonly emitComment: boolean
  readonly breakOK: boolean
  readonly continueOK: boolean
  pos = 0
  start = 0
  atEOF = false
  parenDepth = 0
  line = 1
  startLine = 1
  readonly #items: Item[] = []
  #head = 0
  #state: StateFn = lexText

  /**
   * Lexer's constructor prepares to scan `input` (Go's lex).
   *
   * @param input - the template text.
   * @param left - the left delimiter, `{{` when empty.
   * @param right - the right delimiter, `}}` when empty.
   * @param emitComment - whether comments become items.
   * @param breakOK - whether `break` is a keyword.
   * @param continueOK - whether `continue` is a keyword.
   */
  constructor(
    input: string,
    left: string,
    right: string,
    emitComment: boolean,
    breakOK: boolean,
    continueOK: boolean
  ) {
    this.input = input
    this.leftDelim = left === '' ? '{{' : left
    this.rightDelim = right === '' ? '}}' : right
    this.emitComment = emitComment
    this.breakOK = breakOK
    this.continueOK = continueOK
  }

  /**
   * nextItem returns the next item, running the state machine until one is emitted.
   *
   * @returns the item; after EOF or an error, EOF items forever.
   */
  nextItem(): Item {
    while (this.#head === this.#items.length) {
      if (this.#state === null) {
        return { typ: ItemType.EOF, pos: this.pos, val: '', line: this.line }
      }
      this.#state = this.#state(this)
    }
    const item = this.#items[this.#head] as Item
    this.#head++
    if (this.#head > 64) {
      this.#items.splice(0, this.#head)
      this.#head = 0
    }
    return item
  }

  /** next consumes and returns the next code point, or EOF. */
  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true
      return EOF
    }
    const r = this.input.codePointAt(this.pos) as number
    this.pos += r > 0xffff ? 2 : 1
    if (r === 0x0a) {
      this.line++
    }
    return r
  }

  /** peek returns the next code point without consuming it. */
  peek(): number {
    const r = this.next()
    this.backup()
    return r
  }

  /** backup steps back one code point (only once per next). */
  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const lo = this.input.charCodeAt(this.pos - 1)
      const hi = this.pos > 1 ? this.input.charCodeAt(this.pos - 2) : 0
      const w = lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff ? 2 : 1
      this.pos -= w
      if (lo === 0x0a) {
        this.line--
      }
    }
  }

  /** emit passes an item of type t to the parser. */
  emit(t: ItemType): void {
    this.#items.push({
      typ: t,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    })
    this.start = this.pos
    this.startLine = this.line
  }

  /** ignore skips over the pending input. */
  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos)
    this.start = this.pos
    this.startLine = this.line
  }

  /** accept consumes the next rune if it is in valid. */
  accept(valid: string): boolean {
    const r = this.next()
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) {
      return true
    }
    this.backup()
    return false
  }

  /** acceptRun consumes a run of runes from valid. */
  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next()
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) {
        break
      }
    }
    this.backup()
  }

  /** errorf emits an error item and stops the scan. */
  errorf(message: string): StateFn {
    this.#items.push({ typ: ItemType.Error, pos: this.start, val: message, line: this.startLine })
    return null
  }

  /** atRightDelim reports whether the input is at a right delimiter, maybe after a trim marker. */
  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (
      hasRightTrimMarker(this.input, this.pos) &&
      this.input.startsWith(this.rightDelim, this.pos + 2)
    ) {
      return { delim: true, trimSpaces: true }
    }
    if (this.input.startsWith(this.rightDelim, this.pos)) {
      return { delim: true, trimSpaces: false }
    }
    return { delim: false, trimSpaces: false }
  }

  /** atTerminator reports whether the input is at a valid termination character. */
  atTerminator(): boolean {
    const r = this.peek()
    if (isSpace(r)) {
      return true
    }
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true
    }
    return this.input.startsWith(this.rightDelim, this.pos)
  }

  /** scanNumber consumes a number literal's runes; false when followed by a letter. */
  scanNumber(): boolean {
    this.accept('+-')
    let digits = '0123456789_'
    if (this.accept('0')) {
      if (this.accept('xX')) {
        digits = '0123456789abcdefABCDEF_'
      } else if (this.accept('oO')) {
        digits = '01234567_'
      } else if (this.accept('bB')) {
        digits = '01_'
      }
    }
    this.acceptRun(digits)
    if (this.accept('.')) {
      this.acceptRun(digits)
    }
    if (digits.length === 10 + 1 && this.accept('eE')) {
      this.accept('+-')
      this.acceptRun('0123456789_')
    }
    if (digits.length === 16 + 6 + 1 && this.accept('pP')) {
      this.accept('+-')
      this.acceptRun('0123456789_')
    }
    this.accept('i')
    if (isAlphaNumeric(this.peek())) {
      this.next()
      return false
    }
    return true
  }
}

function lexText(l: Lexer): StateFn {
  const x = l.input.indexOf(l.leftDelim, l.pos)
  if (x >= 0) {
    const ldn = l.leftDelim.length
    l.pos = x
    let trimLength = 0
    if (hasLeftTrimMarker(l.input, l.pos + ldn)) {
      trimLength = trimRightLength(l.input.slice(l.start, l.pos))
    }
    l.pos -= trimLength
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos)
      l.emit(ItemType.Text)
    }
    l.pos += trimLength
    l.ignore()
    return lexLeftDelim
  }
  l.pos = l.input.length
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos)
    l.emit(ItemType.Text)
  }
  l.emit(ItemType.EOF)
  return null
}

function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.leftDelim.length
  const trimSpace = hasLeftTrimMarker(l.input, l.pos)
  const afterMarker = trimSpace ? 2 : 0
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker
    l.ignore()
    return lexComment
  }
  l.emit(ItemType.LeftDelim)
  l.pos += afterMarker
  l.ignore()
  l.parenDepth = 0
  return lexInsideAction
}

function lexComment(l: Lexer): StateFn {
  l.pos += LEFT_COMMENT.length
  const i = l.input.indexOf(RIGHT_COMMENT, l.pos)
  if (i < 0) {
    return l.errorf('unclosed comment')
  }
  l.pos = i + RIGHT_COMMENT.length
  const { delim, trimSpaces } = l.atRightDelim()
  if (!delim) {
    return l.errorf('comment ends before closing delimiter')
  }
  if (l.emitComment) {
    l.emit(ItemType.Comment)
  }
  if (trimSpaces) {
    l.pos += 2
  }
  l.pos += l.rightDelim.length
  if (trimSpaces) {
    l.pos += trimLeftLength(l.input, l.pos)
  }
  l.ignore()
  return lexText
}

function lexRightDelim(l: Lexer): StateFn {
  const trimSpace = hasRightTrimMarker(l.input, l.pos)
  if (trimSpace) {
    l.pos += 2
    l.ignore()
  }
  l.pos += l.rightDelim.length
  l.emit(ItemType.RightDelim)
  if (trimSpace) {
    l.pos += trimLeftLength(l.input, l.pos)
    l.ignore()
  }
  return lexText
}

function lexInsideAction(l: Lexer): StateFn {
  const { delim } = l.atRightDelim()
  if (delim) {
    if (l.parenDepth === 0) {
      return lexRightDelim
    }
    return l.errorf('unclosed left paren')
  }
  const r = l.next()
  if (r === EOF) {
    return l.errorf('unclosed action')
  }
  if (isSpace(r)) {
    l.backup() // Put space back in case we have " -}}".
    return lexSpace
  }
  switch (r) {
    case 0x3d: // =
      l.emit(ItemType.Assign)
      return lexInsideAction
    case 0x3a: // :
      if (l.next() !== 0x3d) {
        return l.errorf('expected :=')
      }
      l.emit(ItemType.Declare)
      return lexInsideAction
    case 0x7c: // |
      l.emit(ItemType.Pipe)
      return lexInsideAction
    case 0x22: // "
      return lexQuote
    case 0x60: // `
      return lexRawQuote
    case 0x24: // $
      return lexVariable
    case 0x27: // '
      return lexChar
    case 0x28: // (
      l.emit(ItemType.LeftParen)
      l.parenDepth++
      return lexInsideAction
    case 0x29: // )
      l.emit(ItemType.RightParen)
      l.parenDepth--
      if (l.parenDepth < 0) {
        return l.errorf(`unexpected right paren ${describeRune(r)}`)
      }
      return lexInsideAction
  }
  if (r === 0x2e) {
    // '.' starts a field unless a digit follows, when it starts a number.
    if (l.pos < l.input.length) {
      const c = l.input.charCodeAt(l.pos)
      if (c < 0x30 || c > 0x39) {
        return lexField
      }
    }
    l.backup()
    return lexNumber
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup()
    return lexNumber
  }
  if (isAlphaNumeric(r)) {
    l.backup()
    return lexIdentifier
  }
  if (r >= 0x20 && r < 0x7f) {
    l.emit(ItemType.Char)
    return lexInsideAction
  }
  return l.errorf(`unrecognized character in action: ${describeRune(r)}`)
}

function lexSpace(l: Lexer): StateFn {
  let numSpaces = 0
  for (;;) {
    const r = l.peek()
    if (!isSpace(r)) {
      break
    }
    l.next()
    numSpaces++
  }
  // Be careful about a trim-marked closing delimiter, which has a minus after a space.
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(l.rightDelim, l.pos - 1 + 2)) {
    l.backup() // Before the space.
    if (numSpaces === 1) {
      return lexRightDelim // On the delim, so go right to that.
    }
  }
  l.emit(ItemType.Space)
  return lexInsideAction
}

function lexIdentifier(l: Lexer): StateFn {
  for (;;) {
    const r = l.next()
    if (isAlphaNumeric(r)) {
      continue
    }
    l.backup()
    const word = l.input.slice(l.start, l.pos)
    if (!l.atTerminator()) {
      return l.errorf(`bad character ${describeRune(r)}`)
    }
    const key = KEY.get(word)
    if (key !== undefined && key > ItemType.Keyword) {
      if ((key === ItemType.Break && !l.breakOK) || (key === ItemType.Continue && !l.continueOK)) {
        l.emit(ItemType.Identifier)
      } else {
        l.emit(key)
      }
    } else if (word.startsWith('.')) {
      l.emit(ItemType.Field)
    } else if (word === 'true' || word === 'false') {
      l.emit(ItemType.Bool)
    } else {
      l.emit(ItemType.Identifier)
    }
    return lexInsideAction
  }
}

function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, ItemType.Field)
}

function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) {
    l.emit(ItemType.Variable)
    return lexInsideAction
  }
  return lexFieldOrVariable(l, ItemType.Variable)
}

function lexFieldOrVariable(l: Lexer, typ: ItemType): StateFn {
  if (l.atTerminator()) {
    l.emit(typ === ItemType.Variable ? ItemType.Variable : ItemType.Dot)
    return lexInsideAction
  }
  let r: number
  for (;;) {
    r = l.next()
    if (!isAlphaNumeric(r)) {
      l.backup()
      break
    }
  }
  if (!l.atTerminator()) {
    return l.errorf(`bad character ${describeRune(r)}`)
  }
  l.emit(typ)
  return lexInsideAction
}

/**
 * lexEscapedQuote scans a quoted literal in which a backslash escapes the next character, up
 * to the closing quote on the same line: Go's lexChar and lexQuote, which differ only in the
 * quote, the item and the message.
 */
function lexEscapedQuote(
  l: Lexer,
  quote: number,
  typ: ItemType.CharConstant | ItemType.String,
  unterminated: string
): StateFn {
  for (;;) {
    let r = l.next()
    if (r === 0x5c) {
      r = l.next()
      if (r !== EOF && r !== 0x0a) {
        continue
      }
    }
    if (r === EOF || r === 0x0a) {
      return l.errorf(unterminated)
    }
    if (r === quote) {
      break
    }
  }
  l.emit(typ)
  return lexInsideAction
}

function lexChar(l: Lexer): StateFn {
  return lexEscapedQuote(l, 0x27, ItemType.CharConstant, 'unterminated character constant')
}

function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) {
    return l.errorf(`bad number syntax: ${quoteWith(l.input.slice(l.start, l.pos), false)}`)
  }
  const sign = l.peek()
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quoteWith(l.input.slice(l.start, l.pos), false)}`)
    }
    l.emit(ItemType.Complex)
  } else {
    l.emit(ItemType.Number)
  }
  return lexInsideAction
}

function lexQuote(l: Lexer): StateFn {
  return lexEscapedQuote(l, 0x22, ItemType.String, 'unterminated quoted string')
}

function lexRawQuote(l: Lexer): StateFn {
  for (;;) {
    const r = l.next()
    if (r === EOF) {
      return l.errorf('unterminated raw quoted string')
    }
    if (r === 0x60) {
      break
    }
  }
  l.emit(ItemType.RawString)
  return lexInsideAction
}
