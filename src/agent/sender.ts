/**
 * The sender: posts the queued batches to `POST /api/v1/ingest/metrics` one at a time, oldest
 * first. 2xx removes a batch; 429, 5xx and network errors keep it at the head and wait (Retry-After
 * when the server gives one, else exponential backoff with jitter between the bounds); any other
 * 4xx is logged and the batch dropped, since sending it again would fail again. The first failure
 * persists the queue to disk so a crash loses no more than the batches collected since.
 */
import type { Logger } from '../obs/logger.ts'
import type { Batch, BatchQueue } from './buffer.ts'
import type { AgentStats } from './stats.ts'

/** SenderOptions say where to send and how patiently. */
export interface SenderOptions {
  server: string
  token?: string
  queue: BatchQueue
  stats: AgentStats
  logger: Logger
  minBackoffMs?: number
  maxBackoffMs?: number
  /** requestTimeoutMs bounds one request (10 s). */
  requestTimeoutMs?: number
  random?: () => number
}

type Outcome = { kind: 'sent' } | { kind: 'rejected' } | { kind: 'retry'; afterMs?: number }

/** retryAfterMs reads a Retry-After header (seconds or an HTTP date); undefined when absent. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** backoffMs is the wait before retry `attempt` (0-based): doubling from min to max, jittered. */
export function backoffMs(attempt: number, min: number, max: number, random = Math.random): number {
  const base = Math.min(max, min * 2 ** attempt)
  return Math.max(min, Math.round(base / 2 + (random() * base) / 2))
}

const maxRetryAfterMs = 300_000

/** Sender drains the queue in order until stopped. */
export class Sender {
  private stopped = false
  private wakeUp: (() => void) | undefined
  private inFlight: AbortController | undefined
  private loop: Promise<void> | undefined
  private readonly url: string

  constructor(private readonly o: SenderOptions) {
    this.url = `${o.server.replace(/\/+$/, '')}/api/v1/ingest/metrics`
  }

  /** start runs the send loop in the background. */
  start(): void {
    this.loop ??= this.run()
  }

  /** notify says a batch was queued. */
  notify(): void {
    this.wakeUp?.()
  }

  /**
   * flush stops the loop, then sends what is queued until `deadlineMs` from now (no retries),
   * and persists whatever is left. Resolves with the number of batches left on disk.
   */
  async flush(deadlineMs: number): Promise<number> {
    this.stopped = true
    this.wakeUp?.()
    const end = Date.now() + deadlineMs
    const timer = setTimeout(() => this.inFlight?.abort(), deadlineMs)
    try {
      await this.loop
      for (let b = this.o.queue.head(); b && Date.now() < end; b = this.o.queue.head()) {
        const outcome = await this.send(b, Math.max(1, end - Date.now()))
        if (outcome.kind === 'retry') break
      }
    } finally {
      clearTimeout(timer)
    }
    this.o.queue.persist()
    return this.o.queue.length
  }

  private async run(): Promise<void> {
    const { queue } = this.o
    const min = this.o.minBackoffMs ?? 1000
    const max = this.o.maxBackoffMs ?? 16_000
    let attempt = 0
    while (!this.stopped) {
      const batch = queue.head()
      if (!batch) {
        await this.wait()
        continue
      }
      const outcome = await this.send(batch, this.o.requestTimeoutMs ?? 10_000)
      if (outcome.kind !== 'retry') {
        attempt = 0
        continue
      }
      queue.persist()
      const delay =
        outcome.afterMs !== undefined
          ? Math.min(outcome.afterMs, maxRetryAfterMs)
          : backoffMs(attempt, min, max, this.o.random)
      attempt++
      await this.wait(delay)
    }
  }

  private wait(ms?: number): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms)
      const self = this
      function done() {
        clearTimeout(timer)
        self.wakeUp = undefined
        resolve()
      }
      // A new batch ends an idle wait; only stopping ends a backoff.
      this.wakeUp = ms === undefined ? done : () => this.stopped && done()
    })
  }

  private async send(batch: Batch, timeoutMs: number): Promise<Outcome> {
    const { queue, stats, logger } = this.o
    const controller = new AbortController()
    this.inFlight = controller
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    let res: Response
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
          ...(this.o.token ? { Authorization: `Bearer ${this.o.token}` } : {}),
        },
        body: batch.body,
        signal: controller.signal,
      })
    } catch (err) {
      stats.sendFailures++
      logger.warn('send failed', { error: (err as Error).message, queued: queue.length })
      return { kind: 'retry' }
    } finally {
      clearTimeout(timer)
      this.inFlight = undefined
    }
    const text = await res.text().catch(() => '')
    if (res.ok) {
      queue.remove(batch)
      stats.samplesSent += batch.samples
      stats.lastSentAt = Date.now()
      const reply = parseReply(text)
      if (reply.rejected > 0)
        logger.warn('samples rejected', { rejected: reply.rejected, errors: reply.errors })
      return { kind: 'sent' }
    }
    if (res.status === 429 || res.status >= 500) {
      stats.sendFailures++
      logger.warn('send failed', { status: res.status, queued: queue.length })
      return { kind: 'retry', afterMs: retryAfterMs(res.headers.get('retry-after')) }
    }
    // A batch the bound dropped while in flight is counted there already.
    if (queue.remove(batch)) stats.rejectedBatches++
    logger.error('batch rejected, dropped', {
      status: res.status,
      reply: text.slice(0, 500),
      samples: batch.samples,
    })
    return { kind: 'rejected' }
  }
}

function parseReply(text: string): { rejected: number; errors: unknown } {
  try {
    const body = JSON.parse(text) as { rejected?: number; errors?: unknown[] }
    return { rejected: body.rejected ?? 0, errors: body.errors?.slice(0, 5) }
  } catch {
    return { rejected: 0, errors: undefined }
  }
}
