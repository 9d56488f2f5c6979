/**
 * One live-tail subscriber: lines of one service that pass the filters are queued as they are
 * published on the bus; the queue is bounded, so a client that reads slower than lines arrive
 * loses the overflow (counted, and told as "dropped N") instead of slowing ingest.
 */
import type { Bus } from '../bus.ts'
import type { LogsMetrics } from './metrics.ts'
import { levelRank } from './normalize.ts'
import type { Level, LogLine } from './types.ts'

/** TailFilter selects what a tail receives. */
export interface TailFilter {
  service: string
  minLevel?: Level | undefined
  levels?: Level[] | undefined
  /** matches is the in-memory search test (see `matcher`). */
  matches?: ((message: string) => boolean) | undefined
}

/** TailBatch is what one read of the queue yields. */
export interface TailBatch {
  lines: LogLine[]
  dropped: number
}

/** Tail is a bounded subscription to the lines of one service. */
export class Tail {
  private queue: LogLine[] = []
  private dropped = 0
  private waiter: (() => void) | undefined
  private readonly unsubscribe: () => void
  private closed = false
  private readonly closers: (() => void)[] = []

  constructor(
    bus: Bus,
    filter: TailFilter,
    private readonly report: LogsMetrics,
    private readonly maxQueue = 1000,
  ) {
    const min = filter.minLevel === undefined ? 0 : levelRank(filter.minLevel)
    this.unsubscribe = bus.subscribe('logs', (lines) => {
      let added = false
      for (const l of lines) {
        if (l.service !== filter.service || levelRank(l.level) < min) continue
        if (filter.levels && !filter.levels.includes(l.level)) continue
        if (filter.matches && !filter.matches(l.message)) continue
        if (this.queue.length >= this.maxQueue) this.dropped++
        else this.queue.push(l)
        added = true
      }
      if (added) this.waiter?.()
    })
    report.tailOpened()
  }

  /** next waits up to `ms` for lines and takes everything queued (possibly nothing). */
  async next(ms: number): Promise<TailBatch> {
    if (this.queue.length === 0 && this.dropped === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms)
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.waiter = done
      })
      this.waiter = undefined
    }
    const batch = { lines: this.queue, dropped: this.dropped }
    if (batch.dropped) this.report.dropped(batch.dropped)
    this.queue = []
    this.dropped = 0
    return batch
  }

  /** close stops the subscription, wakes a waiting `next` and runs the `onClose` callbacks. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    this.report.tailClosed()
    this.waiter?.()
    for (const fn of this.closers) fn()
  }

  /** onClose registers what to do when the tail closes (e.g. close the socket at shutdown). */
  onClose(fn: () => void): void {
    this.closers.push(fn)
  }

  /** isClosed tells whether `close` ran. */
  get isClosed(): boolean {
    return this.closed
  }
}
