/**
 * The background loop of the record stores (logs, events): move the WAL into the tables often
 * (every `moveEveryMs`, or at once when a store wakes it), write the aggregate counters into the
 * metrics engine every `seriesEveryMs`, enforce retention every `retentionEveryMs`. Errors are
 * logged and the loop carries on.
 */
import type { Logger } from '../obs/logger.ts'

/** RecordTask is one store's share of the loop. */
export interface RecordTask {
  name: string
  /** moveOnce moves one transaction's worth; returns how many records it moved. */
  moveOnce(): Promise<number>
  enforceRetention(): Promise<number>
  writeSeries(t: number): Promise<void>
  /** onBacklog registers the function that wakes the loop early. */
  onBacklog(wake: () => void): void
}

/** LoopTimings are the periods of the loop, in ms. */
export interface LoopTimings {
  moveEveryMs: number
  seriesEveryMs: number
  retentionEveryMs: number
}

/** defaultTimings move every 200 ms, write counters every 10 s and enforce retention each minute. */
export const defaultTimings: LoopTimings = {
  moveEveryMs: 200,
  seriesEveryMs: 10_000,
  retentionEveryMs: 60_000,
}

/** runRecordTasks runs the loop over `tasks` until the signal aborts, then moves what is left. */
export async function runRecordTasks(
  tasks: RecordTask[],
  signal: AbortSignal,
  logger: Logger,
  now: () => number,
  timings: LoopTimings = defaultTimings,
): Promise<void> {
  let wake: (() => void) | undefined
  for (const task of tasks) task.onBacklog(() => wake?.())
  let lastSeries = now()
  let lastRetention = 0
  const guard = async (what: string, task: RecordTask, work: () => Promise<unknown>) => {
    try {
      await work()
    } catch (err) {
      logger.error(`${task.name} ${what} failed`, { err })
    }
  }
  while (!signal.aborted) {
    for (const task of tasks) {
      await guard('indexing', task, async () => {
        // Keep moving while whole transactions' worth wait, within one tick.
        for (let i = 0; i < 20 && (await task.moveOnce()) > 0; i++);
      })
    }
    const t = now()
    if (t - lastSeries >= timings.seriesEveryMs) {
      lastSeries = t
      for (const task of tasks) await guard('counters', task, () => task.writeSeries(t))
    }
    if (t - lastRetention >= timings.retentionEveryMs) {
      lastRetention = t
      for (const task of tasks) await guard('retention', task, () => task.enforceRetention())
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        wake = undefined
        resolve()
      }
      const timer = setTimeout(done, timings.moveEveryMs)
      wake = done
      signal.addEventListener('abort', done, { once: true })
    })
  }
  for (const task of tasks) {
    await guard('final indexing', task, async () => {
      while ((await task.moveOnce()) > 0);
    })
  }
}
