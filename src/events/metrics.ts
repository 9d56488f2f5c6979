/** The events domain's own Prometheus metrics: `vigil_events_*`. */
import { Counter, Gauge, type Registry } from 'prom-client'

/** EventsMetrics is what the events service reports. */
export interface EventsMetrics {
  ingested(events: number): void
  /** watchBacklog is read at scrape time: events committed but not yet queryable. */
  watchBacklog(read: () => number): void
}

/** registerEventsMetrics creates the metrics on the registry. */
export function registerEventsMetrics(registry: Registry): EventsMetrics {
  const ingested = new Counter({
    name: 'vigil_events_ingested_total',
    help: 'Events accepted and durable.',
    registers: [registry],
  })
  let readBacklog: () => number = () => 0
  new Gauge({
    name: 'vigil_events_wal_lag_events',
    help: 'Events committed to the WAL but not yet queryable.',
    registers: [registry],
    collect() {
      this.set(readBacklog())
    },
  })
  return {
    ingested: (n) => ingested.inc(n),
    watchBacklog: (read) => {
      readBacklog = read
    },
  }
}
