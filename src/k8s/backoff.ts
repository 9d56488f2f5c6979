/** Exponential backoff with a cap and full jitter, for watches that fail. Pure: randomness is a parameter. */

/** BackoffOptions bound the delay between retries. */
export interface BackoffOptions {
  /** initialMs is the delay after the first failure. */
  initialMs: number
  /** maxMs caps the delay however many failures follow. */
  maxMs: number
}

/** defaultBackoff is 500 ms doubling up to 30 s, as client-go's reflector does (800 ms → 30 s). */
export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000 }

/**
 * backoffDelay is the wait before retry number `attempt` (1 for the first): the capped exponential
 * delay, jittered into its upper half so that many watchers do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exp = options.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30))
  const capped = Math.min(options.maxMs, exp)
  return Math.round(capped / 2 + (capped / 2) * random())
}
