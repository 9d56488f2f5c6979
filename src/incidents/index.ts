/**
 * Incidents: a firing rule (through AlertSink) or a person opens an incident per fingerprint;
 * repeats count on it, recurrences soon after it resolved reopen it, people acknowledge, resolve
 * and annotate it, and silences (maintenance windows when they start later) mute the
 * notifications of matching labels. Every change lands on the incident's timeline, the audit
 * log, the bus (`incidents`, for the live pages) and, unless silenced, the notifier.
 */
import type { Client } from '@libsql/client'
import type { Registry } from 'prom-client'
import type { Bus } from '../bus.ts'
import type { Config } from '../config.ts'
import type { Notifier } from '../notify/index.ts'
import type { Logger } from '../obs/logger.ts'
import { registerIncidentMetrics } from './metrics.ts'
import { IncidentService } from './service.ts'
import { SilenceService } from './silences.ts'

export { IncidentService, type IncidentOptions, type ManualIncident } from './service.ts'
export { SilenceService, type SilenceView } from './silences.ts'
export { incidentRoutes } from './routes.ts'
export { incidentPageRoutes } from './page.tsx'
export { silencesPageRoutes } from './silences-page.tsx'
export { incidentStreamRoutes } from './stream.ts'
export type { Incident, IncidentChange, Silence, TimelineEntry } from './types.ts'

/** createIncidents builds the incident and silence services from the config. */
export function createIncidents(
  client: Client,
  config: Config,
  notifier: Pick<Notifier, 'enqueue' | 'deliveries' | 'stopReminders'>,
  bus: Bus,
  now: () => number,
  logger: Logger,
  registry: Registry,
): { incidents: IncidentService; silences: SilenceService } {
  const incidents = new IncidentService(
    client,
    notifier,
    bus,
    {
      autoResolve: config.incidents.autoResolve,
      reopenWindowMs: config.incidents.reopenWindowMs,
      silenceMaxMs: config.incidents.silenceMaxMs,
      publicUrl: config.publicUrl,
    },
    now,
    logger.child({ domain: 'incidents' }),
  )
  registerIncidentMetrics(registry, bus, client)
  return { incidents, silences: new SilenceService(incidents) }
}
