/** The logs domain's own Prometheus metrics: `vigil_logs_*`. */
import { Counter, Gauge, type Registry } from 'prom-client'

/** LogsMetrics is what the logs service and the tail report. */
export interface LogsMetrics {
  ingested(level: string, lines: number): void
  truncated(lines: number): void
  moved(lines: number): void
  dropped(lines: number): void
  tailOpened(): void
  tailClosed(): void
  /** watchBacklog is read at scrape time: lines committed but not yet indexed. */
  watchBacklog(read: () => number): void
}

/** registerLogsMetrics creates the metrics on the registry. */
export function registerLogsMetrics(registry: Registry): LogsMetrics {
  const ingested = new Counter({
    name: 'vigil_logs_lines_ingested_total',
    help: 'Log lines accepted and durable, by level.',
    labelNames: ['level'],
    registers: [registry],
  })
  const truncated = new Counter({
    name: 'vigil_logs_truncated_total',
    help: 'Log lines and events whose message was cut to VIGIL_LOGS_MAX_MESSAGE.',
    registers: [registry],
  })
  const moved = new Counter({
    name: 'vigil_logs_lines_indexed_total',
    help: 'Log lines moved from the WAL into the searchable table.',
    registers: [registry],
  })
  const dropped = new Counter({
    name: 'vigil_logs_tail_dropped_total',
    help: 'Lines not sent to a live-tail client that could not keep up.',
    registers: [registry],
  })
  const subscribers = new Gauge({
    name: 'vigil_logs_tail_subscribers',
    help: 'Open live-tail streams (SSE and WebSocket).',
    registers: [registry],
  })
  let readBacklog: () => number = () => 0
  new Gauge({
    name: 'vigil_logs_wal_lag_lines',
    help: 'Log lines committed to the WAL but not yet searchable.',
    registers: [registry],
    collect() {
      this.set(readBacklog())
    },
  })
  return {
    ingested: (level, n) => ingested.inc({ level }, n),
    truncated: (n) => truncated.inc(n),
    moved: (n) => moved.inc(n),
    dropped: (n) => dropped.inc(n),
    tailOpened: () => subscribers.inc(),
    tailClosed: () => subscribers.dec(),
    watchBacklog: (read) => {
      readBacklog = read
    },
  }
}
