import type { FieldRenderer } from '../fields.js'
import type { HttpNotifierOptions } from '../http-notifier.js'
import { TeamsNotifier } from '../teams-notifier.js'

import { MSTEAMSV2_RETRY_CODES } from './config.js'
import type { MSTeamsV2Config } from './config.js'
import { buildAdaptiveCard } from './payload.js'

/**
 * MSTeamsV2NotifierOptions are what one `msteamsv2_configs` entry needs to send. `userAgent` is
 * `Alertmanager/<version>` as notify.PostJSON sends it. msteamsv2.go logs only the group key at
 * debug level, which alertmesh leaves out, so the logger goes unused.
 */
export type MSTeamsV2NotifierOptions = HttpNotifierOptions<MSTeamsV2Config>

/**
 * MSTeamsV2Notifier is newer Alertmanager's Microsoft Teams integration for Power Automate
 * workflow webhooks (notify/msteamsv2/msteamsv2.go at 68fb2d5): it renders title and text and
 * POSTs an Adaptive Card whose title colour says whether any alert fires (the rest is
 * TeamsNotifier's).
 */
export class MSTeamsV2Notifier extends TeamsNotifier<MSTeamsV2Config> {
  protected readonly retryCodes = MSTEAMSV2_RETRY_CODES

  protected card(fields: FieldRenderer, status: 'firing' | 'resolved'): string {
    const title = fields.text(this.config.title)
    const text = fields.text(this.config.text)
    return buildAdaptiveCard({ title, text, status })
  }
}
