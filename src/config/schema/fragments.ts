/**
 * The schema builders an integration's config fragment is written with (see helpers.ts for
 * the annotation keywords), re-exported as one namespace through src/config's index.
 */
export {
  ANY_MAP,
  BOOL,
  FALSE,
  HTTP_CONFIG,
  INT64,
  STRING_LIST,
  STRING_MAP,
  TIME_DURATION,
  UINT64,
  always,
  dflt,
  list,
  notifierStruct,
  ptr,
  ref,
  reset,
  scalarOr,
  sendResolved,
  str,
  struct,
  tmpl,
} from './helpers.js'
export type { SchemaNode } from './helpers.js'
export { SIGV4_CONFIG } from './http.js'
