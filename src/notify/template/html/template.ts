/**
 * The html/template API, a port of Go 1.19 html/template/template.go: a set of templates
 * that wraps a text/template set and escapes each template on its first execution.
 */
import { Template as TextTemplate, quoteWith } from '../go/index.js'
import type { FuncMap, GoValue, ListNode, Tree } from '../go/index.js'

import { copyTree } from './copy.js'
import { Escaper, escapeTemplateIn } from './escape.js'
import type { EscaperNamespace } from './escape.js'

/** ESCAPE_OK marks a template that was escaped without error (Go's escapeOK). */
const ESCAPE_OK = 'ok'

/** NameSpace is what the templates of one set share (Go's nameSpace). */
class NameSpace implements EscaperNamespace {
  readonly set = new Map<string, Template>()
  escaped = false
  readonly esc: Escaper

  constructor() {
    this.esc = new Escaper(this)
  }

  #arbitrary(): TextTemplate {
    for (const t of this.set.values()) {
      return t.text
    }
    throw new Error('no templates in name space')
  }

  lookupText(name: string): TextTemplate | undefined {
    return this.#arbitrary().lookup(name)
  }

  hasHtml(name: string): boolean {
    return this.set.has(name)
  }

  addDerived(name: string, tree: Tree): void {
    this.#arbitrary().addParseTree(name, tree)
  }

  addFuncs(funcs: FuncMap): void {
    this.#arbitrary().funcs(funcs)
  }
}

/**
 * Template is a specialized text template that produces a safe HTML document fragment
 * (Go's html/template.Template): every action is escaped for the HTML, CSS, JavaScript or
 * URL context it appears in, decided when the template is first executed.
 *
 * @example
 * ```ts
 * const t = Template.new('x').funcs({ safeHtml: SAFE_HTML }).parse('<a href="{{.}}">{{.}}</a>')
 * t.execute('O\'Reilly & <co>') // '<a href="O%27Reilly%20&amp;%20%3cco%3e">O&#39;Reilly &amp; &lt;co&gt;</a>'
 * ```
 */
export class Template {
  /** escapeErr is undefined before escaping, ESCAPE_OK after, or the escaping error. */
  #escapeErr: Error | typeof ESCAPE_OK | undefined
  /** text is the underlying text/template, with the escaper's rewrites once escaped. */
  text: TextTemplate
  /** tree is the template's parse tree, undefined before parsing or after a failed escape. */
  tree: Tree | undefined
  #ns: NameSpace

  private constructor(text: TextTemplate, tree: Tree | undefined, ns: NameSpace) {
    this.text = text
    this.tree = tree
    this.#ns = ns
  }

  /**
   * new allocates a new HTML template with the given name (Go's template.New).
   *
   * @param name - the name.
   * @returns the template.
   */
  static new(name: string): Template {
    const ns = new NameSpace()
    const tmpl = new Template(TextTemplate.new(name), undefined, ns)
    ns.set.set(name, tmpl)
    return tmpl
  }

  /** name is the template's name. */
  get name(): string {
    return this.text.name
  }

  /** root is the root of the underlying text template's tree. */
  get root(): ListNode | undefined {
    return this.text.root
  }

  /**
   * newAssociated allocates a new HTML template associated with this one and with the same
   * delimiters (Go's Template.New); an existing template of that name is replaced.
   *
   * @param name - the name.
   * @returns the new template.
   */
  newAssociated(name: string): Template {
    const tmpl = new Template(this.text.newAssociated(name), undefined, this.#ns)
    const existing = this.#ns.set.get(name)
    if (existing !== undefined) {
      // Go overwrites the old *Template with a fresh one from New, in a name space of its
      // own, so that references to it no longer see this set.
      const empty = Template.new(existing.name)
      existing.#escapeErr = empty.#escapeErr
      existing.text = empty.text
      existing.tree = empty.tree
      existing.#ns = empty.#ns
    }
    // tmpl's name space, not this one's: when this template is the one replaced (Go's
    // `t.New(t.Name())`), this.#ns is already the fresh one.
    tmpl.#ns.set.set(name, tmpl)
    return tmpl
  }

  /**
   * templates returns the templates associated with this one, itself included.
   *
   * @returns the templates.
   */
  templates(): Template[] {
    return [...this.#ns.set.values()]
  }

  /**
   * option sets options such as `missingkey=zero` (Go's Template.Option).
   *
   * @param opts - the options.
   * @returns this template.
   */
  option(...opts: string[]): this {
    this.text.option(...opts)
    return this
  }

  /**
   * funcs adds functions to the template's function map; `safeHtml` and other functions
   * returning typed content work as in Go (Go's Template.Funcs).
   *
   * @param funcMap - the functions.
   * @returns this template.
   */
  funcs(funcMap: FuncMap): this {
    this.text.funcs(funcMap)
    return this
  }

  /**
   * delims sets the action delimiters for later parses.
   *
   * @param left - the left delimiter.
   * @param right - the right delimiter.
   * @returns this template.
   */
  delims(left: string, right: string): this {
    this.text.delims(left, right)
    return this
  }

  /**
   * lookup returns the template with the given name associated with this one.
   *
   * @param name - the name.
   * @returns the template, or undefined.
   */
  lookup(name: string): Template | undefined {
    return this.#ns.set.get(name)
  }

  /**
   * definedTemplates lists the defined templates for error messages (Go's
   * DefinedTemplates).
   *
   * @returns `; defined templates are: ...` or ''.
   */
  definedTemplates(): string {
    return this.text.definedTemplates()
  }

  #checkCanParse(): void {
    if (this.#ns.escaped) {
      throw new Error('html/template: cannot Parse after Execute')
    }
  }

  /**
   * parse parses text as the body of this template; defined templates join the set (Go's
   * Template.Parse).
   *
   * @param text - the template text.
   * @returns this template.
   * @throws Error after execution, or the text parser's ParseError.
   */
  parse(text: string): this {
    this.#checkCanParse()
    return this.addParseTrees(this.text.parseTrees(text))
  }

  /**
   * addParseTreeCopies adds copies of trees another set parsed ({@link TextTemplate.parseTrees})
   * as {@link Template.parse} adds the trees it parsed: the same result as parsing the same
   * text with the same delimiters and functions, without lexing and parsing it again.
   *
   * @param trees - the trees, by template name; they are copied, not taken.
   * @returns this template.
   * @throws Error after execution.
   */
  addParseTreeCopies(trees: ReadonlyMap<string, Tree>): this {
    const copies = new Map<string, Tree>()
    for (const [name, tree] of trees) {
      copies.set(name, copyTree(tree))
    }
    return this.addParseTrees(copies)
  }

  /**
   * addParseTrees adds the trees of a text/template parse ({@link TextTemplate.parseTrees})
   * as {@link Template.parse} adds the trees it parsed; the trees become this set's.
   *
   * @param trees - the trees, by template name.
   * @returns this template.
   * @throws Error after execution.
   */
  addParseTrees(trees: ReadonlyMap<string, Tree>): this {
    this.#checkCanParse()
    this.text.addParseTrees(trees)
    // In the common case, the templates of the set all come from this parse.
    for (const v of this.text.templates()) {
      const name = v.name
      let tmpl = this.#ns.set.get(name)
      tmpl ??= this.#new(name)
      tmpl.text = v
      tmpl.tree = v.tree
    }
    return this
  }

  #new(name: string): Template {
    return this.newAssociated(name)
  }

  /**
   * addParseTree creates a new template with the name and parse tree and associates it with
   * this one (Go's AddParseTree).
   *
   * @param name - the name.
   * @param tree - the tree.
   * @returns the new template.
   */
  addParseTree(name: string, tree: Tree): Template {
    this.#checkCanParse()
    const text = this.text.addParseTree(name, tree)
    const ret = new Template(text, text.tree, this.#ns)
    this.#ns.set.set(name, ret)
    return ret
  }

  /**
   * clone returns a copy of the set, trees included, so that templates can be added to
   * the copy and it can be executed without affecting this set; it fails once this
   * template has been executed (Go's Clone).
   *
   * @returns the copy.
   * @throws Error after execution.
   */
  clone(): Template {
    if (this.#escapeErr !== undefined) {
      throw new Error(
        `html/template: cannot Clone ${quoteWith(this.name, false)} after it has executed`
      )
    }
    const textClone = this.text.clone()
    const ns = new NameSpace()
    const ret = new Template(textClone, textClone.tree, ns)
    ns.set.set(ret.name, ret)
    for (const x of textClone.templates()) {
      const name = x.name
      const src = this.#ns.set.get(name)
      if (src === undefined || src.#escapeErr !== undefined) {
        throw new Error(
          `html/template: cannot Clone ${quoteWith(this.name, false)} after it has executed`
        )
      }
      x.tree = x.tree === undefined ? undefined : copyTree(x.tree)
      ns.set.set(name, new Template(x, x.tree, ns))
    }
    return ns.set.get(ret.name) as Template
  }

  #escape(): void {
    this.#ns.escaped = true
    if (this.#escapeErr === undefined) {
      if (this.tree === undefined) {
        throw new Error(
          `template: ${quoteWith(this.name, false)} is an incomplete or empty template`
        )
      }
      this.#escapeTemplate(this.name)
    } else if (this.#escapeErr !== ESCAPE_OK) {
      throw this.#escapeErr
    }
  }

  /** escapeTemplate escapes a template of the set and records the outcome (escape.go). */
  #escapeTemplate(name: string): void {
    const err = escapeTemplateIn(this.#ns.esc, this.#ns.set.get(name)?.text.root, name)
    const t = this.#ns.set.get(name)
    if (err !== undefined) {
      if (t !== undefined) {
        t.#escapeErr = err
        t.text.tree = undefined
        t.tree = undefined
      }
      throw err
    }
    if (t !== undefined) {
      t.#escapeErr = ESCAPE_OK
      t.tree = t.text.tree
    }
  }

  /**
   * execute escapes the template if it has not been yet, then applies it to data.
   *
   * @param data - the value of dot.
   * @returns the output.
   * @throws HtmlTemplateError for an escaping error, ExecError for an execution error.
   */
  execute(data: GoValue): string {
    this.#escape()
    return this.text.execute(data)
  }

  /**
   * executeTemplate escapes and applies the associated template with the given name.
   *
   * @param name - the template name.
   * @param data - the value of dot.
   * @returns the output.
   * @throws Error as Go's ExecuteTemplate.
   */
  executeTemplate(name: string, data: GoValue): string {
    return this.#lookupAndEscapeTemplate(name).text.execute(data)
  }

  #lookupAndEscapeTemplate(name: string): Template {
    this.#ns.escaped = true
    const tmpl = this.#ns.set.get(name)
    if (tmpl === undefined) {
      throw new Error(`html/template: ${quoteWith(name, false)} is undefined`)
    }
    if (tmpl.#escapeErr !== undefined && tmpl.#escapeErr !== ESCAPE_OK) {
      throw tmpl.#escapeErr
    }
    if (tmpl.text.tree === undefined || tmpl.text.root === undefined) {
      throw new Error(`html/template: ${quoteWith(name, false)} is an incomplete template`)
    }
    if (this.text.lookup(name) === undefined) {
      throw new Error('html/template internal error: template escaping out of sync')
    }
    if (tmpl.#escapeErr === undefined) {
      this.#escapeTemplate(name)
    }
    return tmpl
  }
}
