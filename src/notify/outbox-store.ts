/**
 * SQL over the outbox, the delivery log and the repeat list; returns domain types. Rows move
 * pending → sending (claimed under a lease) → delivered | failed, or back to pending for a retry.
 */
import type { Client, InStatement, Row } from '@libsql/client'
import type { Notification, NotifyEvent } from './types.ts'

/** OutboxStatus is where a row is in its delivery. */
export type OutboxStatus = 'pending' | 'sending' | 'delivered' | 'failed'

/** OutboxRow is one (event, channel) notification and its delivery state. */
export interface OutboxRow {
  id: number
  key: string
  incidentId: string
  event: NotifyEvent
  channel: string
  notification: Notification
  status: OutboxStatus
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  lastStatus: number | null
  createdAt: number
  deliveredAt: number | null
}

/** AttemptOutcome is how one attempt ended. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed'

/** AttemptRow is one line of the delivery log. */
export interface AttemptRow {
  outboxId: number
  attempt: number
  startedAt: number
  durationMs: number
  outcome: AttemptOutcome
  status: number | null
  error: string | null
}

function toRow(r: Row): OutboxRow {
  return {
    id: Number(r.id),
    key: String(r.key),
    incidentId: String(r.incident_id),
    event: String(r.event) as NotifyEvent,
    channel: String(r.channel),
    notification: JSON.parse(String(r.payload)) as Notification,
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: r.last_error === null ? null : String(r.last_error),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    createdAt: Number(r.created_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  }
}

/** insertStatements are the INSERTs of new rows; a key already there is left alone. */
export function insertStatements(list: Notification[], now: number): InStatement[] {
  return list.map((n) => ({
    sql: `INSERT INTO notify_outbox (key, incident_id, event, channel, payload, status, attempts,
        next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    args: [n.key, n.incident.id, n.event, n.channel, JSON.stringify(n), now, now, now],
  }))
}

/**
 * claimDue leases up to `limit` rows that are due (pending and due, or sending with a lapsed
 * lease: their sender died) until `leaseUntil`, in one statement so two senders never share one.
 */
export async function claimDue(
  client: Client,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<OutboxRow[]> {
  const res = await client.execute({
    sql: `UPDATE notify_outbox SET status = 'sending', lease_until = ?, updated_at = ?
      WHERE id IN (SELECT id FROM notify_outbox
        WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?)
        ORDER BY next_attempt_at, id LIMIT ?)
      RETURNING *`,
    args: [leaseUntil, now, now, now, limit],
  })
  return res.rows.map(toRow).sort((a, b) => a.id - b.id)
}

/** defer puts a claimed row back without counting an attempt (breaker open, rate limited). */
export async function defer(client: Client, id: number, at: number, now: number): Promise<void> {
  await client.execute({
    sql: `UPDATE notify_outbox SET status = 'pending', next_attempt_at = ?, lease_until = NULL,
      updated_at = ? WHERE id = ? AND status = 'sending'`,
    args: [at, now, id],
  })
}

/** AttemptRecord is an attempt to log and the row's next state. */
export interface AttemptRecord {
  row: OutboxRow
  attempt: AttemptRow
  /** next is when to try again; undefined when the row is now delivered or failed. */
  next: number | undefined
  now: number
}

/** recordAttempt logs an attempt and moves the row on, in one transaction. */
export async function recordAttempt(client: Client, rec: AttemptRecord): Promise<void> {
  const a = rec.attempt
  const status: OutboxStatus =
    a.outcome === 'delivered' ? 'delivered' : a.outcome === 'failed' ? 'failed' : 'pending'
  await client.batch(
    [
      {
        sql: `INSERT INTO notify_attempts (outbox_id, incident_id, channel, attempt, started_at,
            duration_ms, outcome, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          rec.row.id,
          rec.row.incidentId,
          rec.row.channel,
          a.attempt,
          a.startedAt,
          a.durationMs,
          a.outcome,
          a.status,
          a.error,
        ],
      },
      {
        sql: `UPDATE notify_outbox SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = NULL,
            last_error = ?, last_status = ?, updated_at = ?, delivered_at = ? WHERE id = ?`,
        args: [
          status,
          a.attempt,
          rec.next ?? rec.row.nextAttemptAt,
          a.error,
          a.status,
          rec.now,
          status === 'delivered' ? rec.now : null,
          rec.row.id,
        ],
      },
    ],
    'write',
  )
}

/** backlogByChannel counts rows not yet delivered or failed, by channel. */
export async function backlogByChannel(client: Client): Promise<Map<string, number>> {
  const res = await client.execute(
    `SELECT channel, count(*) AS n FROM notify_outbox WHERE status IN ('pending', 'sending')
      GROUP BY channel`,
  )
  return new Map(res.rows.map((r) => [String(r.channel), Number(r.n)]))
}

/** Delivery is an outbox row with its attempts, as the delivery log shows it. */
export interface Delivery extends OutboxRow {
  log: AttemptRow[]
}

/** deliveriesFor lists an incident's notifications (oldest first) with their attempts. */
export async function deliveriesFor(
  client: Client,
  incidentId: string,
  limit: number,
): Promise<Delivery[]> {
  const rows = await client.execute({
    sql: 'SELECT * FROM notify_outbox WHERE incident_id = ? ORDER BY id LIMIT ?',
    args: [incidentId, limit],
  })
  const attempts = await client.execute({
    sql: `SELECT * FROM notify_attempts WHERE outbox_id IN
        (SELECT id FROM notify_outbox WHERE incident_id = ? ORDER BY id LIMIT ?) ORDER BY id`,
    args: [incidentId, limit],
  })
  const byRow = new Map<number, AttemptRow[]>()
  for (const r of attempts.rows) {
    const id = Number(r.outbox_id)
    const list = byRow.get(id) ?? []
    list.push({
      outboxId: id,
      attempt: Number(r.attempt),
      startedAt: Number(r.started_at),
      durationMs: Number(r.duration_ms),
      outcome: String(r.outcome) as AttemptOutcome,
      status: r.status === null ? null : Number(r.status),
      error: r.error === null ? null : String(r.error),
    })
    byRow.set(id, list)
  }
  return rows.rows.map(toRow).map((row) => ({ ...row, log: byRow.get(row.id) ?? [] }))
}

/** outboxRow reads one row by id. */
export async function outboxRow(client: Client, id: number): Promise<OutboxRow | undefined> {
  const res = await client.execute({ sql: 'SELECT * FROM notify_outbox WHERE id = ?', args: [id] })
  return res.rows[0] ? toRow(res.rows[0]) : undefined
}

/** outboxIdByKey finds a row's id by its idempotency key. */
export async function outboxIdByKey(client: Client, key: string): Promise<number | undefined> {
  const res = await client.execute({
    sql: 'SELECT id FROM notify_outbox WHERE key = ?',
    args: [key],
  })
  return res.rows[0] ? Number(res.rows[0].id) : undefined
}

/** pruneFinished deletes delivered and failed rows (and their log) last touched before `before`. */
export async function pruneFinished(client: Client, before: number): Promise<void> {
  await client.batch(
    [
      {
        sql: `DELETE FROM notify_attempts WHERE outbox_id IN (SELECT id FROM notify_outbox
            WHERE status IN ('delivered', 'failed') AND updated_at < ?)`,
        args: [before],
      },
      {
        sql: `DELETE FROM notify_outbox WHERE status IN ('delivered', 'failed') AND updated_at < ?`,
        args: [before],
      },
    ],
    'write',
  )
}
