/** The notifier's settings, from the config (VIGIL_NOTIFY_* and VIGIL_PUBLIC_URL). */
import type { BreakerOptions } from './breaker.ts'
import type { BackoffOptions } from './retry.ts'

/** NotifyOptions tunes delivery. */
export interface NotifyOptions {
  publicUrl: string | undefined
  timeoutMs: number
  maxAttempts: number
  backoff: BackoffOptions
  breaker: BreakerOptions
  repeatIntervalMs: number
  retentionMs: number
  /** concurrency is how many sends may be in flight at once. */
  concurrency: number
  /** pollMs is the longest the sender sleeps when nothing is due. */
  pollMs: number
}
