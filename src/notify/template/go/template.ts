/**
 * Template sets, a port of Go 1.19 text/template/template.go and option.go: associated
 * templates sharing functions and options, parsing with `define`/`block`, lookup and
 * execution.
 */
import { execute } from './exec.js'
import type { ExecTemplate, MissingKey } from './exec.js'
import { BUILTINS, goodFunc } from './funcs.js'
import type { ListNode } from './node.js'
import { isEmptyTree } from './node.js'
import { Tree } from './parse.js'
import type { ParseMode } from './parse.js'
import { quoteWith } from './strconv.js'
import type { GoFunc, GoValue } from './value.js'

/** FuncMap maps function names to Go-typed functions, like Go's template.FuncMap. */
export type FuncMap = Readonly<Record<string, GoFunc>>

/** Common is what associated templates share (Go's template.common). */
interface Common {
  readonly tmpl: Map<string, Template>
  missingKey: MissingKey
  readonly funcs: Map<string, GoFunc>
}

const GOOD_NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u

/**
 * Template is a parsed template and the set of templates associated with it (Go's
 * text/template.Template).
 *
 * @example
 * ```ts
 * const t = Template.new('x').option('missingkey=zero').parse('{{define "T"}}Hi {{.}}{{end}}')
 * t.executeTemplate('T', 'you') // 'Hi you'
 * ```
 */
export class Template implements ExecTemplate {
  readonly #name: string
  tree: Tree | undefined
  #common: Common
  #leftDelim = ''
  #rightDelim = ''
  /** mode is the parse mode for later calls to parse. */
  mode: ParseMode = {}

  private constructor(name: string, common: Common) {
    this.#name = name
    this.#common = common
  }

  /**
   * new allocates a new, undefined template with the given name (Go's template.New).
   *
   * @param name - the name.
   * @returns the template.
   */
  static new(name: string): Template {
    return new Template(name, { tmpl: new Map(), missingKey: 'invalid', funcs: new Map() })
  }

  /** name is the template's name. */
  get name(): string {
    return this.#name
  }

  /** root is the root of the template's parse tree, if it has one. */
  get root(): ListNode | undefined {
    return this.tree?.root
  }

  /** missingKey is the `missingkey` option in effect. */
  get missingKey(): MissingKey {
    return this.#common.missingKey
  }

  /**
   * newAssociated allocates a template associated with this one, sharing functions and
   * options (Go's Template.New).
   *
   * @param name - the name.
   * @returns the new template.
   */
  newAssociated(name: string): Template {
    const t = new Template(name, this.#common)
    t.#leftDelim = this.#leftDelim
    t.#rightDelim = this.#rightDelim
    t.mode = this.mode
    return t
  }

  /**
   * delims sets the action delimiters for later parses; empty means `{{` and `}}`.
   *
   * @param left - the left delimiter.
   * @param right - the right delimiter.
   * @returns this template.
   */
  delims(left: string, right: string): this {
    this.#leftDelim = left
    this.#rightDelim = right
    return this
  }

  /**
   * funcs adds functions to the template's function map (Go's Template.Funcs).
   *
   * @param funcMap - the functions by name.
   * @returns this template.
   * @throws Error for a bad name or a function with unusable results, as Go panics.
   */
  funcs(funcMap: FuncMap): this {
    for (const [name, f] of Object.entries(funcMap)) {
      if (!GOOD_NAME.test(name)) {
        throw new Error(`function name ${quoteWith(name, false)} is not a valid identifier`)
      }
      if (!goodFunc(f)) {
        throw new Error(
          `can't install method/function ${quoteWith(name, false)} with ${f.results.length} results`
        )
      }
      this.#common.funcs.set(name, f)
    }
    return this
  }

  /**
   * option sets options such as `missingkey=zero` (Go's Template.Option).
   *
   * @param opts - the options.
   * @returns this template.
   * @throws Error for an unknown option, as Go panics.
   */
  option(...opts: string[]): this {
    for (const opt of opts) {
      if (opt === '') {
        throw new Error('empty option string')
      }
      const eq = opt.indexOf('=')
      if (eq >= 0 && opt.slice(0, eq) === 'missingkey') {
        const value = opt.slice(eq + 1)
        if (value === 'invalid' || value === 'default') {
          this.#common.missingKey = 'invalid'
          continue
        }
        if (value === 'zero' || value === 'error') {
          this.#common.missingKey = value
          continue
        }
      }
      throw new Error(`unrecognized option: ${opt}`)
    }
    return this
  }

  /**
   * parse parses text as the body of this template; `define`d and `block` templates join the
   * set (Go's Template.Parse).
   *
   * @param text - the template text.
   * @returns this template.
   * @throws ParseError with Go's message.
   */
  parse(text: string): this {
    return this.addParseTrees(this.parseTrees(text))
  }

  /**
   * parseTrees is the first half of {@link Template.parse}: it parses text with this
   * template's name, delimiters, mode and functions without changing the set. Alertmanager
   * parses every template file into a text and an html set; the trees of one parse, copied,
   * serve both, which halves the parsing at start-up.
   *
   * @param text - the template text.
   * @returns the tree of this template's body and of every `define`d and `block` template.
   * @throws ParseError with Go's message.
   */
  parseTrees(text: string): Map<string, Tree> {
    const trees = new Map<string, Tree>()
    const t = new Tree(this.#name)
    t.mode = this.mode
    t.text = text
    t.parse(text, this.#leftDelim, this.#rightDelim, trees, (name) => this.#hasFunction(name))
    return trees
  }

  /**
   * addParseTrees is the second half of {@link Template.parse}: it adds the trees of a parse
   * to the set, as {@link Template.addParseTree} does for each.
   *
   * @param trees - trees from {@link Template.parseTrees}.
   * @returns this template.
   */
  addParseTrees(trees: ReadonlyMap<string, Tree>): this {
    for (const [name, tree] of trees) {
      this.addParseTree(name, tree)
    }
    return this
  }

  #hasFunction(name: string): boolean {
    return this.#common.funcs.has(name) || BUILTINS.has(name)
  }

  /**
   * addParseTree associates a parse tree with a name in this set (Go's AddParseTree); an
   * empty tree does not replace a defined one.
   *
   * @param name - the template name.
   * @param tree - the tree.
   * @returns the template holding the tree.
   */
  addParseTree(name: string, tree: Tree): Template {
    const nt = name === this.#name ? this : this.newAssociated(name)
    const old = this.#common.tmpl.get(name)
    if (old !== undefined && isEmptyTree(tree.root) && old.tree !== undefined) {
      // If a template by that name exists, don't replace it with an empty template.
      nt.tree ??= tree
      return nt
    }
    this.#common.tmpl.set(name, nt)
    nt.tree = tree
    return nt
  }

  /**
   * lookup returns the associated template with the given name.
   *
   * @param name - the name.
   * @returns the template, or undefined.
   */
  lookup(name: string): Template | undefined {
    return this.#common.tmpl.get(name)
  }

  /**
   * lookupTemplate is {@link Template.lookup} for the executor.
   *
   * @param name - the name.
   * @returns the template, or undefined.
   */
  lookupTemplate(name: string): Template | undefined {
    return this.#common.tmpl.get(name)
  }

  /**
   * findFunction returns a function added with {@link Template.funcs}.
   *
   * @param name - the name.
   * @returns the function, or undefined (builtins are not included).
   */
  findFunction(name: string): GoFunc | undefined {
    return this.#common.funcs.get(name)
  }

  /**
   * templates lists the templates of the set.
   *
   * @returns the templates.
   */
  templates(): Template[] {
    return [...this.#common.tmpl.values()]
  }

  /**
   * definedTemplates lists the defined templates for error messages, as Go's
   * DefinedTemplates: `; defined templates are: "a", "b"` (in definition order, where Go's
   * map order is random).
   *
   * @returns the list, or '' when there is none.
   */
  definedTemplates(): string {
    const names = [...this.#common.tmpl]
      .filter(([, t]) => t.tree?.root !== undefined)
      .map(([n]) => quoteWith(n, false))
    return names.length === 0 ? '' : `; defined templates are: ${names.join(', ')}`
  }

  /**
   * clone returns a copy of the set, so that more templates can be added to the copy only.
   *
   * @returns the copy.
   */
  clone(): Template {
    const common: Common = {
      tmpl: new Map(),
      missingKey: this.#common.missingKey,
      funcs: new Map(this.#common.funcs),
    }
    const nt = new Template(this.#name, common)
    nt.tree = this.tree
    nt.#leftDelim = this.#leftDelim
    nt.#rightDelim = this.#rightDelim
    nt.mode = this.mode
    for (const [k, v] of this.#common.tmpl) {
      if (k === this.#name) {
        common.tmpl.set(k, nt)
        continue
      }
      const c = new Template(k, common)
      c.tree = v.tree
      c.#leftDelim = v.#leftDelim
      c.#rightDelim = v.#rightDelim
      common.tmpl.set(k, c)
    }
    return nt
  }

  /**
   * execute applies the template to data and returns the output.
   *
   * @param data - the value of dot and `$`.
   * @returns the output.
   * @throws ExecError with Go's message.
   */
  execute(data: GoValue): string {
    return execute(this, data)
  }

  /**
   * executeTemplate applies the associated template with the given name.
   *
   * @param name - the template name.
   * @param data - the value of dot and `$`.
   * @returns the output.
   * @throws Error `template: no template "X" associated with template "Y"`, or ExecError.
   */
  executeTemplate(name: string, data: GoValue): string {
    const t = this.lookup(name)
    if (t === undefined) {
      throw new Error(
        `template: no template ${quoteWith(name, false)} associated with template ${quoteWith(this.#name, false)}`
      )
    }
    return t.execute(data)
  }
}
