/** The drift scanner's Prometheus metrics: scans, their duration, objects watched, open findings. */
import { Counter, Gauge, type Registry } from 'prom-client'

/** DriftMetrics is what the scanner reports. */
export interface DriftMetrics {
  scanned(outcome: 'ok' | 'error', seconds: number, objects: number, at: number): void
  open(counts: { category: string; type: string; severity: string; n: number }[]): void
}

/** registerDriftMetrics creates the metrics on the registry. */
export function registerDriftMetrics(registry: Registry): DriftMetrics {
  const scans = new Counter({
    name: 'vigil_drift_scans_total',
    help: 'Drift scans, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const duration = new Gauge({
    name: 'vigil_drift_scan_duration_seconds',
    help: 'How long the last drift scan took (diff, compliance and storing the findings).',
    registers: [registry],
  })
  const last = new Gauge({
    name: 'vigil_drift_last_scan_timestamp_seconds',
    help: 'When the last successful drift scan finished (Unix time).',
    registers: [registry],
  })
  const objects = new Gauge({
    name: 'vigil_drift_live_objects',
    help: 'Live objects the drift scanner compared in its last scan.',
    registers: [registry],
  })
  const open = new Gauge({
    name: 'vigil_drift_findings_open',
    help: 'Open drift findings and compliance violations.',
    labelNames: ['category', 'type', 'severity'],
    registers: [registry],
  })
  return {
    scanned(outcome, seconds, n, at) {
      scans.inc({ outcome })
      if (outcome === 'error') return
      duration.set(seconds)
      objects.set(n)
      last.set(at / 1000)
    },
    open(counts) {
      open.reset()
      for (const c of counts)
        open.set({ category: c.category, type: c.type, severity: c.severity }, c.n)
    },
  }
}
