/** A token bucket per channel: at most `perMinute` sends a minute, refilled smoothly. Pure. */

/** TokenBucket holds one channel's budget; `take` asks for one send at `now`. */
export class TokenBucket {
  private tokens: number
  private at: number | undefined

  constructor(private readonly perMinute: number) {
    this.tokens = perMinute
  }

  /** take spends a token at `now`, or says when the next one will be there. */
  take(now: number): { ok: true } | { ok: false; retryAt: number } {
    if (this.perMinute <= 0) return { ok: true }
    const msPerToken = 60_000 / this.perMinute
    if (this.at !== undefined)
      this.tokens = Math.min(this.perMinute, this.tokens + (now - this.at) / msPerToken)
    this.at = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAt: now + Math.ceil((1 - this.tokens) * msPerToken) }
  }
}
