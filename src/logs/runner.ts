/** The logs store's share of the background loop (see `runRecordTasks`). */
import type { RecordTask } from '../ingest/runner.ts'
import { writeCounters } from '../ingest/series.ts'
import type { MetricsEngine } from '../metrics/engine.ts'
import type { LogsService } from './service.ts'

/** logsTask moves, counts (`vigil_log_lines_total{service,level}`) and ages out log lines. */
export function logsTask(logs: LogsService, engine: MetricsEngine): RecordTask {
  return {
    name: 'logs',
    moveOnce: () => logs.moveOnce(),
    enforceRetention: () => logs.enforceRetention(),
    writeSeries: (t) => writeCounters(engine, 'vigil_log_lines_total', logs.counts, t),
    onBacklog: (wake) => logs.onBacklog(wake),
  }
}
