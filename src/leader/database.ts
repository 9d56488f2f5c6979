/**
 * The database lease: one row of `leases`, taken or renewed by a single conditional upsert
 * (`holder = me OR expires_at < now`). SQLite runs it under its write lock, so of two processes on
 * one file (or two replicas on one sqld server) exactly one sees its row come back. Every time is
 * the database's own clock, so replicas on hosts whose clocks differ still agree on expiry.
 */
import type { Client } from '@libsql/client'
import type { LeaseStore } from './elector.ts'

// The database's clock in Unix milliseconds (SQLite 3.42+).
const nowMs = "CAST(unixepoch('subsec') * 1000 AS INTEGER)"

const acquireSql = `
INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at, transitions)
VALUES (?1, ?2, ${nowMs}, ${nowMs}, ${nowMs} + ?3, 0)
ON CONFLICT (name) DO UPDATE SET
  holder = excluded.holder,
  acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at
                     ELSE excluded.acquired_at END,
  renewed_at = excluded.renewed_at,
  expires_at = excluded.expires_at,
  transitions = leases.transitions + (leases.holder <> excluded.holder)
WHERE leases.holder = excluded.holder OR leases.expires_at < excluded.renewed_at
RETURNING holder`

/** DatabaseLeaseOptions name the lease row and say how long it lasts. */
export interface DatabaseLeaseOptions {
  client: Client
  identity: string
  /** name is the lease's row (default `vigil-leader`). */
  name: string
  leaseMs: number
}

/** databaseLease returns the LeaseStore of one row of the `leases` table. */
export function databaseLease(options: DatabaseLeaseOptions): LeaseStore {
  const { client, identity, name, leaseMs } = options
  return {
    describe: `database lease ${name}`,
    async acquire() {
      const result = await client.execute({ sql: acquireSql, args: [name, identity, leaseMs] })
      return result.rows.length === 1 && result.rows[0]!.holder === identity
    },
    async check() {
      const result = await client.execute({
        sql: `SELECT holder, expires_at > ${nowMs} AS live FROM leases WHERE name = ?`,
        args: [name],
      })
      const row = result.rows[0]
      return row !== undefined && row.holder === identity && Number(row.live) === 1
    },
    async release() {
      // Expired at once, so a successor's next retry takes it without waiting out the lease.
      await client.execute({
        sql: `UPDATE leases SET holder = '', expires_at = 0, renewed_at = ${nowMs}
              WHERE name = ? AND holder = ?`,
        args: [name, identity],
      })
    },
  }
}
