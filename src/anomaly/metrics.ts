/** The detector's Prometheus metrics: points scored, anomalies by severity, scoring time, backlog. */
import { Counter, Gauge, type Registry } from 'prom-client'
import { severities, type Severity } from './severity.ts'

/** DetectorMetrics is what the detector service reports. */
export interface DetectorMetrics {
  scored(points: number, seconds: number): void
  detected(severity: Severity): void
  dropped(samples: number): void
  watch(read: () => { series: number; queued: number }): void
}

/** registerDetectorMetrics creates the metrics on the registry. */
export function registerDetectorMetrics(registry: Registry): DetectorMetrics {
  const points = new Counter({
    name: 'vigil_anomaly_points_scored_total',
    help: 'Samples scored by the anomaly detector.',
    registers: [registry],
  })
  const seconds = new Counter({
    name: 'vigil_anomaly_scoring_seconds_total',
    help: 'Time spent scoring samples (divide by points scored for the cost of one).',
    registers: [registry],
  })
  const detected = new Counter({
    name: 'vigil_anomalies_detected_total',
    help: 'Anomalies detected (series that became anomalous), by severity.',
    labelNames: ['severity'],
    registers: [registry],
  })
  for (const s of severities) detected.inc({ severity: s }, 0)
  const dropped = new Counter({
    name: 'vigil_anomaly_dropped_samples_total',
    help: 'Samples not scored because the detector fell too far behind (VIGIL_INGEST_MAX_QUEUED).',
    registers: [registry],
  })
  let read = () => ({ series: 0, queued: 0 })
  new Gauge({
    name: 'vigil_anomaly_series',
    help: 'Series the anomaly detector keeps state for.',
    registers: [registry],
    collect() {
      this.set(read().series)
    },
  })
  new Gauge({
    name: 'vigil_anomaly_queue_samples',
    help: 'Durable samples waiting to be scored.',
    registers: [registry],
    collect() {
      this.set(read().queued)
    },
  })
  return {
    scored: (n, s) => (points.inc(n), seconds.inc(s)),
    detected: (severity) => detected.inc({ severity }),
    dropped: (n) => dropped.inc(n),
    watch: (r) => {
      read = r
    },
  }
}
