/**
 * @module notify/template/go
 * Go 1.19's text/template language in TypeScript: lexer, parser (an exported parse tree),
 * executor with the builtin functions, and fmt's printing, over a Go value model that lets
 * callers declare Go types with names, fields and methods. No Alertmanager specifics here.
 */
export { ExecError, MAX_EXEC_DEPTH } from './exec.js'
export type { ExecTemplate, MissingKey } from './exec.js'
export { sortedMapEntries, sprint, sprintf, sprintln } from './fmt.js'
export {
  BUILTINS,
  htmlEscapeString,
  indirect,
  isTrue,
  jsEscapeString,
  printableValue,
  urlQueryEscape,
} from './funcs.js'
export * from './node.js'
export { ParseError, Tree } from './parse.js'
export type { ParseMode } from './parse.js'
export { formatFloat, quoteRune, quoteWith, unquote } from './strconv.js'
export { Template } from './template.js'
export type { FuncMap } from './template.js'
export * from './value.js'
