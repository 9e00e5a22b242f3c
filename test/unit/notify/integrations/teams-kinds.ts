// The two Teams kinds as their tests build them: send_resolved, a plain http_config, the kind's
// default templates unless a test overrides them, and Alertmanager's User-Agent. Shared by each
// kind's own test and by teams-notifier.test.ts, which runs what the kinds share against both.
import { AlertTemplate } from '#src/notify/index.js'
import type { MSTeamsConfig } from '#src/notify/integrations/msteams/index.js'
import { MSTEAMS_DEFAULTS, MSTeamsNotifier } from '#src/notify/integrations/msteams/index.js'
import type { MSTeamsV2Config } from '#src/notify/integrations/msteamsv2/index.js'
import { MSTEAMSV2_DEFAULTS, MSTeamsV2Notifier } from '#src/notify/integrations/msteamsv2/index.js'

import { httpConfig } from '../http/servers.js'

import { capture, UA } from './fixtures.js'

const template = AlertTemplate.fromGlobs([])

/** What both notifiers take besides their config: no templates of a file, a debug logger. */
function options() {
  return { template: () => template, log: capture('debug').log, userAgent: UA }
}

/**
 * msteams is an msteams notifier with DefaultMSTeamsConfig's templates unless overridden.
 *
 * @param overrides - the config fields a test sets, e.g. webhook_url.
 * @returns the notifier.
 */
export function msteams(overrides: Partial<MSTeamsConfig> = {}): MSTeamsNotifier {
  return new MSTeamsNotifier({
    config: { http_config: httpConfig(), ...MSTEAMS_DEFAULTS, ...overrides },
    ...options(),
  })
}

/**
 * msteamsv2 is an msteamsv2 notifier with DefaultMSTeamsV2Config's templates unless overridden.
 *
 * @param overrides - the config fields a test sets, e.g. webhook_url.
 * @returns the notifier.
 */
export function msteamsv2(overrides: Partial<MSTeamsV2Config> = {}): MSTeamsV2Notifier {
  return new MSTeamsV2Notifier({
    config: { http_config: httpConfig(), ...MSTEAMSV2_DEFAULTS, ...overrides },
    ...options(),
  })
}
