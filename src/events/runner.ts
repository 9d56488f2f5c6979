/** The events store's share of the background loop (see `runRecordTasks`). */
import type { RecordTask } from '../ingest/runner.ts'
import { writeCounters } from '../ingest/series.ts'
import type { MetricsEngine } from '../metrics/engine.ts'
import type { EventsService } from './service.ts'

/** eventsTask moves, counts (`vigil_events_total{source,kind,severity}`) and ages out events. */
export function eventsTask(events: EventsService, engine: MetricsEngine): RecordTask {
  return {
    name: 'events',
    moveOnce: () => events.moveOnce(),
    enforceRetention: () => events.enforceRetention(),
    writeSeries: (t) => writeCounters(engine, 'vigil_events_total', events.counts, t),
    onBacklog: (wake) => events.onBacklog(wake),
  }
}
