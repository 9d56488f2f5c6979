/**
 * The audit trail in libSQL: appends (serialised, one write transaction each, so the chain has
 * no forks even with a CLI writing to the same file), filtered reads, and a full chain check.
 */
import type { Client, Row } from '@libsql/client'
import { WriteQueue } from '../db/serial.ts'
import { ChainChecker, entryHash, genesisHash } from './chain.ts'
import type { AuditEntry, AuditFilter, AuditInput, ChainVerdict } from './types.ts'

/** AuditStore appends to and reads the trail. */
export interface AuditStore {
  append(input: AuditInput): Promise<AuditEntry>
  list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextCursor: number | undefined }>
  verify(): Promise<ChainVerdict>
}

const detailsLimit = 16 * 1024

function toEntry(row: Row): AuditEntry {
  return {
    seq: Number(row.seq),
    ts: Number(row.ts),
    actor: String(row.actor),
    actorType: String(row.actor_type) as AuditEntry['actorType'],
    action: String(row.action),
    target: row.target === null ? null : String(row.target),
    outcome: String(row.outcome) as AuditEntry['outcome'],
    requestId: row.request_id === null ? null : String(row.request_id),
    clientAddress: row.client_address === null ? null : String(row.client_address),
    details: JSON.parse(String(row.details)) as Record<string, unknown>,
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  }
}

/** createAuditStore builds the store over a libSQL client; `now` gives the time in ms. */
export function createAuditStore(client: Client, now: () => number): AuditStore {
  // One append at a time in this process; the write transaction orders us against others.
  const appends = new WriteQueue()

  async function appendNow(input: AuditInput): Promise<AuditEntry> {
    const tx = await client.transaction('write')
    try {
      const last = await tx.execute('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
      const prevHash = last.rows[0] ? String(last.rows[0].hash) : genesisHash
      let details = input.details ?? {}
      if (JSON.stringify(details).length > detailsLimit) {
        details = { truncated: true, size: JSON.stringify(details).length }
      }
      const record = {
        seq: last.rows[0] ? Number(last.rows[0].seq) + 1 : 1,
        ts: now(),
        actor: input.actor.slice(0, 200),
        actorType: input.actorType,
        action: input.action.slice(0, 200),
        target: input.target?.slice(0, 500) ?? null,
        outcome: input.outcome,
        requestId: input.requestId ?? null,
        clientAddress: input.clientAddress ?? null,
        details,
      }
      const hash = entryHash(prevHash, record)
      await tx.execute({
        sql: `INSERT INTO audit_log (seq, ts, actor, actor_type, action, target, outcome, request_id,
                client_address, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          record.seq,
          record.ts,
          record.actor,
          record.actorType,
          record.action,
          record.target,
          record.outcome,
          record.requestId,
          record.clientAddress,
          JSON.stringify(record.details),
          prevHash,
          hash,
        ],
      })
      await tx.commit()
      return { ...record, prevHash, hash }
    } finally {
      tx.close()
    }
  }

  return {
    append: (input) => appends.run(() => appendNow(input)),

    async list(filter) {
      const where: string[] = []
      const args: (string | number)[] = []
      const add = (clause: string, ...values: (string | number)[]) => {
        where.push(clause)
        args.push(...values)
      }
      if (filter.actor) add('actor = ?', filter.actor)
      if (filter.action) add("action LIKE ? ESCAPE '\\'", `${escapeLike(filter.action)}%`)
      if (filter.since !== undefined) add('ts >= ?', filter.since)
      if (filter.until !== undefined) add('ts < ?', filter.until)
      if (filter.cursor !== undefined) add('seq < ?', filter.cursor)
      const rows = await client.execute({
        sql: `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY seq DESC LIMIT ?`,
        args: [...args, filter.limit + 1],
      })
      const entries = rows.rows.slice(0, filter.limit).map(toEntry)
      const more = rows.rows.length > filter.limit
      return { entries, nextCursor: more ? entries.at(-1)?.seq : undefined }
    },

    async verify() {
      const checker = new ChainChecker()
      let after = 0
      for (;;) {
        const page = await client.execute({
          sql: 'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1000',
          args: [after],
        })
        if (page.rows.length === 0) break
        const entries = page.rows.map(toEntry)
        checker.feed(entries)
        if (!checker.verdict().ok) break
        after = entries.at(-1)!.seq
      }
      return checker.verdict()
    },
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`)
}
