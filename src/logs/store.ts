/** SQL over the `logs` table and its FTS5 index; returns domain types. */
import type { Client, InStatement, Row } from '@libsql/client'
import type { Writer } from '../db/writer.ts'
import { levelRank } from './normalize.ts'
import { levels, type Level, type ServiceSummary, type StoredLog } from './types.ts'

/**
 * moveFromWal copies the lines of WAL rows with id ≤ `lastId` into `logs`, in WAL order (the FTS
 * triggers index them). It reads the WAL inside the mover's transaction, see `RecordWal.move`.
 */
export function moveFromWal(lastId: number): InStatement[] {
  const v = (path: string) => `json_extract(j.value, '$.${path}')`
  const rank = `CASE ${v('level')} ${levels.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} ELSE 1 END`
  return [
    {
      sql: `INSERT INTO logs (ts, service, level, message, labels, truncated, size)
        SELECT ${v('ts')}, ${v('service')}, ${rank}, ${v('message')}, json(${v('labels')}),
          coalesce(${v('truncated')}, 0),
          -- characters are a fair, cheap stand-in for the stored size
          length(${v('message')}) + length(${v('labels')}) + length(${v('service')}) + 24
        FROM log_wal w, json_each(w.data) j WHERE w.id <= ? ORDER BY w.id, j.key`,
      args: [lastId],
    },
  ]
}

/** maxLogId is the largest stored id (0 when empty): the snapshot of a first page. */
export async function maxLogId(client: Client): Promise<number> {
  const rows = await client.execute('SELECT coalesce(max(id), 0) AS id FROM logs')
  return Number(rows.rows[0]?.id ?? 0)
}

/** SelectLogs is a resolved query: the FTS expression written, the cursor decoded. */
export interface SelectLogs {
  service: string
  minRank?: number | undefined
  ranks?: number[] | undefined
  start?: number | undefined
  end?: number | undefined
  match?: string | undefined
  snapshot: number
  after?: { ts: number; id: number } | undefined
  limit: number
}

const columns = 'id, ts, service, level, message, labels, truncated'

/**
 * searchWindow is how many of the newest lines passing the other filters a search checks against
 * the index in one go, before it asks the index for all its matches instead.
 */
const searchWindow = 4000

/** filters writes the conditions of `q` other than the search, and after the cursor `after`. */
function filters(q: SelectLogs, after = q.after): { where: string; args: (string | number)[] } {
  const where = ['service = ?', 'id <= ?']
  const args: (string | number)[] = [q.service, q.snapshot]
  if (q.minRank !== undefined) (where.push('level >= ?'), args.push(q.minRank))
  if (q.ranks)
    (where.push(`level IN (${q.ranks.map(() => '?').join(', ')})`), args.push(...q.ranks))
  if (q.start !== undefined) (where.push('ts >= ?'), args.push(q.start))
  if (q.end !== undefined) (where.push('ts <= ?'), args.push(q.end))
  if (after) {
    where.push('(ts < ? OR (ts = ? AND id < ?))')
    args.push(after.ts, after.ts, after.id)
  }
  return { where: where.join(' AND '), args }
}

/**
 * selectLogs reads up to `limit` lines, newest first (ts desc, id desc). A search first checks
 * the newest `searchWindow` candidates (the other filters, in order) against the index, limited
 * to their id range so that a common word costs little; when they hold fewer than `limit`
 * matches, the index's matches past the window (few, or the window would have held them) fill
 * the page. Both parts read one snapshot (`id ≤ snapshot`, one read transaction for the window
 * and where it ends), so the page is exactly the first `limit` matches in order.
 */
export async function selectLogs(client: Client, q: SelectLogs): Promise<StoredLog[]> {
  const f = filters(q)
  const order = 'ORDER BY ts DESC, id DESC'
  if (q.match === undefined) {
    const rows = await client.execute({
      sql: `SELECT ${columns} FROM logs WHERE ${f.where} ${order} LIMIT ?`,
      args: [...f.args, q.limit],
    })
    return rows.rows.map(toLog)
  }
  const [found, edge] = await client.batch(
    [
      {
        sql: `WITH c AS MATERIALIZED (SELECT id, ts FROM logs WHERE ${f.where} ${order} LIMIT ?),
            r AS (SELECT min(id) AS lo, max(id) AS hi FROM c)
          SELECT ${columns} FROM logs WHERE id IN (SELECT id FROM c) AND id IN (
            SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?
              AND rowid >= (SELECT lo FROM r) AND rowid <= (SELECT hi FROM r))
          ${order} LIMIT ?`,
        args: [...f.args, searchWindow, q.match, q.limit],
      },
      {
        sql: `SELECT id, ts FROM logs WHERE ${f.where} ${order} LIMIT 1 OFFSET ?`,
        args: [...f.args, searchWindow - 1],
      },
    ],
    'read',
  )
  const logs = found!.rows.map(toLog)
  const last = edge!.rows[0]
  if (logs.length >= q.limit || !last) return logs
  const g = filters(q, { ts: Number(last.ts), id: Number(last.id) })
  const rest = await client.execute({
    sql: `SELECT ${columns} FROM logs WHERE ${g.where}
      AND id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?) ${order} LIMIT ?`,
    args: [...g.args, q.match, q.limit - logs.length],
  })
  return [...logs, ...rest.rows.map(toLog)]
}

function toLog(r: Row): StoredLog {
  return {
    id: Number(r.id),
    ts: Number(r.ts),
    service: String(r.service),
    level: levels[Number(r.level)] as Level,
    message: String(r.message),
    labels: JSON.parse(String(r.labels)) as Record<string, string>,
    truncated: Number(r.truncated) === 1,
  }
}

/** selectServices lists services with line counts, last seen and the error rate since `since`. */
export async function selectServices(client: Client, since: number): Promise<ServiceSummary[]> {
  // The totals come from log_services (kept by triggers), the recent window from the (ts) index
  // over just the last minutes; one read transaction, so they agree.
  const [totals, recent] = await client.batch(
    [
      'SELECT service, lines, last_seen FROM log_services ORDER BY service LIMIT 1000',
      {
        sql: 'SELECT service, count(*) AS n, sum(level >= ?) AS errors FROM logs WHERE ts >= ? GROUP BY service',
        args: [levelRank('error'), since],
      },
    ],
    'read',
  )
  const window = new Map(recent!.rows.map((r) => [String(r.service), r]))
  return totals!.rows.map((r) => {
    const w = window.get(String(r.service))
    const n = Number(w?.n ?? 0)
    return {
      service: String(r.service),
      lines: Number(r.lines),
      last_seen: Number(r.last_seen),
      lines_5m: n,
      error_rate: n === 0 ? 0 : Number(w?.errors ?? 0) / n,
    }
  })
}

/** LineCount is how many lines one service logged in a window. */
export interface LineCount {
  service: string
  lines: number
}

/** countLines counts lines with ts in [since, until] at `minRank` or above, by service. */
export async function countLines(
  client: Client,
  q: { since: number; until: number; minRank: number; service?: string | undefined },
): Promise<LineCount[]> {
  const byService = q.service === undefined ? '' : ' AND service = ?'
  const rows = await client.execute({
    sql: `SELECT service, count(*) AS n FROM logs WHERE ts >= ? AND ts <= ? AND level >= ?${byService} GROUP BY service LIMIT 10000`,
    args: [q.since, q.until, q.minRank, ...(q.service === undefined ? [] : [q.service])],
  })
  return rows.rows.map((r) => ({ service: String(r.service), lines: Number(r.n) }))
}

const deleteChunk = 5000

/** deleteOlderThan removes lines with ts before `cutoff`, in small transactions; returns how many. */
export async function deleteOlderThan(writer: Writer, cutoff: number): Promise<number> {
  let total = 0
  for (;;) {
    const [res] = await writer.batch([
      {
        sql: 'DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < ? LIMIT ?)',
        args: [cutoff, deleteChunk],
      },
    ])
    total += res!.rowsAffected
    if (res!.rowsAffected < deleteChunk) return total
  }
}

/** deleteOverSize removes the oldest lines until the stored size is at most `maxBytes`. */
export async function deleteOverSize(
  client: Client,
  writer: Writer,
  maxBytes: number,
): Promise<number> {
  const rows = await client.execute(
    'SELECT coalesce(sum(size), 0) AS size, count(*) AS n FROM logs',
  )
  let size = Number(rows.rows[0]?.size ?? 0)
  let n = Number(rows.rows[0]?.n ?? 0)
  let total = 0
  while (size > maxBytes && n > 0) {
    // Aim at the excess from the average line size; RETURNING keeps the sum exact without a rescan.
    const excess = Math.ceil(((size - maxBytes) / size) * n)
    const [res] = await writer.batch([
      {
        sql: 'DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY ts, id LIMIT ?) RETURNING size',
        args: [Math.min(Math.max(excess, 1), deleteChunk)],
      },
    ])
    if (res!.rows.length === 0) break
    for (const r of res!.rows) size -= Number(r.size)
    n -= res!.rows.length
    total += res!.rows.length
  }
  return total
}
