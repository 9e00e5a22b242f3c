/**
 * @module labels
 * Owns Alertmanager 0.25's label model: label sets and their string form, fingerprints and dedup
 * hashes, label matchers with the classic 0.25 parser, and Go RE2-compatible regexes.
 * Imports nothing from other src folders except src/util.
 */
export { MatcherError } from './errors.js'
export { fingerprint, initHashing, labelsHash } from './fingerprint.js'
export { compileGoRegex } from './go-regex.js'
export type { GoRegex } from './go-regex.js'
export { goQuote } from './go-string.js'
export { isValidLabelName, labelSetString } from './labels.js'
export type { LabelSet } from './labels.js'
export { parseMatcher, parseMatchers } from './matcher-parser.js'
export { Matcher, matchersToString, newMatcher, sortMatchers } from './matcher.js'
export type { MatchType } from './matcher.js'
