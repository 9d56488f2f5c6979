/** SQL over `silences`; returns domain types. */
import type { Client, Row } from '@libsql/client'
import type { LabelMatcher, Silence } from './types.ts'

function toSilence(r: Row): Silence {
  return {
    id: Number(r.id),
    matchers: JSON.parse(String(r.matchers)) as LabelMatcher[],
    comment: String(r.comment),
    createdBy: String(r.created_by),
    createdAt: Number(r.created_at),
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    expiredBy: r.expired_by === null ? null : String(r.expired_by),
  }
}

/** insertSilence stores a silence and returns it with its id. */
export async function insertSilence(client: Client, s: Omit<Silence, 'id'>): Promise<Silence> {
  const res = await client.execute({
    sql: `INSERT INTO silences (matchers, comment, created_by, created_at, starts_at, ends_at)
      VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    args: [JSON.stringify(s.matchers), s.comment, s.createdBy, s.createdAt, s.startsAt, s.endsAt],
  })
  return { ...s, id: Number(res.rows[0]!.id) }
}

/** getSilence reads one silence. */
export async function getSilence(client: Client, id: number): Promise<Silence | undefined> {
  const res = await client.execute({ sql: 'SELECT * FROM silences WHERE id = ?', args: [id] })
  return res.rows[0] ? toSilence(res.rows[0]) : undefined
}

/** unexpiredSilences reads the silences that have not ended at `now` (active or pending). */
export async function unexpiredSilences(client: Client, now: number): Promise<Silence[]> {
  const res = await client.execute({
    sql: 'SELECT * FROM silences WHERE ends_at > ? ORDER BY starts_at, id LIMIT 10000',
    args: [now],
  })
  return res.rows.map(toSilence)
}

/** recentSilences reads the newest silences, expired ones included. */
export async function recentSilences(client: Client, limit: number): Promise<Silence[]> {
  const res = await client.execute({
    sql: 'SELECT * FROM silences ORDER BY id DESC LIMIT ?',
    args: [limit],
  })
  return res.rows.map(toSilence)
}

/** expireSilence ends a silence at `now`, recording who did it. */
export async function expireSilence(client: Client, id: number, now: number, by: string) {
  await client.execute({
    sql: 'UPDATE silences SET ends_at = ?, expired_by = ? WHERE id = ?',
    args: [now, by, id],
  })
}
