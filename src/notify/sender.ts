/**
 * The background sender: claims due outbox rows under a lease, sends each through its channel
 * with a timeout, and records the attempt: delivered; retried after exponential backoff with
 * jitter (or the receiver's Retry-After, whichever is longer) on 5xx, 408, 429, timeouts and
 * network errors; failed for good on any other 4xx or after the last attempt. A circuit breaker
 * and a token bucket per channel hold rows back without spending their attempts. A row claimed
 * by a sender that died is due again when its lease runs out, so nothing is lost on a crash.
 */
import type { Client } from '@libsql/client'
import type { Logger } from '../obs/logger.ts'
import { VERSION } from '../version.ts'
import { Breaker, type BreakerState } from './breaker.ts'
import { defOf, type Channel, type ChannelDirectory } from './directory.ts'
import type { NotifyMetrics } from './metrics.ts'
import type { NotifyOptions } from './options.ts'
import { claimDue, defer, pruneFinished, recordAttempt, type OutboxRow } from './outbox-store.ts'
import { TokenBucket } from './rate-limit.ts'
import { nextAttemptDelay } from './retry.ts'
import type { SendResult } from './types.ts'

/** leaseMarginMs is how much longer than one attempt's timeout a claim holds. */
const leaseMarginMs = 5000

/** Sender runs the delivery loop; `kick` wakes it when something new is due. */
export class Sender {
  private readonly breakers = new Map<string, Breaker>()
  private readonly buckets = new Map<string, { perMinute: number; bucket: TokenBucket }>()
  private readonly inflight = new Set<Promise<void>>()
  private wake: (() => void) | undefined

  constructor(
    private readonly client: Client,
    private readonly directory: ChannelDirectory,
    private readonly options: NotifyOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly metrics: NotifyMetrics,
    /** tick runs on every turn of the loop (reminders for unacknowledged incidents). */
    private readonly tick: (now: number) => Promise<void>,
    private readonly random: () => number = Math.random,
  ) {}

  /** kick wakes the loop now. */
  kick(): void {
    this.wake?.()
  }

  /** breakerStates reports each channel's breaker, for /metrics. */
  breakerStates(): Map<string, BreakerState> {
    const t = this.now()
    return new Map([...this.breakers].map(([name, b]) => [name, b.state(t)]))
  }

  /** run sends until `signal` aborts, then waits for the sends in flight. */
  async run(signal: AbortSignal): Promise<void> {
    let lastTick = -Infinity
    let lastPrune = -Infinity
    while (!signal.aborted) {
      let wait = this.options.pollMs
      try {
        const t = this.now()
        if (t - lastTick >= 1000) {
          lastTick = t
          await this.tick(t)
        }
        if (t - lastPrune >= 3_600_000) {
          lastPrune = t
          await pruneFinished(this.client, t - this.options.retentionMs)
        }
        const free = this.options.concurrency - this.inflight.size
        if (free > 0) {
          const rows = await claimDue(
            this.client,
            t,
            t + this.options.timeoutMs + leaseMarginMs,
            free,
          )
          for (const row of rows) this.start(row)
          if (rows.length === free) wait = 0
          else wait = Math.min(wait, await this.untilNextDue(t))
        }
      } catch (err) {
        this.logger.error('notification sender failed; carrying on', { err })
      }
      if (wait > 0) await this.sleep(wait, signal)
    }
    await Promise.all(this.inflight)
  }

  private start(row: OutboxRow): void {
    const p: Promise<void> = this.process(row)
      .catch((err) => this.logger.error('notification delivery failed', { err, key: row.key }))
      .finally(() => {
        this.inflight.delete(p)
        this.kick()
      })
    this.inflight.add(p)
  }

  private async untilNextDue(t: number): Promise<number> {
    const res = await this.client.execute(
      "SELECT min(next_attempt_at) AS at FROM notify_outbox WHERE status = 'pending'",
    )
    const at = res.rows[0]?.at
    if (at === null || at === undefined) return this.options.pollMs
    return Math.max(5, Math.min(this.options.pollMs, Number(at) - t))
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
      this.wake = done
    })
  }

  private breaker(name: string): Breaker {
    let b = this.breakers.get(name)
    if (!b) this.breakers.set(name, (b = new Breaker(this.options.breaker)))
    return b
  }

  private bucket(c: Channel): TokenBucket {
    let entry = this.buckets.get(c.name)
    if (!entry || entry.perMinute !== c.rateLimit) {
      entry = { perMinute: c.rateLimit, bucket: new TokenBucket(c.rateLimit) }
      this.buckets.set(c.name, entry)
    }
    return entry.bucket
  }

  private async process(row: OutboxRow): Promise<void> {
    const channel = await this.directory.get(row.channel)
    const started = this.now()
    if (!channel || channel.error) {
      const error = channel?.error
        ? `channel ${row.channel}: ${channel.error}`
        : `channel ${row.channel} does not exist`
      return this.finish(row, started, started, { ok: false, retry: false, error })
    }
    const breaker = this.breaker(channel.name)
    const admitted = breaker.admit(started)
    if (!admitted.ok) return this.hold(row, admitted.retryAt, started)
    const allowed = this.bucket(channel).take(started)
    if (!allowed.ok) {
      breaker.release()
      return this.hold(row, allowed.retryAt, started)
    }
    let result: SendResult
    try {
      result = await defOf(channel.type).send(row.notification, channel.config, {
        now: started,
        publicUrl: this.options.publicUrl,
        version: VERSION,
        timeoutMs: this.options.timeoutMs,
      })
    } catch (err) {
      result = { ok: false, retry: true, error: `send failed: ${(err as Error).message}` }
    }
    if (!result.ok) result = { ...result, error: scrub(result.error, channel) }
    const ended = this.now()
    // A refusal (4xx) shows the receiver is up: only retryable failures count against it.
    if (result.ok || !result.retry) breaker.success()
    else if (breaker.failure(ended) && breaker.state(ended) === 'open')
      this.logger.warn('notification channel circuit open', { channel: channel.name })
    return this.finish(row, started, ended, result)
  }

  private async hold(row: OutboxRow, at: number, now: number): Promise<void> {
    this.metrics.deliveries.inc({ channel: row.channel, outcome: 'deferred' })
    await defer(this.client, row.id, at, now)
  }

  private async finish(row: OutboxRow, started: number, ended: number, result: SendResult) {
    const attempt = row.attempts + 1
    const giveUp = !result.ok && (!result.retry || attempt >= this.options.maxAttempts)
    const outcome = result.ok ? 'delivered' : giveUp ? 'failed' : 'retry'
    const next =
      result.ok || giveUp
        ? undefined
        : ended +
          nextAttemptDelay(attempt, this.options.backoff, this.random(), result.retryAfterMs)
    const error = result.ok
      ? null
      : giveUp && result.retry
        ? `${result.error} (gave up after ${attempt} attempts)`
        : result.error
    await recordAttempt(this.client, {
      row,
      attempt: {
        outboxId: row.id,
        attempt,
        startedAt: started,
        durationMs: ended - started,
        outcome,
        status: result.status ?? null,
        error,
      },
      next,
      now: ended,
    })
    this.metrics.deliveries.inc({ channel: row.channel, outcome })
    this.metrics.attemptSeconds.observe({ channel: row.channel }, (ended - started) / 1000)
    const fields = { channel: row.channel, key: row.key, attempt, status: result.status }
    if (outcome === 'delivered') this.logger.info('notification delivered', fields)
    else if (outcome === 'retry')
      this.logger.warn('notification will be retried', {
        ...fields,
        error,
        next_in_ms: next! - ended,
      })
    else this.logger.warn('notification failed', { ...fields, error })
  }
}

/** scrub removes a channel's secret values from an error message before it is stored or logged. */
export function scrub(message: string, channel: Channel): string {
  const config = channel.config as Record<string, unknown>
  let out = message
  for (const field of defOf(channel.type).secrets) {
    const value = config[field]
    const values =
      typeof value === 'string'
        ? [value]
        : value && typeof value === 'object'
          ? Object.values(value).filter((v): v is string => typeof v === 'string')
          : []
    for (const v of values) if (v.length >= 4) out = out.split(v).join('***')
  }
  return out
}
