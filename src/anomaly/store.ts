/** SQL over the `anomalies` table; returns domain types. */
import type { Client, Row } from '@libsql/client'
import { severities, type Severity } from './severity.ts'
import type { ComponentKind, Expected } from './types.ts'

/** NewAnomaly is an anomaly to store: where a series became anomalous. */
export interface NewAnomaly {
  ts: number
  seriesId: number
  /** The series as text, `name{label="value", ...}`. */
  series: string
  labels: Record<string, string>
  score: number
  severity: Severity
  component: ComponentKind
  value: number
  expected: Expected
  explanation: string
  detectedAt: number
}

/** StoredAnomaly is an anomaly with its id. */
export interface StoredAnomaly extends NewAnomaly {
  id: number
}

// SQLite stores NaN as NULL: a band the model could not give yet is stored as the value itself.
const finite = (n: number, fallback: number) => (Number.isFinite(n) ? n : fallback)

/** insertAnomalies stores anomalies and returns them with their ids. */
export async function insertAnomalies(
  client: Client,
  list: NewAnomaly[],
): Promise<StoredAnomaly[]> {
  if (list.length === 0) return []
  const results = await client.batch(
    list.map((a) => ({
      sql: `INSERT INTO anomalies (ts, series_id, series, labels, score, severity, component, value,
          expected, low, high, explanation, detected_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      args: [
        a.ts,
        a.seriesId,
        a.series,
        JSON.stringify(a.labels),
        a.score,
        a.severity,
        a.component,
        a.value,
        finite(a.expected.value, a.value),
        finite(a.expected.low, a.value),
        finite(a.expected.high, a.value),
        a.explanation,
        a.detectedAt,
      ],
    })),
    'write',
  )
  return list.map((a, i) => ({ ...a, id: Number(results[i]!.rows[0]!.id) }))
}

/** maxAnomalyId is the largest stored id (0 when empty): the snapshot of a first page. */
export async function maxAnomalyId(client: Client): Promise<number> {
  const rows = await client.execute('SELECT coalesce(max(id), 0) AS id FROM anomalies')
  return Number(rows.rows[0]?.id ?? 0)
}

/** SelectAnomalies is a resolved anomaly query. */
export interface SelectAnomalies {
  since?: number | undefined
  until?: number | undefined
  /** Only these series (undefined: all). */
  seriesIds?: number[] | undefined
  minSeverity?: Severity | undefined
  snapshot: number
  after?: { ts: number; id: number } | undefined
  limit: number
}

/** selectAnomalies reads up to `limit` anomalies, newest first (ts desc, id desc). */
export async function selectAnomalies(
  client: Client,
  q: SelectAnomalies,
): Promise<StoredAnomaly[]> {
  const where = ['id <= ?']
  const args: (string | number)[] = [q.snapshot]
  if (q.since !== undefined) (where.push('ts >= ?'), args.push(q.since))
  if (q.until !== undefined) (where.push('ts <= ?'), args.push(q.until))
  if (q.seriesIds !== undefined) {
    where.push('series_id IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(q.seriesIds))
  }
  if (q.minSeverity !== undefined) {
    const wanted = severities.slice(severities.indexOf(q.minSeverity))
    where.push(`severity IN (${wanted.map(() => '?').join(', ')})`)
    args.push(...wanted)
  }
  if (q.after) {
    where.push('(ts < ? OR (ts = ? AND id < ?))')
    args.push(q.after.ts, q.after.ts, q.after.id)
  }
  args.push(q.limit)
  const rows = await client.execute({
    sql: `SELECT * FROM anomalies WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`,
    args,
  })
  return rows.rows.map(toAnomaly)
}

function toAnomaly(r: Row): StoredAnomaly {
  return {
    id: Number(r.id),
    ts: Number(r.ts),
    seriesId: Number(r.series_id),
    series: String(r.series),
    labels: JSON.parse(String(r.labels)) as Record<string, string>,
    score: Number(r.score),
    severity: String(r.severity) as Severity,
    component: String(r.component) as ComponentKind,
    value: Number(r.value),
    expected: { value: Number(r.expected), low: Number(r.low), high: Number(r.high) },
    explanation: String(r.explanation),
    detectedAt: Number(r.detected_at),
  }
}

/** deleteAnomaliesBefore removes anomalies with ts before `cutoff`; returns how many. */
export async function deleteAnomaliesBefore(client: Client, cutoff: number): Promise<number> {
  const res = await client.execute({ sql: 'DELETE FROM anomalies WHERE ts < ?', args: [cutoff] })
  return res.rowsAffected
}
