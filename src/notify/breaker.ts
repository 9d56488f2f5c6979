/**
 * A circuit breaker per channel: closed while deliveries succeed; open after `threshold`
 * consecutive retryable failures, refusing sends for `cooldownMs`; then half-open, letting one
 * probe through, which closes it on success and opens it again on failure. Time is a parameter.
 */

/** BreakerState is what /metrics reports: 0 closed, 1 half-open, 2 open. */
export type BreakerState = 'closed' | 'half_open' | 'open'

/** BreakerOptions says when a breaker opens and for how long. */
export interface BreakerOptions {
  threshold: number
  cooldownMs: number
}

/** Breaker tracks one channel's consecutive failures. */
export class Breaker {
  private failures = 0
  private openedAt: number | undefined
  private probing = false

  constructor(private readonly options: BreakerOptions) {}

  /** state is the breaker's state at `now`. */
  state(now: number): BreakerState {
    if (this.openedAt === undefined) return 'closed'
    return now - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open'
  }

  /**
   * admit tells whether a send may start at `now`; in half-open only one probe at a time. When it
   * refuses, `retryAt` says when to ask again.
   */
  admit(now: number): { ok: true } | { ok: false; retryAt: number } {
    const state = this.state(now)
    if (state === 'closed') return { ok: true }
    if (state === 'half_open' && !this.probing) {
      this.probing = true
      return { ok: true }
    }
    const retryAt =
      state === 'open'
        ? this.openedAt! + this.options.cooldownMs
        : now + Math.min(1000, this.options.cooldownMs)
    return { ok: false, retryAt }
  }

  /** success records a delivered attempt: the breaker closes. */
  success(): void {
    this.failures = 0
    this.openedAt = undefined
    this.probing = false
  }

  /** failure records a retryable failure at `now`; returns true when the breaker is now open. */
  failure(now: number): boolean {
    this.failures++
    if (this.probing || this.failures >= this.options.threshold) {
      this.openedAt = now
      this.probing = false
      return true
    }
    return false
  }

  /** release gives back a probe slot that was admitted but not used (e.g. rate limited). */
  release(): void {
    this.probing = false
  }
}
