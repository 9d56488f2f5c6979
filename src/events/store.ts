/** SQL over the `events` table; returns domain types. */
import type { Client, InStatement, Row } from '@libsql/client'
import type { Severity, StoredEvent } from './types.ts'

/**
 * moveFromWal copies the events of WAL rows with id ≤ `lastId` into `events`, in WAL order. It
 * reads the WAL inside the mover's transaction, see `RecordWal.move`.
 */
export function moveFromWal(lastId: number): InStatement[] {
  const v = (path: string) => `json_extract(j.value, '$.${path}')`
  return [
    {
      sql: `INSERT INTO events (ts, source, kind, severity, subject, message, attributes, truncated)
        SELECT ${v('ts')}, ${v('source')}, ${v('kind')}, ${v('severity')}, ${v('subject')},
          ${v('message')}, json(${v('attributes')}), coalesce(${v('truncated')}, 0)
        FROM event_wal w, json_each(w.data) j WHERE w.id <= ? ORDER BY w.id, j.key`,
      args: [lastId],
    },
  ]
}

/** maxEventId is the largest stored id (0 when empty): the snapshot of a first page. */
export async function maxEventId(client: Client): Promise<number> {
  const rows = await client.execute('SELECT coalesce(max(id), 0) AS id FROM events')
  return Number(rows.rows[0]?.id ?? 0)
}

/** SelectEvents is a resolved event query. */
export interface SelectEvents {
  source?: string | undefined
  kind?: string | undefined
  severity?: Severity | undefined
  since?: number | undefined
  until?: number | undefined
  snapshot: number
  after?: { ts: number; id: number } | undefined
  limit: number
}

/** selectEvents reads up to `limit` events, newest first (ts desc, id desc). */
export async function selectEvents(client: Client, q: SelectEvents): Promise<StoredEvent[]> {
  const where = ['id <= ?']
  const args: (string | number)[] = [q.snapshot]
  if (q.source !== undefined) (where.push('source = ?'), args.push(q.source))
  if (q.kind !== undefined) (where.push('kind = ?'), args.push(q.kind))
  if (q.severity !== undefined) (where.push('severity = ?'), args.push(q.severity))
  if (q.since !== undefined) (where.push('ts >= ?'), args.push(q.since))
  if (q.until !== undefined) (where.push('ts <= ?'), args.push(q.until))
  if (q.after) {
    where.push('(ts < ? OR (ts = ? AND id < ?))')
    args.push(q.after.ts, q.after.ts, q.after.id)
  }
  args.push(q.limit)
  const rows = await client.execute({
    sql: `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`,
    args,
  })
  return rows.rows.map(toEvent)
}

function toEvent(r: Row): StoredEvent {
  return {
    id: Number(r.id),
    ts: Number(r.ts),
    source: String(r.source),
    kind: String(r.kind),
    severity: String(r.severity) as Severity,
    subject: String(r.subject),
    message: String(r.message),
    attributes: JSON.parse(String(r.attributes)) as Record<string, unknown>,
    truncated: Number(r.truncated) === 1,
  }
}

/** deleteEventsBefore removes events with ts before `cutoff`; returns how many. */
export async function deleteEventsBefore(client: Client, cutoff: number): Promise<number> {
  let total = 0
  for (;;) {
    const res = await client.execute({
      sql: 'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ? LIMIT 5000)',
      args: [cutoff],
    })
    total += res.rowsAffected
    if (res.rowsAffected < 5000) return total
  }
}
