import { defineIntegration } from '../definition.js'

import { INCIDENTIO_CONFIG_SPEC } from './config.js'
import { IncidentioNotifier } from './notifier.js'

/**
 * INCIDENTIO is the incident.io integration, newer than 0.25 (Alertmanager 0.29+). 0.25's
 * NewMetrics does not know it, so its metrics are not pre-initialised: /metrics stays 0.25's
 * for configs without it.
 */
export const INCIDENTIO = defineIntegration({
  config: INCIDENTIO_CONFIG_SPEC,
  notifier: (config, context) =>
    new IncidentioNotifier({
      config,
      receiverName: context.receiverName,
      externalURL: context.externalURL,
      userAgent: context.userAgent,
      log: context.log,
    }),
})
