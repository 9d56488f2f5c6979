/**
 * Login throttling, in memory: after 5 failures for one account from one client address, each
 * further attempt from there waits 1 s, 2 s, 4 s … up to 15 min (429 with Retry-After). The key is
 * the pair, so throttling one account never locks out another, nor the same account elsewhere.
 * A second, looser limit per address (50 failures over any accounts) stops password spraying.
 * Failures are forgotten 15 min after the last one. Time is a parameter.
 */

/** throttleFreeFailures is how many failures pass before delays start. */
export const throttleFreeFailures = 5
const sprayFreeFailures = 50
const maxDelayMs = 15 * 60_000
const forgetAfterMs = 15 * 60_000
const maxKeys = 50_000

interface Entry {
  failures: number
  last: number
}

/** LoginThrottle counts failures and says how long a client must wait. */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>()

  /** retryAfterMs returns how long this account-and-address must still wait (0: go ahead). */
  retryAfterMs(account: string, address: string, now: number): number {
    return Math.max(
      this.wait(`a:${account}|${address}`, throttleFreeFailures, now),
      this.wait(`ip:${address}`, sprayFreeFailures, now),
    )
  }

  /** failed records a failed attempt. */
  failed(account: string, address: string, now: number): void {
    this.bump(`a:${account}|${address}`, now)
    this.bump(`ip:${address}`, now)
  }

  /** succeeded forgets the failures of this account from this address. */
  succeeded(account: string, address: string): void {
    this.entries.delete(`a:${account}|${address}`)
  }

  private wait(key: string, free: number, now: number): number {
    const entry = this.entries.get(key)
    if (!entry) return 0
    if (now - entry.last >= forgetAfterMs) {
      this.entries.delete(key)
      return 0
    }
    if (entry.failures < free) return 0
    const delay = Math.min(maxDelayMs, 1000 * 2 ** (entry.failures - free))
    return Math.max(0, entry.last + delay - now)
  }

  private bump(key: string, now: number) {
    const entry = this.entries.get(key)
    if (entry && now - entry.last < forgetAfterMs) {
      entry.failures++
      entry.last = now
      // Re-insert so the map's order stays least-recently-failed first.
      this.entries.delete(key)
      this.entries.set(key, entry)
    } else {
      this.entries.delete(key)
      this.entries.set(key, { failures: 1, last: now })
    }
    if (this.entries.size > maxKeys) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }
}
