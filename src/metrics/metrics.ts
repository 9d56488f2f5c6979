/** The metrics domain's own Prometheus metrics: `vigil_ingest_*` and `vigil_metrics_*`. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { rejectReasons } from './validate.ts'

/** EngineMetrics is what the engine and the ingest routes report. */
export interface EngineMetrics {
  accepted(samples: number): void
  rejected(reason: string, samples: number): void
  walCommitted(samples: number, requests: number, ms: number): void
  flushed(samples: number, bytes: number, ms: number): void
  setSeries(n: number): void
  /** headSamples is read at scrape time. */
  watchHead(read: () => number): void
  /** cacheLookups counts series served from the chunk cache and series read from disk. */
  cacheLookups(hits: number, misses: number): void
  /** The chunk cache's size is read at scrape time. */
  watchCache(read: () => number): void
}

/** engineReasons are the refusals that come from the engine rather than from validation. */
export const engineReasons = [
  'out_of_order',
  'series_limit',
  'overloaded',
  'body_too_large',
  'malformed_body',
] as const

/** registerMetricsMetrics creates the metrics on the registry. */
export function registerMetricsMetrics(registry: Registry): EngineMetrics {
  const accepted = new Counter({
    name: 'vigil_ingest_samples_total',
    help: 'Samples accepted and durable.',
    registers: [registry],
  })
  const rejected = new Counter({
    name: 'vigil_ingest_rejected_total',
    help: 'Samples refused, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  })
  for (const reason of [...rejectReasons, ...engineReasons]) rejected.inc({ reason }, 0)
  const commits = new Histogram({
    name: 'vigil_metrics_wal_commit_duration_seconds',
    help: 'Time of one WAL group commit.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  })
  const grouped = new Counter({
    name: 'vigil_metrics_wal_requests_total',
    help: 'Ingest requests committed to the WAL (several share one commit under load).',
    registers: [registry],
  })
  const flushes = new Histogram({
    name: 'vigil_metrics_flush_duration_seconds',
    help: 'Time to write the head into chunks.',
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  })
  const chunkBytes = new Counter({
    name: 'vigil_metrics_chunk_bytes_written_total',
    help: 'Bytes of compressed chunks written.',
    registers: [registry],
  })
  const series = new Gauge({
    name: 'vigil_metrics_series',
    help: 'Series in the index.',
    registers: [registry],
  })
  let readHead: () => number = () => 0
  new Gauge({
    name: 'vigil_metrics_head_samples',
    help: 'Samples in memory waiting for the next flush.',
    registers: [registry],
    collect() {
      this.set(readHead())
    },
  })
  const lookups = new Counter({
    name: 'vigil_metrics_cache_lookups_total',
    help: 'Series looked up in the chunk cache by queries, by result (hit: no SQL, no decoding).',
    labelNames: ['result'],
    registers: [registry],
  })
  for (const result of ['hit', 'miss']) lookups.inc({ result }, 0)
  let readCache: () => number = () => 0
  new Gauge({
    name: 'vigil_metrics_cache_bytes',
    help: 'Memory held by decoded chunks in the chunk cache (VIGIL_METRICS_CACHE_SIZE).',
    registers: [registry],
    collect() {
      this.set(readCache())
    },
  })
  return {
    accepted: (n) => accepted.inc(n),
    rejected: (reason, n) => rejected.inc({ reason }, n),
    walCommitted: (_samples, requests, ms) => {
      commits.observe(ms / 1000)
      grouped.inc(requests)
    },
    flushed: (_samples, bytes, ms) => {
      flushes.observe(ms / 1000)
      chunkBytes.inc(bytes)
    },
    setSeries: (n) => series.set(n),
    watchHead: (read) => {
      readHead = read
    },
    cacheLookups: (hits, misses) => {
      if (hits > 0) lookups.inc({ result: 'hit' }, hits)
      if (misses > 0) lookups.inc({ result: 'miss' }, misses)
    },
    watchCache: (read) => {
      readCache = read
    },
  }
}
