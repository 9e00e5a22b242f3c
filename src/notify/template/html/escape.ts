/**
 * The contextual escaper, a port of Go 1.19 html/template/escape.go: it walks a template's
 * parse tree through the HTML state machine, decides which escaping functions each action
 * needs, derives a copy of each template for every context it is called in, and finally
 * rewrites the trees (pipelines, template names, text) in one commit.
 */
import { CommandNode, IdentifierNode, NodeType, SLICE_ANY, STRING, Tree } from '../go/index.js'
import type {
  ActionNode,
  BranchLike,
  FuncMap,
  GoFunc,
  GoValue,
  ListNode,
  Node,
  PipeNode,
  Template as TextTemplate,
  TemplateNode,
  TextNode,
} from '../go/index.js'

import { evalArgs } from './content.js'
import { CONTEXT_TEXT, contextEq, contextString, ctx, isComment, mangle } from './context.js'
import type { Context } from './context.js'
import { copyList } from './copy.js'
import { cssEscaper, cssValueFilter } from './css.js'
import { HtmlTemplateError, errorf } from './error.js'
import {
  DELIM_ENDS,
  attrEscaper,
  commentEscaper,
  htmlEscaper,
  htmlNameFilter,
  htmlNospaceEscaper,
  rcdataEscaper,
} from './html.js'
import { isJSType, jsRegexpEscaper, jsStrEscaper, jsValEscaper } from './js.js'
import {
  ATTR_START_STATES,
  TRANSITION_FUNC,
  badHTML,
  goQuote,
  indexAny,
  tSpecialTagEnd,
} from './transition.js'
import { unescapeString } from './unescape.js'
import { srcsetFilterAndEscaper, urlEscaper, urlFilter, urlNormalizer } from './url.js'

function escaperFunc(fn: (...args: GoValue[]) => string): GoFunc {
  return { params: [SLICE_ANY], variadic: true, results: [STRING], fn }
}

/**
 * ESCAPER_FUNCS maps escaper names to the functions the escaper inserts into pipelines
 * (Go's funcMap in escape.go); they are added to a template's functions when it is escaped.
 */
export const ESCAPER_FUNCS: FuncMap = {
  _html_template_attrescaper: escaperFunc(attrEscaper),
  _html_template_commentescaper: escaperFunc(commentEscaper),
  _html_template_cssescaper: escaperFunc(cssEscaper),
  _html_template_cssvaluefilter: escaperFunc(cssValueFilter),
  _html_template_htmlnamefilter: escaperFunc(htmlNameFilter),
  _html_template_htmlescaper: escaperFunc(htmlEscaper),
  _html_template_jsregexpescaper: escaperFunc(jsRegexpEscaper),
  _html_template_jsstrescaper: escaperFunc(jsStrEscaper),
  _html_template_jsvalescaper: escaperFunc(jsValEscaper),
  _html_template_nospaceescaper: escaperFunc(htmlNospaceEscaper),
  _html_template_rcdataescaper: escaperFunc(rcdataEscaper),
  _html_template_srcsetescaper: escaperFunc(srcsetFilterAndEscaper),
  _html_template_urlescaper: escaperFunc(urlEscaper),
  _html_template_urlfilter: escaperFunc(urlFilter),
  _html_template_urlnormalizer: escaperFunc(urlNormalizer),
  _eval_args_: escaperFunc((...args) => evalArgs(args)),
}

/** EscaperNamespace is what the escaper needs of the html/template name space. */
export interface EscaperNamespace {
  /** lookupText returns the text template of the set with that name. */
  lookupText(name: string): TextTemplate | undefined
  /** hasHtml reports whether the html set has a template of that name (maybe empty). */
  hasHtml(name: string): boolean
  /** addDerived adds a derived template's tree to the text set. */
  addDerived(name: string, tree: Tree): void
  /** addFuncs adds the escaper functions to the text set. */
  addFuncs(funcs: FuncMap): void
}

/** DerivedTemplate is a template copied for a non-text start context (Go's derived map). */
interface DerivedTemplate {
  readonly name: string
  readonly tree: Tree
}

type Tmpl = TextTemplate | DerivedTemplate

function rootOf(t: Tmpl): ListNode | undefined {
  return t.tree?.root
}

interface RangeContext {
  readonly outer: RangeContext | undefined
  breaks: Context[]
  continues: Context[]
}

// Go edits TextNode.Text and TemplateNode.Name in place, so that every alias of a node (a
// tree shared by two names, say) sees the escaped text; the port's node classes declare
// those fields readonly for everyone but this escaper.
interface WritableText {
  text: string
}
interface WritableName {
  name: string
}

/**
 * Escaper holds the state of escaping one name space: the output context of each
 * template already escaped, the templates derived so far and the pending edits.
 */
export class Escaper {
  readonly ns: EscaperNamespace
  /** output maps derived template names to their output context. */
  output = new Map<string, Context>()
  /** derived maps derived template names to the templates derived from them. */
  derived = new Map<string, DerivedTemplate>()
  /** called records the derived template names called while escaping. */
  called = new Set<string>()
  actionNodeEdits = new Map<ActionNode, string[]>()
  templateNodeEdits = new Map<TemplateNode, string>()
  textNodeEdits = new Map<TextNode, string>()
  rangeContext: RangeContext | undefined

  /**
   * Escaper's constructor starts with no templates escaped.
   *
   * @param ns - the name space.
   */
  constructor(ns: EscaperNamespace) {
    this.ns = ns
  }

  /**
   * escape escapes a node in context c and returns the context after it.
   *
   * @param c - the context before the node.
   * @param n - the node.
   * @returns the context after.
   */
  escape(c: Context, n: Node): Context {
    switch (n.type) {
      case NodeType.Action:
        return this.escapeAction(c, n)
      case NodeType.Break:
        ;(this.rangeContext as RangeContext).breaks.push({ ...c, n })
        return ctx({ state: 'stateDead' })
      case NodeType.Comment:
        return c
      case NodeType.Continue: {
        // Go 1.19 appends the continue context to the breaks (and stores the result as the
        // continues); ported as is, since it decides which contexts are joined.
        const rc = this.rangeContext as RangeContext
        rc.continues = [...rc.breaks, { ...c, n }]
        return ctx({ state: 'stateDead' })
      }
      case NodeType.If:
        return this.escapeBranch(c, n, 'if')
      case NodeType.List:
        return this.escapeList(c, n)
      case NodeType.Range:
        return this.escapeBranch(c, n, 'range')
      case NodeType.Template:
        return this.escapeTemplate(c, n)
      case NodeType.Text:
        return this.escapeText(c, n)
      case NodeType.With:
        return this.escapeBranch(c, n, 'with')
      default:
        throw new Error(`escaping ${n.toString()} is unimplemented`)
    }
  }

  /** escapeAction escapes an action template node. */
  escapeAction(cIn: Context, n: ActionNode): Context {
    if (n.pipe.decl.length !== 0) {
      // A local variable assignment, not an interpolation.
      return cIn
    }
    let c = nudge(cIn)
    // Check for disallowed use of predefined escapers in the pipeline.
    for (let pos = 0; pos < n.pipe.cmds.length; pos++) {
      const node = (n.pipe.cmds[pos] as CommandNode).args[0]
      if (node?.type !== NodeType.Identifier) {
        // A predefined escaper "esc" will never be found as an identifier in a Chain or
        // Field node, since:
        // - "esc.x ..." is invalid, since predefined escapers return strings, and strings
        //   do not have methods, keys or fields.
        // - "... .esc" is invalid, since predefined escapers are global functions, not
        //   methods or fields of any types.
        // Therefore, it is safe to ignore these two node types.
        continue
      }
      const ident = node.ident
      if (
        PREDEFINED_ESCAPERS.has(ident) &&
        (pos < n.pipe.cmds.length - 1 ||
          (c.state === 'stateAttr' && c.delim === 'delimSpaceOrTagEnd' && ident === 'html'))
      ) {
        return ctx({
          state: 'stateError',
          err: errorf(
            'ErrPredefinedEscaper',
            n,
            n.line,
            `predefined escaper ${goQuote(ident)} disallowed in template`
          ),
        })
      }
    }
    const s: string[] = []
    switch (c.state) {
      case 'stateError':
        return c
      case 'stateURL':
      case 'stateCSSDqStr':
      case 'stateCSSSqStr':
      case 'stateCSSDqURL':
      case 'stateCSSSqURL':
      case 'stateCSSURL':
        switch (c.urlPart) {
          case 'urlPartNone':
            s.push('_html_template_urlfilter')
            s.push(urlPreQuery(c))
            break
          case 'urlPartPreQuery':
            s.push(urlPreQuery(c))
            break
          case 'urlPartQueryOrFrag':
            s.push('_html_template_urlescaper')
            break
          case 'urlPartUnknown':
            return ctx({
              state: 'stateError',
              err: errorf(
                'ErrAmbigContext',
                n,
                n.line,
                `${n.toString()} appears in an ambiguous context within a URL`
              ),
            })
        }
        break
      case 'stateJS':
        s.push('_html_template_jsvalescaper')
        // A slash after a value starts a div operator.
        c = { ...c, jsCtx: 'jsCtxDivOp' }
        break
      case 'stateJSDqStr':
      case 'stateJSSqStr':
        s.push('_html_template_jsstrescaper')
        break
      case 'stateJSBqStr':
        // Go 1.19.8 refuses actions in JS template literals unless GODEBUG has
        // jstmpllitinterp=1, which Alertmanager does not set.
        return ctx({
          state: 'stateError',
          err: errorf(
            'errJSTmplLit',
            n,
            n.line,
            `${n.toString()} appears in a JS template literal`
          ),
        })
      case 'stateJSRegexp':
        s.push('_html_template_jsregexpescaper')
        break
      case 'stateCSS':
        s.push('_html_template_cssvaluefilter')
        break
      case 'stateText':
        s.push('_html_template_htmlescaper')
        break
      case 'stateRCDATA':
        s.push('_html_template_rcdataescaper')
        break
      case 'stateAttr':
        // Handled below in delim check.
        break
      case 'stateAttrName':
      case 'stateTag':
        c = { ...c, state: 'stateAttrName' }
        s.push('_html_template_htmlnamefilter')
        break
      case 'stateSrcset':
        s.push('_html_template_srcsetescaper')
        break
      default:
        if (isComment(c.state)) {
          s.push('_html_template_commentescaper')
        } else {
          throw new Error(`unexpected state ${c.state}`)
        }
    }
    switch (c.delim) {
      case 'delimNone':
        // No extra-escaping needed for raw text content.
        break
      case 'delimSpaceOrTagEnd':
        s.push('_html_template_nospaceescaper')
        break
      default:
        s.push('_html_template_attrescaper')
    }
    this.editActionNode(n, s)
    return c
  }

  /** escapeBranch escapes a branch template node: "if", "range" and "with". */
  escapeBranch(c: Context, n: BranchLike, nodeName: string): Context {
    if (nodeName === 'range') {
      this.rangeContext = { outer: this.rangeContext, breaks: [], continues: [] }
    }
    let c0 = this.escapeList(c, n.list)
    if (nodeName === 'range') {
      if (c0.state !== 'stateError') {
        c0 = joinRange(c0, this.rangeContext as RangeContext)
      }
      this.rangeContext = (this.rangeContext as RangeContext).outer
      if (c0.state === 'stateError') {
        return c0
      }
      // The "true" branch of a "range" node can execute multiple times. We check that
      // executing n.List once results in the same context as executing n.List twice.
      this.rangeContext = { outer: this.rangeContext, breaks: [], continues: [] }
      const [c1] = this.escapeListConditionally(c0, n.list, undefined)
      c0 = join(c0, c1, n, nodeName)
      if (c0.state === 'stateError') {
        this.rangeContext = this.rangeContext.outer
        // Make clear that this is a problem on loop re-entry since developers tend to
        // overlook that branch when debugging templates.
        const err = c0.err as HtmlTemplateError
        err.line = n.line
        err.description = `on range loop re-entry: ${err.description}`
        return c0
      }
      c0 = joinRange(c0, this.rangeContext)
      this.rangeContext = this.rangeContext.outer
      if (c0.state === 'stateError') {
        return c0
      }
    }
    const c1 = this.escapeList(c, n.elseList)
    return join(c0, c1, n, nodeName)
  }

  /** escapeList escapes a list template node. */
  escapeList(cIn: Context, n: ListNode | undefined): Context {
    let c = cIn
    if (n === undefined) {
      return c
    }
    for (const m of n.nodes) {
      c = this.escape(c, m)
      if (c.state === 'stateDead') {
        break
      }
    }
    return c
  }

  /**
   * escapeListConditionally escapes a list node but only preserves edits and inferences in
   * e if the inferences and output context satisfy filter. It returns the best guess at an
   * output context, and the result of the filter which is the same as whether e was
   * updated.
   */
  escapeListConditionally(
    cIn: Context,
    n: ListNode | undefined,
    filter: ((e1: Escaper, c1: Context) => boolean) | undefined
  ): [Context, boolean] {
    const e1 = new Escaper(this.ns)
    e1.rangeContext = this.rangeContext
    // Make type inferences available to f.
    for (const [k, v] of this.output) {
      e1.output.set(k, v)
    }
    const c = e1.escapeList(cIn, n)
    const ok = filter?.(e1, c) === true
    if (ok) {
      // Copy inferences and edits from e1 back into e.
      for (const [k, v] of e1.output) {
        this.output.set(k, v)
      }
      for (const [k, v] of e1.derived) {
        this.derived.set(k, v)
      }
      for (const k of e1.called) {
        this.called.add(k)
      }
      for (const [k, v] of e1.actionNodeEdits) {
        this.editActionNode(k, v)
      }
      for (const [k, v] of e1.templateNodeEdits) {
        this.editTemplateNode(k, v)
      }
      for (const [k, v] of e1.textNodeEdits) {
        this.editTextNode(k, v)
      }
    }
    return [c, ok]
  }

  /** escapeTemplate escapes a {{template}} call node. */
  escapeTemplate(cIn: Context, n: TemplateNode): Context {
    const [c, name] = this.escapeTree(cIn, n, n.name, n.line)
    if (name !== n.name) {
      this.editTemplateNode(n, name)
    }
    return c
  }

  /**
   * escapeTree escapes the named template starting in the given context as necessary and
   * returns its output context and the name of the (possibly derived) template to call.
   *
   * @param c - the start context.
   * @param node - the node to blame errors on.
   * @param name - the template name.
   * @param line - the line to blame errors on.
   * @returns the output context and the name to call.
   */
  escapeTree(c: Context, node: Node, name: string, line: number): [Context, string] {
    // Mangle the template name with the input context to produce a reliable identifier.
    const dname = mangle(c, name)
    this.called.add(dname)
    const out = this.output.get(dname)
    if (out !== undefined) {
      // Already escaped.
      return [out, dname]
    }
    let t = this.template(name)
    if (t === undefined) {
      // Two cases: The template exists but is empty, or has never been mentioned at all.
      // Distinguish the cases in the error messages.
      if (this.ns.hasHtml(name)) {
        return [
          ctx({
            state: 'stateError',
            err: errorf(
              'ErrNoSuchTemplate',
              node,
              line,
              `${goQuote(name)} is an incomplete or empty template`
            ),
          }),
          dname,
        ]
      }
      return [
        ctx({
          state: 'stateError',
          err: errorf('ErrNoSuchTemplate', node, line, `no such template ${goQuote(name)}`),
        }),
        dname,
      ]
    }
    if (dname !== name) {
      // Use any template derived during an earlier call to escapeTemplate with different
      // top level templates, or clone if necessary.
      let dt = this.template(dname)
      if (dt === undefined) {
        const tree = new Tree(dname)
        tree.root = copyList(rootOf(t) as ListNode)
        dt = { name: dname, tree }
        this.derived.set(dname, dt)
      }
      t = dt
    }
    return [this.computeOutCtx(c, t), dname]
  }

  /** computeOutCtx takes a template and its start context and computes the output context while storing any inferences in e. */
  computeOutCtx(c: Context, t: Tmpl): Context {
    // Propagate context over the body.
    let [c1, ok] = this.escapeTemplateBody(c, t)
    if (!ok) {
      // Look for a fixed point by assuming c1 as the output context.
      const [c2, ok2] = this.escapeTemplateBody(c1, t)
      if (ok2) {
        c1 = c2
        ok = true
      }
      // Use c1 as the error context if neither assumption worked.
    }
    if (!ok && c1.state !== 'stateError') {
      return ctx({
        state: 'stateError',
        err: errorf(
          'ErrOutputContext',
          rootOf(t),
          0,
          `cannot compute output context for template ${t.name}`
        ),
      })
    }
    return c1
  }

  /**
   * escapeTemplateBody escapes the given template assuming the given output context, and
   * returns the best guess at the output context and whether the assumption was correct.
   */
  escapeTemplateBody(c: Context, t: Tmpl): [Context, boolean] {
    const filter = (e1: Escaper, c1: Context): boolean => {
      if (c1.state === 'stateError') {
        // Do not update the input escaper, e.
        return false
      }
      if (!e1.called.has(t.name)) {
        // If t is not recursively called, then c1 is an accurate output context.
        return true
      }
      // c1 is accurate if it matches our assumed output context.
      return contextEq(c, c1)
    }
    // We need to assume an output context so that recursive template calls take the fast
    // path out of escapeTree instead of infinitely recurring. Naively assuming that the
    // input context is the same as the output works >90% of the time.
    this.output.set(t.name, c)
    return this.escapeListConditionally(c, rootOf(t), filter)
  }

  /** escapeText escapes a text template node. */
  escapeText(cIn: Context, n: TextNode): Context {
    let c = cIn
    const s = n.text
    let written = 0
    let i = 0
    let b = ''
    while (i !== s.length) {
      const [c1, nread] = contextAfterText(c, s.slice(i))
      const i1 = i + nread
      if (c.state === 'stateText' || c.state === 'stateRCDATA') {
        let end = i1
        if (c1.state !== c.state) {
          for (let j = end - 1; j >= i; j--) {
            if (s[j] === '<') {
              end = j
              break
            }
          }
        }
        for (let j = i; j < end; j++) {
          if (s[j] === '<' && s.slice(j, j + 9).toUpperCase() !== '<!DOCTYPE') {
            b += `${s.slice(written, j)}&lt;`
            written = j + 1
          }
        }
      } else if (isComment(c.state) && c.delim === 'delimNone') {
        switch (c.state) {
          case 'stateJSBlockCmt':
            // https://es5.github.io/#x7.4:
            // "Comments behave like white space and are discarded except that, if a
            // MultiLineComment contains a line terminator character, then the entire
            // comment is considered to be a LineTerminator for purposes of parsing by the
            // syntactic grammar."
            b += indexAny(s.slice(written, i1), '\n\r\u2028\u2029') >= 0 ? '\n' : ' '
            break
          case 'stateCSSBlockCmt':
            b += ' '
            break
          default:
            break
        }
        written = i1
      }
      if (c.state !== c1.state && isComment(c1.state) && c1.delim === 'delimNone') {
        // Preserve the portion between written and the comment start.
        let cs = i1 - 2
        if (c1.state === 'stateHTMLCmt') {
          // "<!--" instead of "/*" or "//"
          cs -= 2
        }
        b += s.slice(written, cs)
        written = i1
      }
      if (i === i1 && c.state === c1.state) {
        throw new Error(
          `infinite loop from ${contextString(c)} to ${contextString(c1)} on ${goQuote(s.slice(0, i))}..${goQuote(s.slice(i))}`
        )
      }
      c = c1
      i = i1
    }
    if (written !== 0 && c.state !== 'stateError') {
      if (!isComment(c.state) || c.delim !== 'delimNone') {
        b += n.text.slice(written)
      }
      this.editTextNode(n, b)
    }
    return c
  }

  /** editActionNode records a change to an action pipeline for later commit. */
  editActionNode(n: ActionNode, cmds: string[]): void {
    if (this.actionNodeEdits.has(n)) {
      throw new Error(`node ${n.toString()} shared between templates`)
    }
    this.actionNodeEdits.set(n, cmds)
  }

  /** editTemplateNode records a change to a {{template}} callee for later commit. */
  editTemplateNode(n: TemplateNode, callee: string): void {
    if (this.templateNodeEdits.has(n)) {
      throw new Error(`node ${n.toString()} shared between templates`)
    }
    this.templateNodeEdits.set(n, callee)
  }

  /** editTextNode records a change to a text node for later commit. */
  editTextNode(n: TextNode, text: string): void {
    if (this.textNodeEdits.has(n)) {
      throw new Error(`node ${n.toString()} shared between templates`)
    }
    this.textNodeEdits.set(n, text)
  }

  /**
   * commit applies changes to actions and template calls needed to contextually autoescape
   * content and adds any derived templates to the set.
   */
  commit(): void {
    if (this.output.size > 0) {
      this.ns.addFuncs(ESCAPER_FUNCS)
    }
    for (const t of this.derived.values()) {
      this.ns.addDerived(t.name, t.tree)
    }
    for (const [n, s] of this.actionNodeEdits) {
      ensurePipelineContains(n.pipe, s)
    }
    for (const [n, name] of this.templateNodeEdits) {
      ;(n as WritableName).name = name
    }
    for (const [n, s] of this.textNodeEdits) {
      ;(n as WritableText).text = s
    }
    // Reset state that is specific to this commit so that the same changes are not
    // re-applied to the template on subsequent calls to commit.
    this.called = new Set()
    this.actionNodeEdits = new Map()
    this.templateNodeEdits = new Map()
    this.textNodeEdits = new Map()
  }

  /** template returns the named template given a mangled template name. */
  template(name: string): Tmpl | undefined {
    // Any template from the name space associated with this escaper can be used to look up
    // templates in the underlying text/template name space.
    const t = this.ns.lookupText(name)
    return t ?? this.derived.get(name)
  }
}

function urlPreQuery(c: Context): string {
  return c.state === 'stateCSSDqStr' || c.state === 'stateCSSSqStr'
    ? '_html_template_cssescaper'
    : '_html_template_urlnormalizer'
}

/** PREDEFINED_ESCAPERS contains template predefined escapers that are equivalent to some contextual escapers. */
const PREDEFINED_ESCAPERS = new Set(['html', 'urlquery'])

/**
 * EQUIV_ESCAPERS matches contextual escapers to equivalent predefined template escapers.
 */
const EQUIV_ESCAPERS: ReadonlyMap<string, string> = new Map([
  // The following pairs of HTML escapers provide equivalent security guarantees, since
  // they all escape '\000', '\'', '"', '&', '<', and '>'.
  ['_html_template_attrescaper', 'html'],
  ['_html_template_htmlescaper', 'html'],
  ['_html_template_rcdataescaper', 'html'],
  // These two URL escapers produce URLs safe for embedding in a URL query by
  // percent-encoding all the reserved characters specified in RFC 3986 Section 2.2
  ['_html_template_urlescaper', 'urlquery'],
  // These two functions are not actually equivalent; urlquery is stricter as it escapes
  // reserved characters (e.g. '#'), while _html_template_urlnormalizer does not. It is
  // therefore only safe to replace _html_template_urlnormalizer with urlquery (this
  // happens in ensurePipelineContains), but not the other way around. We keep this
  // entry around to preserve the behavior of templates written before Go 1.9, which
  // might depend on this substitution happening.
  ['_html_template_urlnormalizer', 'urlquery'],
])

function escFnsEq(a: string, b: string): boolean {
  return normalizeEscFn(a) === normalizeEscFn(b)
}

function normalizeEscFn(e: string): string {
  return EQUIV_ESCAPERS.get(e) ?? e
}

/** REDUNDANT_FUNCS[a][b] implies that funcMap[b](funcMap[a](x)) == funcMap[a](x) for all x. */
const REDUNDANT_FUNCS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    '_html_template_commentescaper',
    new Set([
      '_html_template_attrescaper',
      '_html_template_nospaceescaper',
      '_html_template_htmlescaper',
    ]),
  ],
  ['_html_template_cssescaper', new Set(['_html_template_attrescaper'])],
  ['_html_template_jsregexpescaper', new Set(['_html_template_attrescaper'])],
  ['_html_template_jsstrescaper', new Set(['_html_template_attrescaper'])],
  ['_html_template_urlescaper', new Set(['_html_template_urlnormalizer'])],
])

function identOf(cmd: CommandNode): string | undefined {
  const a = cmd.args[0]
  return a?.type === NodeType.Identifier ? a.ident : undefined
}

/**
 * appendCmd appends the given command to the end of the command pipeline unless it is
 * redundant with the last command.
 */
function appendCmd(cmds: CommandNode[], cmd: CommandNode): void {
  const n = cmds.length
  if (n !== 0) {
    const last = identOf(cmds[n - 1] as CommandNode)
    const next = identOf(cmd)
    if (last !== undefined && next !== undefined && REDUNDANT_FUNCS.get(last)?.has(next) === true) {
      return
    }
  }
  cmds.push(cmd)
}

/** newIdentCmd produces a command containing a single identifier node. */
function newIdentCmd(p: PipeNode, identifier: string, pos: number): CommandNode {
  // Go leaves the command's own position 0 and its tree nil.
  const cmd = new CommandNode(p.tr, 0)
  cmd.args.push(new IdentifierNode(p.tr, pos, identifier))
  return cmd
}

/**
 * ensurePipelineContains ensures that the pipeline ends with the commands with the
 * identifiers in s in order. If the pipeline ends with a predefined escaper (i.e. "html"
 * or "urlquery"), merge it with the identifiers in s.
 *
 * @param p - the pipeline to rewrite in place.
 * @param sIn - the escaper names to end with.
 */
export function ensurePipelineContains(p: PipeNode, sIn: readonly string[]): void {
  // This method does not modify the pipeline other than adding escapers; predefined
  // escapers and their arguments are handled as Go does.
  if (sIn.length === 0) {
    // Do not rewrite pipeline if we have no escapers to insert.
    return
  }
  const s = [...sIn]
  // Precondition: p.Cmds contains at most one predefined escaper and the escaper will be
  // present at p.Cmds[len(p.Cmds)-1]. This precondition is always true because of the
  // checks in escapeAction.
  let pipelineLen = p.cmds.length
  if (pipelineLen > 0) {
    const lastCmd = p.cmds[pipelineLen - 1] as CommandNode
    const idNode = lastCmd.args[0]
    if (idNode?.type === NodeType.Identifier) {
      const esc = idNode.ident
      if (PREDEFINED_ESCAPERS.has(esc)) {
        // Pipeline ends with a predefined escaper.
        if (p.cmds.length === 1 && lastCmd.args.length > 1) {
          // Special case: pipeline is of the form {{esc arg1 arg2 ... argN}}, where esc
          // is a predefined escaper, and arg1...argN are its arguments. Convert this into
          // the equivalent form {{_eval_args_ arg1 arg2 ... argN | esc}}, so that esc can
          // be easily merged with the escapers in s.
          lastCmd.args[0] = new IdentifierNode(p.tr, idNode.pos, '_eval_args_')
          appendCmd(p.cmds, newIdentCmd(p, esc, p.pos))
          pipelineLen++
        }
        // If any of the commands in s that we are about to insert is equivalent to the
        // predefined escaper, use the predefined escaper instead.
        let dup = false
        for (let i = 0; i < s.length; i++) {
          if (escFnsEq(esc, s[i] as string)) {
            s[i] = esc
            dup = true
          }
        }
        if (dup) {
          // The predefined escaper will already be inserted along with the escapers in s,
          // so do not copy it to the rewritten pipeline.
          pipelineLen--
        }
      }
    }
  }
  // Rewrite the pipeline, creating the escapers in s at the end of the pipeline.
  const newCmds: CommandNode[] = p.cmds.slice(0, pipelineLen)
  const insertedIdents = new Set<string>()
  for (const cmd of newCmds) {
    const id = identOf(cmd)
    if (id !== undefined) {
      insertedIdents.add(normalizeEscFn(id))
    }
  }
  for (const name of s) {
    if (!insertedIdents.has(normalizeEscFn(name))) {
      // When two templates share an underlying parse tree via the use of AddParseTree and
      // one template is executed after the other, this check ensures that escapers that
      // were already inserted into the pipeline on the first escaping pass do not get
      // inserted again.
      appendCmd(newCmds, newIdentCmd(p, name, p.pos))
    }
  }
  p.cmds.splice(0, p.cmds.length, ...newCmds)
}

/**
 * nudge returns the context that would result from following empty string transitions
 * from the input context. For example, parsing `<a href=` will end in context
 * {stateBeforeValue, attrURL}, but parsing one extra rune will produce
 * {stateURL, delimSpaceOrTagEnd, ...}.
 *
 * @param c - the context.
 * @returns the nudged context.
 */
export function nudge(c: Context): Context {
  switch (c.state) {
    case 'stateTag':
      // In `<foo {{.}}`, the action should emit an attribute.
      return { ...c, state: 'stateAttrName' }
    case 'stateBeforeValue':
      // In `<foo bar={{.}}`, the action is an undelimited value.
      return {
        ...c,
        state: ATTR_START_STATES[c.attr],
        delim: 'delimSpaceOrTagEnd',
        attr: 'attrNone',
      }
    case 'stateAfterName':
      // In `<foo bar {{.}}`, the action is an attribute name.
      return { ...c, state: 'stateAttrName', attr: 'attrNone' }
    default:
      return c
  }
}

/**
 * join joins the two contexts of a branch template node. The result is an error context
 * if either of the input contexts are error contexts, or if the input contexts differ.
 *
 * @param a - one context.
 * @param b - another.
 * @param node - the node to blame.
 * @param nodeName - if, range or with.
 * @returns the joined context.
 */
export function join(a: Context, b: Context, node: Node | undefined, nodeName: string): Context {
  if (a.state === 'stateError') {
    return a
  }
  if (b.state === 'stateError') {
    return b
  }
  if (a.state === 'stateDead') {
    return b
  }
  if (b.state === 'stateDead') {
    return a
  }
  if (contextEq(a, b)) {
    return a
  }
  let c: Context = { ...a, urlPart: b.urlPart }
  if (contextEq(c, b)) {
    // The contexts differ only by urlPart.
    return { ...c, urlPart: 'urlPartUnknown' }
  }
  c = { ...a, jsCtx: b.jsCtx }
  if (contextEq(c, b)) {
    // The contexts differ only by jsCtx.
    return { ...c, jsCtx: 'jsCtxUnknown' }
  }
  // Allow a nudged context to join with an unnudged one. This means that
  //   <p title={{if .C}}{{.}}{{end}}
  // ends in an unquoted value state even though the else branch ends in stateBeforeValue.
  const cn = nudge(a)
  const dn = nudge(b)
  if (!(contextEq(cn, a) && contextEq(dn, b))) {
    const e = join(cn, dn, node, nodeName)
    if (e.state !== 'stateError') {
      return e
    }
  }
  return ctx({
    state: 'stateError',
    err: errorf(
      'ErrBranchEnd',
      node,
      0,
      `{{${nodeName}}} branches end in different contexts: ${contextString(a)}, ${contextString(b)}`
    ),
  })
}

/** joinRange joins the context at each break and continue of a range with its end context. */
function joinRange(c0In: Context, rc: RangeContext): Context {
  let c0 = c0In
  // Merge contexts at break and continue statements into overall body context. In theory
  // we could treat breaks differently from continues, but for now it is enough to treat
  // them both as going back to the start of the loop (which may then stop).
  for (const c of rc.breaks) {
    c0 = join(c0, c, c.n, 'range')
    if (c0.state === 'stateError') {
      const err = c0.err as HtmlTemplateError
      err.line = (c.n as { line: number }).line
      err.description = `at range loop break: ${err.description}`
      return c0
    }
  }
  for (const c of rc.continues) {
    c0 = join(c0, c, c.n, 'range')
    if (c0.state === 'stateError') {
      const err = c0.err as HtmlTemplateError
      err.line = (c.n as { line: number }).line
      err.description = `at range loop continue: ${err.description}`
      return c0
    }
  }
  return c0
}

/**
 * contextAfterText starts in context c, consumes some tokens from the front of s, then
 * returns the context after those tokens and the unprocessed suffix.
 *
 * @param c - the context.
 * @param s - the text.
 * @returns the context after a prefix and the prefix's length.
 */
export function contextAfterText(cIn: Context, s: string): [Context, number] {
  let c = cIn
  if (c.delim === 'delimNone') {
    const [c1, i] = tSpecialTagEnd(c, s)
    if (i === 0) {
      // A special end tag (`</script>`) has been seen and all content preceding it has
      // been consumed.
      return [c1, 0]
    }
    // Consider all content up to any end tag.
    return TRANSITION_FUNC[c.state](c, s.slice(0, i))
  }
  // We are at the beginning of an attribute value.
  let i = indexAny(s, DELIM_ENDS[c.delim])
  if (i === -1) {
    i = s.length
  }
  if (c.delim === 'delimSpaceOrTagEnd') {
    // https://www.w3.org/TR/html5/syntax.html#attribute-value-(unquoted)-state lists the
    // runes below as error characters which, in the spec, stop the attribute value; they
    // are treated as errors here.
    const j = indexAny(s.slice(0, i), '"\'<=`')
    if (j >= 0) {
      return badHTML(`${goQuote(s.slice(j, j + 1))} in unquoted attr: ${goQuote(s.slice(0, i))}`, s)
    }
  }
  if (i === s.length) {
    // Remain inside the attribute.
    // Decode the value so non-HTML rules can easily handle
    //     <button onclick="alert(&quot;Hi!&quot;)">
    // without having to entity decode token boundaries.
    let u = unescapeString(s)
    while (u.length !== 0) {
      const [c1, i1] = TRANSITION_FUNC[c.state](c, u)
      c = c1
      u = u.slice(i1)
    }
    return [c, s.length]
  }
  let element = c.element
  // If this is a non-JS "type" attribute inside "script" tag, do not treat the contents
  // as JS.
  if (
    c.state === 'stateAttr' &&
    c.element === 'elementScript' &&
    c.attr === 'attrScriptType' &&
    !isJSType(s.slice(0, i))
  ) {
    element = 'elementNone'
  }
  if (c.delim !== 'delimSpaceOrTagEnd') {
    // Consume any quote.
    i++
  }
  // On exiting an attribute, we discard all state information except the state and element.
  return [ctx({ state: 'stateTag', element }), i]
}

/**
 * escapeTemplateIn escapes the named template of a name space in the text context, as Go's
 * escapeTemplate: it returns the error to record, or undefined after committing.
 *
 * @param esc - the name space's escaper.
 * @param node - the root to blame errors on.
 * @param name - the template name.
 * @returns the escaping error, if any.
 */
export function escapeTemplateIn(
  esc: Escaper,
  node: Node | undefined,
  name: string
): HtmlTemplateError | undefined {
  const [c] = esc.escapeTree(CONTEXT_TEXT, node as Node, name, 0)
  let err: HtmlTemplateError | undefined
  if (c.err !== undefined) {
    err = c.err
    err.templateName = name
  } else if (c.state !== 'stateText') {
    err = new HtmlTemplateError(
      'ErrEndContext',
      undefined,
      name,
      0,
      `ends in a non-text context: ${contextString(c)}`
    )
  }
  if (err !== undefined) {
    return err
  }
  esc.commit()
  return undefined
}
