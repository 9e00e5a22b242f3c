import type { FieldRenderer } from '../fields.js'
import type { HttpNotifierOptions } from '../http-notifier.js'
import { TeamsNotifier } from '../teams-notifier.js'

import { MSTEAMS_RETRY_CODES } from './config.js'
import type { MSTeamsConfig } from './config.js'
import { buildMessageCard } from './payload.js'

/**
 * MSTeamsNotifierOptions are what one `msteams_configs` entry needs to send. `userAgent` is
 * `Alertmanager/<version>` as notify.PostJSON sends it. msteams.go logs nothing of its own, so
 * the logger goes unused.
 */
export type MSTeamsNotifierOptions = HttpNotifierOptions<MSTeamsConfig>

/**
 * MSTeamsNotifier is newer Alertmanager's Microsoft Teams integration (notify/msteams/msteams.go
 * at 68fb2d5, unchanged in behaviour since 0.27.0): it renders title, text and summary and POSTs
 * a MessageCard whose colour says whether any alert fires (the rest is TeamsNotifier's).
 */
export class MSTeamsNotifier extends TeamsNotifier<MSTeamsConfig> {
  protected readonly retryCodes = MSTEAMS_RETRY_CODES

  protected card(fields: FieldRenderer, status: 'firing' | 'resolved'): string {
    const title = fields.text(this.config.title)
    const text = fields.text(this.config.text)
    const summary = fields.text(this.config.summary)
    return buildMessageCard({ title, summary, text, status })
  }
}
