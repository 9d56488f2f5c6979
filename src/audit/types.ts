/** Plain types of the audit trail. */

/** ActorType says what kind of principal acted. */
export type ActorType = 'user' | 'token' | 'cli' | 'system' | 'anonymous'

/** Outcome says how the action ended. */
export type Outcome = 'success' | 'failure' | 'denied'

/** AuditInput is what a caller records; sequence, time and hashes are added by the store. */
export interface AuditInput {
  actor: string
  actorType: ActorType
  action: string
  target?: string | undefined
  outcome: Outcome
  requestId?: string | undefined
  clientAddress?: string | undefined
  details?: Record<string, unknown> | undefined
}

/** AuditRecord is the chained content of one entry (everything but the hashes). */
export interface AuditRecord {
  seq: number
  ts: number
  actor: string
  actorType: ActorType
  action: string
  target: string | null
  outcome: Outcome
  requestId: string | null
  clientAddress: string | null
  details: Record<string, unknown>
}

/** AuditEntry is a stored entry with its place in the hash chain. */
export interface AuditEntry extends AuditRecord {
  prevHash: string
  hash: string
}

/** AuditFilter selects entries for the API and the Audit page. */
export interface AuditFilter {
  actor?: string | undefined
  action?: string | undefined
  since?: number | undefined
  until?: number | undefined
  limit: number
  cursor?: number | undefined
}

/** ChainVerdict is the result of checking the chain. */
export type ChainVerdict =
  | { ok: true; count: number; lastSeq: number }
  | { ok: false; count: number; seq: number; reason: string }
