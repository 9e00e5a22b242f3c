/**
 * Alertmanager 0.25's template.Template (template/template.go): a text and an HTML template
 * set built from the default templates and the config's `templates:` globs, executing
 * notification fields with `missingkey=zero`.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'

import type { Alert } from '../../alerts/index.js'
import type { LabelSet } from '../../labels/index.js'
import { AlertmeshError } from '../../util/index.js'

import { buildData, dataPointer } from './data.js'
import { DEFAULT_TMPL, EMAIL_TMPL, NEWER_KINDS_TMPL } from './default-templates.js'
import { ALL_FUNCS } from './funcs.js'
import { Template } from './go/index.js'
import type { FuncMap, GoValue, Tree } from './go/index.js'
import { goGlob } from './go-glob.js'
import { Template as HtmlTemplate } from './html/index.js'

/**
 * GoTemplateSet is what Alertmanager's Template needs of a Go template set: text/template's
 * Template satisfies it, and html/template's port will too.
 */
export interface GoTemplateSet {
  /** name is the template's name. */
  readonly name: string
  /**
   * parse parses text as this template's body; `define`d templates join the set.
   *
   * @param text - the template text.
   * @returns this set.
   * @throws Error with Go's parse error message.
   */
  parse(text: string): GoTemplateSet
  /**
   * newAssociated is Go's Template.New: a template of the same set, with its functions and options.
   *
   * @param name - the new template's name.
   * @returns the template.
   */
  newAssociated(name: string): GoTemplateSet
  /**
   * option is Go's Template.Option.
   *
   * @param opts - options such as `missingkey=zero`.
   * @returns this set.
   */
  option(...opts: string[]): GoTemplateSet
  /**
   * clone is Go's Template.Clone: a copy whose later parses do not change this set.
   *
   * @returns the copy.
   */
  clone(): GoTemplateSet
  /**
   * execute is Go's Template.Execute.
   *
   * @param data - dot.
   * @returns the output.
   * @throws Error with Go's execution error message.
   */
  execute(data: GoValue): string
  /**
   * addParseTreeCopies, when the set has it, adds copies of trees a text/template set parsed
   * from the same text with the same functions, as parse would; fromGlobs then parses each
   * template once for both sets.
   *
   * @param trees - the trees, by template name.
   * @returns this set.
   */
  addParseTreeCopies?(trees: ReadonlyMap<string, Tree>): GoTemplateSet
}

/**
 * TemplateSetFactory makes the root template of a set, Go's `New("").Option("missingkey=zero")`
 * followed by `.Funcs(funcs)`. The html/template port provides one for the HTML side.
 */
export type TemplateSetFactory = (name: string, funcs: FuncMap) => GoTemplateSet

/** TEXT_TEMPLATE_SET is the text/template factory. */
export const TEXT_TEMPLATE_SET: TemplateSetFactory = (name, funcs) =>
  Template.new(name).option('missingkey=zero').funcs(funcs)

/**
 * HTML_TEMPLATE_SET is the html/template factory: 0.25's FromGlobs builds its `html` set with
 * `tmplhtml.New("").Option("missingkey=zero")` and the same functions.
 */
export const HTML_TEMPLATE_SET: TemplateSetFactory = (name, funcs) =>
  HtmlTemplate.new(name).option('missingkey=zero').funcs(funcs)

/** TemplateOptions configures {@link AlertTemplate.fromGlobs}. */
export interface TemplateOptions {
  /**
   * html makes the HTML set (default: {@link HTML_TEMPLATE_SET}); `false` builds none, and
   * executeHTMLString then throws.
   */
  readonly html?: TemplateSetFactory | false
  /** funcs replaces the installed functions (default: 0.25's plus the newer ones). */
  readonly funcs?: FuncMap
  /**
   * defaults are the default template texts parsed first (default: 0.25's default.tmpl and
   * email.tmpl, then the defaults of newer kinds, NEWER_KINDS_TMPL).
   */
  readonly defaults?: readonly string[]
  /** externalURL is what `.ExternalURL` says in data built by {@link AlertTemplate.data}. */
  readonly externalURL?: string
}

/**
 * HTMLUnavailableError is thrown by executeHTMLString when no html/template set was given.
 */
export class HTMLUnavailableError extends AlertmeshError {
  override name = 'HTMLUnavailableError'

  constructor(message: string, options?: ErrorOptions) {
    super('AM_TEMPLATE_EXEC', message, options)
  }
}

/**
 * TemplateFileError is a template file that could not be read or parsed. Its message is Go's
 * (`template: broken.tmpl:3: missing value for if`, which names the file by its base name
 * only, as text/template does); `file` is the full path, for messages that must say which of
 * several same-named files failed.
 */
export class TemplateFileError extends AlertmeshError {
  override name = 'TemplateFileError'
  /** file is the path of the file that failed. */
  readonly file: string

  /**
   * TemplateFileError's constructor keeps Go's message and the file.
   *
   * @param message - Go's error message.
   * @param file - the file's path.
   * @param cause - the underlying error.
   */
  constructor(message: string, file: string, cause: unknown) {
    super('AM_TEMPLATE_INVALID', message, { cause })
    this.file = file
  }
}

/**
 * ParseStep is one text parsed into the text set: the HTML set is built from the same steps,
 * with copies of the same trees (Go's FromGlobs parses each text twice; the trees are the same,
 * as both sets have the same functions and delimiters). `name` names the text's template, as
 * Go's parseFiles names a file's template after the file; undefined parses into the root.
 */
interface ParseStep {
  readonly name: string | undefined
  readonly body: string
  readonly trees: ReadonlyMap<string, Tree>
}

function parseText(text: Template, name: string | undefined, body: string): ParseStep {
  const tt = name === undefined || name === text.name ? text : text.newAssociated(name)
  const trees = tt.parseTrees(body)
  tt.addParseTrees(trees)
  return { name, body, trees }
}

function replay(html: GoTemplateSet, steps: readonly ParseStep[]): GoTemplateSet {
  for (const { name, body, trees } of steps) {
    const ht = name === undefined || name === html.name ? html : html.newAssociated(name)
    if (ht.addParseTreeCopies === undefined) {
      ht.parse(body)
    } else {
      ht.addParseTreeCopies(trees)
    }
  }
  return html
}

/**
 * DefaultSets hold only the default templates: the text set, and the HTML set made from the
 * same parse steps the first time an HTML field is rendered (most configs never render one,
 * and copying the trees is a third of the cold parse).
 */
interface DefaultSets {
  readonly text: Template
  readonly html: (() => GoTemplateSet) | undefined
}

/**
 * Sets holding only the default templates, parsed once per process and HTML factory: parsing
 * default.tmpl and email.tmpl is most of a build's cost, and every config (each reload, each
 * Consul change, each check) starts from the same text. Builds clone them (Go's Clone: the
 * copy's later parses do not touch the cached set), which is what ExecuteTextString does on
 * every call anyway. Only the default functions and defaults are cached; a caller's own
 * `funcs` or `defaults` parse afresh.
 */
const defaultSets = new Map<TemplateSetFactory | false, DefaultSets>()

function baseSets(
  htmlFactory: TemplateSetFactory | false,
  funcs: FuncMap,
  defaults: readonly string[] | undefined
): DefaultSets {
  const cacheable = funcs === ALL_FUNCS && defaults === undefined
  let sets = cacheable ? defaultSets.get(htmlFactory) : undefined
  if (sets === undefined) {
    const text = Template.new('').option('missingkey=zero').funcs(funcs)
    const steps = (defaults ?? [DEFAULT_TMPL, EMAIL_TMPL, NEWER_KINDS_TMPL]).map((body) =>
      parseText(text, undefined, body)
    )
    sets = {
      text,
      html: htmlFactory === false ? undefined : once(() => replay(htmlFactory('', funcs), steps)),
    }
    if (!cacheable) {
      return sets
    }
    defaultSets.set(htmlFactory, sets)
  }
  const { text, html } = sets
  return { text: text.clone(), html: html === undefined ? undefined : () => html().clone() }
}

function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined
  return () => (made ??= { value: make() }).value
}

/**
 * AlertTemplate is Alertmanager's template.Template: notification fields are rendered with it.
 *
 * @example
 * ```ts
 * const tmpl = AlertTemplate.fromGlobs(['/etc/alertmanager/templates/*.tmpl'], {
 *   externalURL: 'http://am:9093',
 * })
 * const data = tmpl.data('team-x', { alertname: 'Down' }, alerts, Date.now())
 * tmpl.executeTextString('{{ template "slack.default.title" . }}', data)
 * ```
 */
export class AlertTemplate {
  readonly #text: GoTemplateSet
  readonly #html: (() => GoTemplateSet) | undefined
  readonly #preparedText = new PreparedFields()
  readonly #preparedHTML = new PreparedFields()
  /** externalURL is `.ExternalURL` of data built by {@link AlertTemplate.data}. */
  readonly externalURL: string

  private constructor(
    text: GoTemplateSet,
    html: (() => GoTemplateSet) | undefined,
    externalURL: string
  ) {
    this.#text = text
    this.#html = html
    this.externalURL = externalURL
  }

  /**
   * fromGlobs is 0.25's FromGlobs: the default templates, then for each glob the files it
   * matches (Go's filepath.Glob order; a glob matching nothing is fine), parsed into both sets.
   *
   * @param globs - the config's `templates:` patterns.
   * @param options - HTML set, functions, defaults and external URL.
   * @returns the template.
   * @throws ErrBadPattern for a bad pattern; TemplateFileError (Go's message, and the file)
   *   for a file that cannot be read or parsed.
   */
  static fromGlobs(globs: readonly string[], options: TemplateOptions = {}): AlertTemplate {
    const funcs = options.funcs ?? ALL_FUNCS
    const { text, html } = baseSets(options.html ?? HTML_TEMPLATE_SET, funcs, options.defaults)
    const steps: ParseStep[] = []
    for (const glob of globs) {
      // A file is read and parsed once for both sets; Go does both twice. A parse error in a
      // file still fails FromGlobs before either set is used, as in Go.
      for (const file of goGlob(glob)) {
        try {
          steps.push(parseText(text, basename(file), readFileSync(file, 'utf8')))
        } catch (err: unknown) {
          const message = err instanceof Error ? err.message : String(err)
          throw new TemplateFileError(message, file, err)
        }
      }
    }
    const htmlSet = html === undefined ? undefined : once(() => replay(html(), steps))
    return new AlertTemplate(text, htmlSet, options.externalURL ?? '')
  }

  /**
   * executeTextString is 0.25's ExecuteTextString: '' for empty text; otherwise the text is
   * parsed as a new unnamed template in a clone of the set and executed with missingkey=zero.
   *
   * @param text - the template text (a notifier field).
   * @param data - dot, usually from {@link AlertTemplate.data}.
   * @returns the output.
   * @throws Error with Go's parse or execution error message.
   */
  executeTextString(text: string, data: GoValue): string {
    if (text === '') {
      return ''
    }
    return this.#preparedText.get(this.#text, text).execute(data)
  }

  /**
   * executeHTMLString is 0.25's ExecuteHTMLString, on the html/template set.
   *
   * @param html - the template text (e.g. an email's `html:`).
   * @param data - dot.
   * @returns the output, escaped by html/template.
   * @throws HTMLUnavailableError without an HTML set; otherwise as executeTextString.
   */
  executeHTMLString(html: string, data: GoValue): string {
    if (html === '') {
      return ''
    }
    if (this.#html === undefined) {
      throw new HTMLUnavailableError('html/template is not available in this build')
    }
    return this.#preparedHTML.get(this.#html(), html).execute(data)
  }

  /**
   * data is 0.25's Template.Data: the `*template.Data` notifiers execute templates with.
   *
   * @param receiver - the receiver's name (quoted with regexp.QuoteMeta in the data).
   * @param groupLabels - the group's labels.
   * @param alerts - the alerts of the notification.
   * @param now - the instant alert status is judged at (epoch ms).
   * @returns a `*template.Data` value.
   */
  data(receiver: string, groupLabels: LabelSet, alerts: readonly Alert[], now: number): GoValue {
    return dataPointer(
      buildData({ receiver, groupLabels, alerts, externalURL: this.externalURL, now })
    )
  }
}

/** At most this many field texts stay prepared per set; configs have far fewer. */
const PREPARED_LIMIT = 1024

/**
 * PreparedFields keeps each notifier field's template as ExecuteTextString builds it: a clone of
 * the set with the text parsed as a new unnamed template. Go repeats the clone and the parse on
 * every call; their result depends only on the set and the text, and executing a template does
 * not change it, so alertmesh builds it once per field text. That was most of a notification's
 * cost (Slack renders a dozen fields, each a clone of every default template and a parse).
 * A `define` in a field still lands only in that field's own clone, as in Go.
 */
class PreparedFields {
  readonly #byText = new Map<string, GoTemplateSet>()

  get(set: GoTemplateSet, text: string): GoTemplateSet {
    let tmpl = this.#byText.get(text)
    if (tmpl === undefined) {
      // A text that does not parse throws here and is parsed (and refused) again next time.
      tmpl = set.clone().newAssociated('').option('missingkey=zero').parse(text)
      if (this.#byText.size >= PREPARED_LIMIT) {
        this.#byText.delete(this.#byText.keys().next().value as string)
      }
      this.#byText.set(text, tmpl)
    }
    return tmpl
  }
}
