/**
 * @module history
 * What a node remembers of recent notification work, in bounded memory: its own pipeline
 * decisions (why it sent, waited or stayed quiet) and the notifications it saw enter the nflog,
 * with who sent them. Read by alertmesh's own API for the alert story; peers are asked for their
 * decisions through a cluster query. It implements notify's DecisionRecorder,
 * so it may import notify's types, and util.
 */
export { DECISION_KINDS, DEFAULT_DECISIONS, DecisionLog, Ring } from './decisions.js'
export type { Decision, DecisionKind, DecisionLogOptions, NewDecision } from './decisions.js'
export { DEFAULT_NOTIFICATIONS, NotificationTimeline } from './timeline.js'
export type { LearnedFrom, Notification, NotifiedEntry } from './timeline.js'
export {
  HISTORY_QUERY,
  decodeHistoryAnswer,
  decodeHistoryQuestion,
  encodeHistoryAnswer,
  encodeHistoryQuestion,
} from './wire.js'
