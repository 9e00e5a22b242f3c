import { chooseStyle, escapeCode, isBreakCp, isPrintable } from './style.js'

/**
 * A YAML writer that reproduces gopkg.in/yaml.v2's output (its libyaml-derived emitter) for the
 * shapes a marshalled Alertmanager config contains: block mappings, indentless block sequences
 * inside mappings, flow sequences, and scalars with yaml.v2's style choice (plain, 'single',
 * "double", literal `|`) and line folding at 80 columns. Byte-for-byte equality with
 * Alertmanager's `config.original` depends on it.
 */

/** YOut is a node to emit. Mapping entries are emitted in the given order. */
export type YOut =
  | {
      readonly kind: 'map'
      readonly entries: readonly (readonly [string, YOut])[]
      readonly flow: boolean
    }
  | { readonly kind: 'seq'; readonly items: readonly YOut[]; readonly flow: boolean }
  | { readonly kind: 'str'; readonly value: string }
  /** A token written as is: `true`, `42`, `null`. */
  | { readonly kind: 'raw'; readonly value: string }

const BEST_WIDTH = 80
const BEST_INDENT = 2

class Emitter {
  out = ''
  column = 0
  whitespace = true
  indention = true
  indent = 0

  put(s: string): void {
    this.out += s
    // Columns count characters (code points), as libyaml does.
    let n = s.length
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0xdc00 && c <= 0xdfff) {
        n--
      }
    }
    this.column += n
  }

  putBreak(): void {
    this.out += '\n'
    this.column = 0
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak()
    }
    while (this.column < indent) {
      this.put(' ')
    }
    this.whitespace = true
    this.indention = true
  }

  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) {
      this.put(' ')
    }
    this.put(s)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
  }

  scalar(value: string, flow: boolean, simpleKey: boolean): void {
    const allowBreaks = !simpleKey
    switch (chooseStyle(value, flow, simpleKey)) {
      case 'plain':
        this.plain(value, allowBreaks)
        break
      case 'single':
        this.single(value, allowBreaks)
        break
      case 'double':
        this.double(value, allowBreaks)
        break
      case 'literal':
        this.literal(value)
        break
    }
  }

  plain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) {
      this.put(' ')
    }
    this.folded(value, allowBreaks, false)
    this.whitespace = false
    this.indention = false
  }

  single(value: string, allowBreaks: boolean): void {
    this.indicator("'", true, false, false)
    this.folded(value, allowBreaks, true)
    this.indicator("'", false, false, false)
    this.whitespace = false
    this.indention = false
  }

  /** folded writes plain or single-quoted text, breaking long lines at single spaces. */
  folded(value: string, allowBreaks: boolean, quoted: boolean): void {
    const cps = Array.from(value)
    let spaces = false
    let breaks = false
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] ?? ''
      if (ch === ' ') {
        const edgeOk = !quoted || (i > 0 && i < cps.length - 1)
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && edgeOk && cps[i + 1] !== ' ') {
          this.writeIndent()
        } else {
          this.put(ch)
        }
        spaces = true
      } else if (isBreakCp(ch.codePointAt(0))) {
        if (!breaks && ch === '\n') {
          this.putBreak()
        }
        this.putBreak()
        this.indention = true
        breaks = true
      } else {
        if (breaks) {
          this.writeIndent()
        }
        this.put(quoted && ch === "'" ? "''" : ch)
        this.indention = false
        spaces = false
        breaks = false
      }
    }
  }

  double(value: string, allowBreaks: boolean): void {
    this.indicator('"', true, false, false)
    const cps = Array.from(value)
    let spaces = false
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] ?? ''
      const c = ch.codePointAt(0) ?? 0
      if (!isPrintable(c) || c === 0xfeff || isBreakCp(c) || ch === '"' || ch === '\\') {
        this.put(`\\${escapeCode(c)}`)
        spaces = false
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.writeIndent()
          if (cps[i + 1] === ' ') {
            this.put('\\')
          }
        } else {
          this.put(ch)
        }
        spaces = true
      } else {
        this.put(ch)
        spaces = false
      }
    }
    this.indicator('"', false, false, false)
    this.whitespace = false
    this.indention = false
  }

  literal(value: string): void {
    this.indicator('|', true, false, false)
    if (value.startsWith(' ') || isBreakCp(value.codePointAt(0))) {
      this.indicator(String(BEST_INDENT), false, false, false)
    }
    const chars = Array.from(value)
    const last = chars.at(-1)
    let chomp = ''
    if (!isBreakCp(last?.codePointAt(0))) {
      chomp = '-'
    } else if (chars.length === 1 || isBreakCp(chars.at(-2)?.codePointAt(0))) {
      chomp = '+'
    }
    if (chomp !== '') {
      this.indicator(chomp, false, false, false)
    }
    this.putBreak()
    this.indention = true
    this.whitespace = true
    let breaks = true
    for (const ch of chars) {
      if (isBreakCp(ch.codePointAt(0))) {
        this.putBreak()
        this.indention = true
        breaks = true
      } else {
        if (breaks) {
          this.writeIndent()
        }
        this.put(ch)
        this.indention = false
        breaks = false
      }
    }
  }
}

/**
 * emitYaml renders a node tree as yaml.v2's Marshal would.
 *
 * @param root - the document's root node.
 * @returns YAML text ending with a newline.
 */
export function emitYaml(root: YOut): string {
  const e = new Emitter()
  emitNode(e, root, -1, 'root')
  if (!e.out.endsWith('\n')) {
    e.putBreak()
  }
  return e.out
}

type Context = 'root' | 'map' | 'seq'

function isEmpty(n: YOut): boolean {
  return (n.kind === 'map' && n.entries.length === 0) || (n.kind === 'seq' && n.items.length === 0)
}

/**
 * emitNode writes a node. `parentIndent` is the enclosing collection's indent (-1 at the root);
 * `context` says whether the node is a mapping value, a sequence item or the document.
 */
function emitNode(e: Emitter, n: YOut, parentIndent: number, context: Context): void {
  if (n.kind === 'str' || n.kind === 'raw' || isEmpty(n) || n.flow) {
    e.indent = parentIndent < 0 ? 0 : parentIndent + BEST_INDENT
    inline(e, n)
    return
  }
  if (n.kind === 'map') {
    const indent = parentIndent < 0 ? 0 : parentIndent + BEST_INDENT
    for (const [key, value] of n.entries) {
      // After a sequence's `-` this only pads to the indent, putting the first key on its line.
      e.indent = indent
      e.writeIndent()
      e.scalar(key, false, true)
      e.indicator(':', false, false, false)
      emitNode(e, value, indent, 'map')
    }
    return
  }
  // Block sequences are indentless inside a mapping, as yaml.v2 writes them.
  const indent =
    context === 'map' ? parentIndent : parentIndent < 0 ? 0 : parentIndent + BEST_INDENT
  for (const item of n.items) {
    e.indent = indent
    e.writeIndent()
    e.indicator('-', true, false, true)
    emitNode(e, item, indent, 'seq')
  }
}

/** inline writes a scalar, an empty collection or a flow sequence on the current line. */
function inline(e: Emitter, n: YOut): void {
  switch (n.kind) {
    case 'str':
      e.scalar(n.value, false, false)
      return
    case 'raw':
      if (!e.whitespace) {
        e.put(' ')
      }
      e.put(n.value)
      e.whitespace = false
      e.indention = false
      return
    case 'map':
      flowCollection(e, '{', '}', n.entries, (entry) => {
        e.scalar(entry[0], true, true)
        e.indicator(':', false, false, false)
        flowItem(e, entry[1])
      })
      return
    case 'seq':
      flowCollection(e, '[', ']', n.items, (item) => {
        flowItem(e, item)
      })
      return
  }
}

/** flowCollection writes `[a, b]` or `{k: v}` as libyaml does in flow context. */
function flowCollection<T>(
  e: Emitter,
  open: string,
  close: string,
  items: readonly T[],
  write: (item: T) => void
): void {
  const saved = e.indent
  e.indicator(open, true, true, false)
  e.indent = saved + BEST_INDENT
  items.forEach((item, i) => {
    if (i > 0) {
      e.indicator(',', false, false, false)
    }
    if (e.column > BEST_WIDTH) {
      e.writeIndent()
    }
    write(item)
  })
  e.indent = saved
  e.indicator(close, false, false, false)
}

function flowItem(e: Emitter, item: YOut): void {
  if (item.kind === 'str') {
    e.scalar(item.value, true, false)
  } else if (item.kind === 'raw') {
    inline(e, item)
  } else {
    inline(e, { ...item, flow: true })
  }
}
