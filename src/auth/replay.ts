/**
 * Replay protection for signed requests: a store remembers each signature id until the signed
 * timestamp could no longer be accepted, so a captured request cannot be sent again inside the
 * tolerance window. One store works in memory (a single process), the other in the
 * `signature_nonces` table (shared by every process on the database). An entry counts as expired
 * once `expiresAtMs <= nowMs`; time is a parameter.
 */
import type { Client } from '@libsql/client'

/** ReplayStore records ids; `remember` is true only the first time a live id is seen. */
export interface ReplayStore {
  /**
   * remember records `id` until `expiresAtMs` and returns true, or returns false when the id was
   * already seen and has not expired; it may also drop expired ids along the way.
   */
  remember(id: string, expiresAtMs: number, nowMs: number): Promise<boolean>
}

/** defaultMaxIds bounds the memory store. */
export const defaultMaxIds = 100_000

/** defaultPruneEvery is how many calls pass between sweeps of expired ids. */
export const defaultPruneEvery = 1000

/**
 * MemoryReplayStore keeps ids in a Map of at most `maxIds` entries. When it is full it first drops
 * expired ids; if it is still full it refuses new ids (returns false, so the request is rejected)
 * rather than forget a live one, which would reopen a replay window. A flood of valid signed
 * requests can therefore fill it for one tolerance window; use SqlReplayStore where that matters.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly ids = new Map<string, number>()
  private readonly maxIds: number
  private readonly pruneEvery: number
  private calls = 0
  // A lower bound on the earliest expiry held: while now is before it nothing can be pruned, so a
  // full store refuses without scanning every id on each request.
  private earliestExpiry = Infinity

  constructor(options: { maxIds?: number; pruneEvery?: number } = {}) {
    this.maxIds = options.maxIds ?? defaultMaxIds
    this.pruneEvery = options.pruneEvery ?? defaultPruneEvery
  }

  /** size is how many ids are held, expired ones not yet pruned included. */
  get size(): number {
    return this.ids.size
  }

  /** remember records `id` until `expiresAtMs`; false when it is live or the store is full. */
  async remember(id: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    if (++this.calls % this.pruneEvery === 0) this.prune(nowMs)
    const seen = this.ids.get(id)
    if (seen !== undefined && seen > nowMs) return false
    if (seen === undefined && this.ids.size >= this.maxIds) {
      if (nowMs >= this.earliestExpiry) this.prune(nowMs)
      if (this.ids.size >= this.maxIds) return false
    }
    this.ids.set(id, expiresAtMs)
    this.earliestExpiry = Math.min(this.earliestExpiry, expiresAtMs)
    return true
  }

  /** prune drops every expired id and returns how many it dropped. */
  prune(nowMs: number): number {
    let dropped = 0
    let earliest = Infinity
    for (const [id, expiresAt] of this.ids) {
      if (expiresAt <= nowMs) {
        this.ids.delete(id)
        dropped++
      } else if (expiresAt < earliest) {
        earliest = expiresAt
      }
    }
    this.earliestExpiry = earliest
    return dropped
  }
}

/**
 * SqlReplayStore keeps ids in `signature_nonces (id TEXT PRIMARY KEY, expires_at INTEGER)`. One
 * upsert inserts a new id or revives an expired one and leaves a live one alone, so exactly one of
 * two racing requests with the same id sees a changed row; every `pruneEvery` calls one DELETE
 * drops the expired rows.
 */
export class SqlReplayStore implements ReplayStore {
  private readonly client: Client
  private readonly pruneEvery: number
  private calls = 0

  constructor(client: Client, options: { pruneEvery?: number } = {}) {
    this.client = client
    this.pruneEvery = options.pruneEvery ?? defaultPruneEvery
  }

  /** remember records `id` until `expiresAtMs`; false when a live row for it exists already. */
  async remember(id: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    if (++this.calls % this.pruneEvery === 0) await this.prune(nowMs)
    const result = await this.client.execute({
      sql:
        'INSERT INTO signature_nonces (id, expires_at) VALUES (?, ?) ' +
        'ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at ' +
        'WHERE signature_nonces.expires_at <= ?',
      args: [id, expiresAtMs, nowMs],
    })
    return result.rowsAffected === 1
  }

  /** prune deletes every expired row in one statement and returns how many it deleted. */
  async prune(nowMs: number): Promise<number> {
    const result = await this.client.execute({
      sql: 'DELETE FROM signature_nonces WHERE expires_at <= ?',
      args: [nowMs],
    })
    return result.rowsAffected
  }
}
