/**
 * @module notify
 * The notification pipeline (stages in Alertmanager's order), its combinators and the
 * integrations that send. May import alerts, labels, config and util; it reaches nflog,
 * silences, inhibit and cluster only through the interfaces declared in interfaces.ts.
 */
export {
  INTEGRATIONS,
  buildIntegrations,
  defineIntegration,
  integrationConfigSpecs,
} from './integrations/index.js'
export type {
  IntegrationBuildOptions,
  IntegrationDefinition,
  IntegrationParts,
  NotifierContext,
} from './integrations/index.js'
export type {
  DecisionRecorder,
  Muter,
  NflogEntry,
  NflogReceiver,
  NotificationLog,
  Peer,
  PipelineDecision,
  TimeIntervalChecker,
} from './dependencies.js'
export { createNotifyMetrics, preinitialisedNames } from './metrics.js'
export type { NotifyMetrics } from './metrics.js'
export { NotifyError } from './notify-error.js'
export type { FailureReason } from './notify-error.js'
export { warmUpHttpClient } from './http/index.js'
export { buildPipeline } from './pipeline.js'
export type { PipelineOptions } from './pipeline.js'
export type { WaitChanges } from './stages/wait.js'
export { byReceiver, fanout, sequence } from './stage.js'
export type { Stage, StageResult } from './stage.js'
export { needsUpdate } from './stages/dedup.js'
export type { Integration, NotificationReason, Notifier, NotifyContext } from './notifier.js'
export { AlertTemplate, ErrBadPattern, TemplateFileError } from './template/index.js'
export { renderTemplate } from './template/render.js'
export { SecretFileError, readSecretFile, readSecretFileSync } from './secret-file.js'
export { TRUNCATION_MARKER, truncateInBytes, truncateInRunes } from './truncate.js'
export type { RenderInput } from './template/render.js'
