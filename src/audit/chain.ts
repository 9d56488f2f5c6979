/**
 * The hash chain of the audit trail, a pure core: the canonical form of a record, its hash over
 * the previous hash, and the check of a sequence of entries. Any edit, insertion or deletion in
 * the stored trail changes a hash or leaves a gap, and the check names the first broken entry.
 */
import { createHash } from 'node:crypto'
import type { AuditEntry, AuditRecord, ChainVerdict } from './types.ts'

/** genesisHash is the `prev_hash` of the first entry. */
export const genesisHash = '0'.repeat(64)

/** canonicalJson serialises a value with object keys sorted, so equal records hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** entryHash is SHA-256 (hex) over the previous hash and the canonical record. */
export function entryHash(prevHash: string, record: AuditRecord): string {
  const canonical = canonicalJson({
    seq: record.seq,
    ts: record.ts,
    actor: record.actor,
    actor_type: record.actorType,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    request_id: record.requestId,
    client_address: record.clientAddress,
    details: record.details,
  })
  return createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex')
}

/** ChainChecker checks entries fed in sequence order, one page at a time. */
export class ChainChecker {
  private prevHash = genesisHash
  private lastSeq = 0
  private count = 0
  private broken: ChainVerdict | undefined

  /** feed checks the next entries; it stops looking after the first break. */
  feed(entries: Iterable<AuditEntry>): void {
    for (const e of entries) {
      if (this.broken) return
      this.count++
      const expectedSeq = this.lastSeq + 1
      if (e.seq !== expectedSeq) {
        return this.fail(expectedSeq, `sequence ${expectedSeq} is missing (next found: ${e.seq})`)
      }
      if (e.prevHash !== this.prevHash) {
        return this.fail(e.seq, 'prev_hash does not match the hash of the entry before it')
      }
      if (entryHash(e.prevHash, e) !== e.hash) {
        return this.fail(e.seq, 'the record does not match its hash (it was changed)')
      }
      this.prevHash = e.hash
      this.lastSeq = e.seq
    }
  }

  /** verdict is the result so far. */
  verdict(): ChainVerdict {
    return this.broken ?? { ok: true, count: this.count, lastSeq: this.lastSeq }
  }

  private fail(seq: number, reason: string) {
    this.broken = { ok: false, count: this.count, seq, reason }
  }
}

/** verifyChain checks a whole sequence of entries at once. */
export function verifyChain(entries: Iterable<AuditEntry>): ChainVerdict {
  const checker = new ChainChecker()
  checker.feed(entries)
  return checker.verdict()
}
