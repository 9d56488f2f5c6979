/**
 * When to try a failed delivery again: exponential backoff with full jitter, bounded, and the
 * receiver's Retry-After when it gives one. Pure: the random draw and the clock are parameters.
 */

/** BackoffOptions bounds the delays between attempts. */
export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

/**
 * backoffDelay is the wait before attempt `attempt + 1` after `attempt` failures (1-based):
 * a random point in the upper half of base·2^(attempt-1), capped at max, so gaps grow while
 * senders that failed together do not retry together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + (exp / 2) * Math.min(1, Math.max(0, random)))
}

/**
 * parseRetryAfter reads a Retry-After header (delay seconds or an HTTP date) into milliseconds
 * from `now`; undefined when absent or unreadable. Capped at a day so a receiver cannot park a row.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number,
): number | undefined {
  if (!header) return undefined
  const text = header.trim()
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, 86_400_000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.min(Math.max(0, at - now), 86_400_000)
}

/** nextAttemptDelay is the wait after a retryable failure: the larger of backoff and Retry-After. */
export function nextAttemptDelay(
  attempt: number,
  options: BackoffOptions,
  random: number,
  retryAfterMs: number | undefined,
): number {
  return Math.max(backoffDelay(attempt, options, random), retryAfterMs ?? 0)
}
