/**
 * The plain single-record bodies simple services send (`{"value":{...}}`), turned into the
 * native records. Pure.
 *
 * - `/logs`: `level`, `msg` (or `message`), `service`, `ts`; `host` and any other string field
 *   become labels.
 * - `/metrics`: every numeric (or boolean, as 0/1) field becomes a sample of the series named
 *   after the field; string fields become its labels; `ts` is the time.
 * - `/gitopsd/events`: a drift report becomes an event of source `gitopsd`, kind `drift.<type>`.
 */
import type { RawSample } from '../metrics/validate.ts'

/** plainLog maps a `/logs` value to a native raw log line. */
export function plainLog(value: Record<string, unknown>): Record<string, unknown> {
  const { level, msg, message, service, ts, ...rest } = value
  const labels: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(rest)) {
    if (typeof v === 'string') labels[k] = v
    else if (typeof v === 'number' || typeof v === 'boolean') labels[k] = String(v)
  }
  return { level, message: msg ?? message, service, ts, labels }
}

/** plainSamples maps a `/metrics` value to one raw sample per numeric field. */
export function plainSamples(value: Record<string, unknown>): RawSample[] {
  const { ts, ...fields } = value
  const labels: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') labels[k] = v
  const samples: RawSample[] = []
  for (const [name, v] of Object.entries(fields)) {
    if (typeof v === 'number') samples.push({ name, labels, value: v, ts })
    else if (typeof v === 'boolean') samples.push({ name, labels, value: v ? 1 : 0, ts })
  }
  return samples
}

/** DriftReport is what the external drift detector posts. */
export interface DriftReport {
  type: 'missing' | 'mismatch' | 'unexpected'
  severity?: string | undefined
  resource: { apiVersion?: string; kind: string; namespace?: string; name: string }
  details?: Record<string, unknown> | undefined
  ts?: unknown
}

/** driftEvent maps a drift report to a native raw event. */
export function driftEvent(report: DriftReport): Record<string, unknown> {
  const r = report.resource
  const subject = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`
  return {
    ts: report.ts,
    source: 'gitopsd',
    kind: `drift.${report.type}`,
    severity: report.severity ?? 'warning',
    subject,
    message: `${report.type}: ${subject}`,
    attributes: { resource: r, details: report.details ?? {} },
  }
}
