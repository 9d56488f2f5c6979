/**
 * The elector loop both backends share: try to take or renew the lease, then wait (the renew
 * period while leading, the retry period with jitter while not), and on abort release it. What a
 * lease is lives behind `LeaseStore`; the timing, the renew deadline and the change events live
 * here, so the database row and the Kubernetes Lease behave the same way.
 */
import type { Logger } from '../obs/logger.ts'
import type { Leadership } from './types.ts'
import type { LeaderMetrics } from './metrics.ts'

/** LeaseStore is one backing store of a lease: the database row or a Kubernetes Lease. */
export interface LeaseStore {
  /** describe names the lease for log lines (`database lease vigil-leader`). */
  readonly describe: string
  /** acquire takes or renews the lease; true when we hold it now, false when another does. */
  acquire(): Promise<boolean>
  /** check reads the lease now: true when we hold it and it has not expired. */
  check(): Promise<boolean>
  /** release gives the lease up (only when we hold it) so a successor takes over at once. */
  release(): Promise<void>
}

/** Timing says how long a lease lasts and how often it is renewed or retried. */
export interface Timing {
  /** leaseMs is how long a lease lasts without renewal (default 15 s). */
  leaseMs: number
  /** renewMs is how often the leader renews (default a third of the lease). */
  renewMs: number
  /** renewDeadlineMs: a leader that could not renew for this long stops leading (2/3 lease). */
  renewDeadlineMs: number
  /** retryMs is how often a follower tries to take the lease, plus up to 50% jitter. */
  retryMs: number
}

/** timingFor derives the renew, deadline and retry periods from a lease duration. */
export function timingFor(leaseMs: number, overrides: Partial<Timing> = {}): Timing {
  return {
    leaseMs,
    renewMs: Math.max(1, Math.round(leaseMs / 3)),
    renewDeadlineMs: Math.max(1, Math.round((leaseMs * 2) / 3)),
    retryMs: Math.max(1, Math.min(2_000, Math.round(leaseMs / 7))),
    ...overrides,
  }
}

/** ElectorOptions are what an Elector needs besides its store. */
export interface ElectorOptions {
  identity: string
  timing: Timing
  logger?: Logger
  metrics?: LeaderMetrics
  /** now is the local clock for the renew deadline (monotonic by default). */
  now?: () => number
  random?: () => number
}

/** Elector runs a LeaseStore as a Leadership. */
export class Elector implements Leadership {
  readonly identity: string
  private leading = false
  private renewedAt = -Infinity
  private readonly listeners = new Set<(leader: boolean) => void>()
  private readonly now: () => number
  private readonly random: () => number

  constructor(
    private readonly store: LeaseStore,
    private readonly options: ElectorOptions,
  ) {
    this.identity = options.identity
    this.now = options.now ?? (() => performance.now())
    this.random = options.random ?? Math.random
    options.metrics?.set(false)
  }

  /** isLeader is true while we hold the lease and renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.now() - this.renewedAt < this.options.timing.renewDeadlineMs
  }

  /** confirm asks the store whether we still hold the lease; a lost lease ends leadership. */
  async confirm(): Promise<boolean> {
    if (!this.isLeader()) {
      this.set(false)
      return false
    }
    try {
      if (await this.store.check()) return this.isLeader()
      this.options.logger?.warn('leader lease lost', { lease: this.store.describe })
      this.set(false)
      return false
    } catch (err) {
      // Unknown is not held: the caller must not mutate, but one failed read is no loss yet.
      this.options.logger?.warn('cannot confirm the leader lease', { err })
      return false
    }
  }

  /** onChange subscribes to gaining and losing leadership; it returns the unsubscribe. */
  onChange(cb: (leader: boolean) => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  /** run takes and renews the lease until the signal aborts, then releases it. */
  async run(signal: AbortSignal): Promise<void> {
    const { timing, logger } = this.options
    let acquired = false
    while (!signal.aborted) {
      const started = this.now()
      try {
        const held = await this.store.acquire()
        acquired ||= held
        if (held) this.renewedAt = started
        this.set(held && this.isLeaderAt(started))
      } catch (err) {
        logger?.warn('cannot renew the leader lease; retrying', { err, lease: this.store.describe })
        this.set(this.isLeader())
      }
      if (signal.aborted) break
      const wait = this.leading ? timing.renewMs : timing.retryMs * (1 + this.random() * 0.5)
      // A leader that cannot renew must still notice its deadline on time.
      const deadline = this.leading ? this.renewedAt + timing.renewDeadlineMs - this.now() : wait
      await sleep(Math.max(0, Math.min(wait, deadline)), signal)
      if (this.leading && !this.isLeader()) this.set(false)
    }
    this.set(false)
    // Even a leader that already gave up may still hold the lease; release checks it is ours.
    if (!acquired) return
    try {
      await this.store.release()
    } catch (err) {
      logger?.warn('cannot release the leader lease; it expires by itself', { err })
    }
  }

  private isLeaderAt(started: number): boolean {
    return this.now() - started < this.options.timing.renewDeadlineMs
  }

  private set(leader: boolean): void {
    if (leader === this.leading) return
    this.leading = leader
    if (!leader) this.renewedAt = -Infinity
    this.options.metrics?.set(leader)
    this.options.logger?.info(leader ? 'became the leader' : 'no longer the leader', {
      identity: this.identity,
      lease: this.store.describe,
    })
    for (const cb of this.listeners) {
      try {
        cb(leader)
      } catch (err) {
        this.options.logger?.error('leadership listener failed', { err })
      }
    }
  }
}

/** sleep waits `ms` or until the signal aborts, and takes its abort listener away again. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
