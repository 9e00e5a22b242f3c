/**
 * @module notify/template
 * Alertmanager 0.25's template layer over the Go text/template port in ./go: the template
 * data as Go types, time.Time and time.Duration, the template functions, the default
 * templates and the Template class that notifiers render their fields with.
 */
export {
  AlertTemplate,
  HTML_TEMPLATE_SET,
  HTMLUnavailableError,
  TEXT_TEMPLATE_SET,
  TemplateFileError,
} from './alert-template.js'
export type { GoTemplateSet, TemplateOptions, TemplateSetFactory } from './alert-template.js'
export { ExecError } from './go/index.js'
export type { GoValue } from './go/index.js'
export {
  ALERT,
  ALERTS,
  DATA,
  KV,
  PAIR,
  PAIRS,
  SLICE_ALERT,
  SLICE_STRING,
  buildData,
  commonEntries,
  dataPointer,
  jsonFieldNames,
  kvValue,
  quoteMeta,
  sortedPairs,
} from './data.js'
export type { DataInput } from './data.js'
export { DataJSONError, dataFromJSON } from './data-json.js'
export { DEFAULT_TMPL, EMAIL_TMPL, NEWER_KINDS_TMPL } from './default-templates.js'
export {
  ALL_FUNCS,
  DEFAULT_FUNCS,
  NEWER_FUNCS,
  TEMPLATE_HTML,
  TEMPLATE_URL,
  goTrimSpace,
  humanizeDuration,
  queryUnescape,
} from './funcs.js'
export { ErrBadPattern, goGlob, goMatch } from './go-glob.js'
export { JSONMarshalError, marshalJSON } from './json-marshal.js'
export {
  DURATION,
  LOCATION,
  LOCATION_PTR,
  MONTH,
  TIME,
  WEEKDAY,
  ZERO_TIME_UNIX,
  durationString,
  durationValue,
  formatTime,
  fromUnixMillis,
  locationValue,
  parseRFC3339Time,
  timeOf,
  timeString,
  timeValue,
} from './time.js'
export type { GoTime } from './time.js'
export { goToLower, goToUpper, titleCase } from './title.js'
export { UTC_LOCATION, fixedZone, loadLocation, localLocation } from './zone.js'
export type { GoLocation, ZoneAt } from './zone.js'
