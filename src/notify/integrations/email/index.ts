/**
 * @module notify/integrations/email
 * Alertmanager 0.25's email integration: its config (schema, global SMTP defaults, checks), the
 * message (Go's MIME encodings, byte for byte) and the notifier that sends it over SMTP with
 * nodemailer's SMTPConnection, steered to 0.25's choices. Imports config, labels, the shared
 * notify pieces and nodemailer, never another integration's folder.
 */
export { DEFAULT_EMAIL_SUBJECT, EMAIL_CONFIG_SPEC, defaultHeaders } from './config.js'
export type { EmailConfig } from './config.js'
export { EMAIL } from './integration.js'
export { buildEmailMessage, messageId } from './message.js'
export type { EmailMessageInput } from './message.js'
export {
  formatRFC1123Z,
  multipartBody,
  qEncodeHeader,
  quotedPrintable,
  randomBoundary,
} from './mime.js'
export { EMAIL_TIMEOUT_MS, EmailNotifier, splitSmarthost } from './notifier.js'
export type { EmailNotifierOptions } from './notifier.js'
export { SmtpSession, SmtpStepError } from './smtp.js'
export type { SmtpAuthChoice, SmtpSessionOptions } from './smtp.js'
