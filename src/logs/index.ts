/**
 * The logs domain: agents push lines (native JSON, or the plain `/logs` body); a line is durable in
 * the WAL before the 2xx, published on the bus for the live tail, and moved by the background loop
 * into the `logs` table with an FTS5 index on the message. Queries page newest first with an
 * opaque snapshot cursor; retention is by age and size; line counts become the series
 * `vigil_log_lines_total{service,level}`.
 */
export { LogsService, type LogsOptions } from './service.ts'
export { registerLogsMetrics, type LogsMetrics } from './metrics.ts'
export { logsRoutes, presentLog } from './routes.ts'
export { streamRoutes, heartbeatMs } from './stream-routes.ts'
export { logsTask } from './runner.ts'
export { Tail, type TailFilter, type TailBatch } from './tail.ts'
export { normalizeLevel, levelRank, validateLog, logLimits } from './normalize.ts'
export { parseSearch, toFtsQuery, matcher } from './search.ts'
export * from './types.ts'
