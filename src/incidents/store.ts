/** SQL over `incidents` and `incident_events`; returns domain types. */
import type { Client, InStatement, Row } from '@libsql/client'
import type { AlertSeverity } from '../alerting/types.ts'
import type { Incident, IncidentStatus, TimelineEntry, TimelineKind } from './types.ts'

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

function toIncident(r: Row): Incident {
  return {
    id: Number(r.id),
    fingerprint: String(r.fingerprint),
    rule: str(r.rule),
    title: String(r.title),
    severity: String(r.severity) as AlertSeverity,
    status: String(r.status) as IncidentStatus,
    silenceId: num(r.silence_id),
    labels: JSON.parse(String(r.labels)) as Record<string, string>,
    annotations: JSON.parse(String(r.annotations)) as Record<string, string>,
    value: num(r.value),
    source: JSON.parse(String(r.source)) as Incident['source'],
    channels: JSON.parse(String(r.channels)) as string[],
    count: Number(r.count),
    since: Number(r.since),
    firstSeenAt: Number(r.first_seen_at),
    startedAt: Number(r.started_at),
    lastSeenAt: Number(r.last_seen_at),
    acknowledgedAt: num(r.acknowledged_at),
    acknowledgedBy: str(r.acknowledged_by),
    resolvedAt: num(r.resolved_at),
    resolvedBy: str(r.resolved_by),
    reopenedCount: Number(r.reopened_count),
  }
}

// SQLite stores NaN as NULL and JSON has no Infinity: keep only finite values.
const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null)

function columns(i: Omit<Incident, 'id'>): (string | number | null)[] {
  return [
    i.fingerprint,
    i.rule,
    i.title,
    i.severity,
    i.status,
    i.silenceId,
    JSON.stringify(i.labels),
    JSON.stringify(i.annotations),
    finite(i.value),
    JSON.stringify(i.source),
    JSON.stringify(i.channels),
    i.count,
    i.since,
    i.firstSeenAt,
    i.startedAt,
    i.lastSeenAt,
    i.acknowledgedAt,
    i.acknowledgedBy,
    i.resolvedAt,
    i.resolvedBy,
    i.reopenedCount,
  ]
}

const names = `fingerprint, rule, title, severity, status, silence_id, labels, annotations, value,
  source, channels, count, since, first_seen_at, started_at, last_seen_at, acknowledged_at,
  acknowledged_by, resolved_at, resolved_by, reopened_count`

/** NewEntry is a timeline entry to write. */
export interface NewEntry {
  at: number
  actor: string
  kind: TimelineKind
  message: string
  details?: Record<string, unknown> | undefined
}

function entryArgs(e: NewEntry) {
  return [e.at, e.actor, e.kind, e.message, e.details ? JSON.stringify(e.details) : null]
}

/** insertIncident stores a new incident with its first timeline entry and returns its id. */
export async function insertIncident(
  client: Client,
  i: Omit<Incident, 'id'>,
  entry: NewEntry,
): Promise<number> {
  const [res] = await client.batch(
    [
      {
        sql: `INSERT INTO incidents (${names}) VALUES (${columns(i)
          .map(() => '?')
          .join(', ')}) RETURNING id`,
        args: columns(i),
      },
      {
        sql: `INSERT INTO incident_events (incident_id, at, actor, kind, message, details)
          VALUES (last_insert_rowid(), ?, ?, ?, ?, ?)`,
        args: entryArgs(entry),
      },
    ],
    'write',
  )
  return Number(res!.rows[0]!.id)
}

/** saveIncident writes every column of an incident and the timeline entries, in one transaction. */
export async function saveIncident(
  client: Client,
  i: Incident,
  entries: NewEntry[],
): Promise<void> {
  const set = names
    .split(',')
    .map((n) => `${n.trim()} = ?`)
    .join(', ')
  const statements: InStatement[] = [
    { sql: `UPDATE incidents SET ${set} WHERE id = ?`, args: [...columns(i), i.id] },
    ...entries.map((e) => ({
      sql: `INSERT INTO incident_events (incident_id, at, actor, kind, message, details)
        VALUES (?, ?, ?, ?, ?, ?)`,
      args: [i.id, ...entryArgs(e)],
    })),
  ]
  await client.batch(statements, 'write')
}

/** getIncident reads one incident. */
export async function getIncident(client: Client, id: number): Promise<Incident | undefined> {
  const res = await client.execute({ sql: 'SELECT * FROM incidents WHERE id = ?', args: [id] })
  return res.rows[0] ? toIncident(res.rows[0]) : undefined
}

/** openIncident reads the open (not resolved) incident of a fingerprint. */
export async function openIncident(client: Client, fingerprint: string) {
  const res = await client.execute({
    sql: `SELECT * FROM incidents WHERE fingerprint = ? AND status != 'resolved'
      ORDER BY id DESC LIMIT 1`,
    args: [fingerprint],
  })
  return res.rows[0] ? toIncident(res.rows[0]) : undefined
}

/** lastResolved reads the incident of a fingerprint that resolved last. */
export async function lastResolved(client: Client, fingerprint: string) {
  const res = await client.execute({
    sql: `SELECT * FROM incidents WHERE fingerprint = ? AND status = 'resolved'
      ORDER BY resolved_at DESC, id DESC LIMIT 1`,
    args: [fingerprint],
  })
  return res.rows[0] ? toIncident(res.rows[0]) : undefined
}

/** openIncidents reads every open incident (for re-checking silences), oldest first. */
export async function openIncidents(client: Client, limit = 10_000): Promise<Incident[]> {
  const res = await client.execute({
    sql: `SELECT * FROM incidents WHERE status != 'resolved' ORDER BY id LIMIT ?`,
    args: [limit],
  })
  return res.rows.map(toIncident)
}

/** IncidentFilter is a resolved list query; `open` means not resolved. */
export interface IncidentFilter {
  status?: IncidentStatus | 'open' | undefined
  severity?: AlertSeverity | undefined
  rule?: string | undefined
  snapshot: number
  after?: { id: number } | undefined
  limit: number
}

/** maxIncidentId is the largest id (0 when empty): the snapshot of a first page. */
export async function maxIncidentId(client: Client): Promise<number> {
  const res = await client.execute('SELECT coalesce(max(id), 0) AS id FROM incidents')
  return Number(res.rows[0]?.id ?? 0)
}

/** selectIncidents reads up to `limit` incidents, newest first (by id: the order they opened). */
export async function selectIncidents(client: Client, q: IncidentFilter): Promise<Incident[]> {
  const where = ['id <= ?']
  const args: (string | number)[] = [q.snapshot]
  if (q.status === 'open') where.push(`status != 'resolved'`)
  else if (q.status) (where.push('status = ?'), args.push(q.status))
  if (q.severity) (where.push('severity = ?'), args.push(q.severity))
  if (q.rule) (where.push('rule = ?'), args.push(q.rule))
  if (q.after) (where.push('id < ?'), args.push(q.after.id))
  args.push(q.limit)
  const res = await client.execute({
    sql: `SELECT * FROM incidents WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
    args,
  })
  return res.rows.map(toIncident)
}

/** timelineOf reads an incident's timeline, oldest first. */
export async function timelineOf(client: Client, id: number, limit = 1000) {
  const res = await client.execute({
    sql: 'SELECT * FROM incident_events WHERE incident_id = ? ORDER BY id LIMIT ?',
    args: [id, limit],
  })
  return res.rows.map((r): TimelineEntry => ({
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    at: Number(r.at),
    actor: String(r.actor),
    kind: String(r.kind) as TimelineKind,
    message: String(r.message),
    details: r.details ? (JSON.parse(String(r.details)) as Record<string, unknown>) : null,
  }))
}

/** countOpen counts the open incidents by status and severity. */
export async function countOpen(client: Client) {
  const res = await client.execute(
    `SELECT status, severity, count(*) AS n FROM incidents WHERE status != 'resolved'
      GROUP BY status, severity`,
  )
  return res.rows.map((r) => ({
    status: String(r.status),
    severity: String(r.severity),
    n: Number(r.n),
  }))
}
