/**
 * The writer of the background work (the WAL movers, retention): batches of statements that run
 * as one write transaction, one at a time, under a FIFO lock that the WAL commits take too. The
 * lock keeps this process's writes from meeting in SQLite's busy handler, which sleeps on the
 * thread that waits. `workerWriter` runs the batches on a Worker with its own connection, so the
 * indexing of a big batch no longer stalls request handling on the main thread.
 */
import type { Client, InStatement } from '@libsql/client'
import { writeWorkerUrl } from '../workers.ts'
import { busyTimeoutMs } from './client.ts'

/** WriteResult is what a statement of a write batch reports. */
export interface WriteResult {
  rowsAffected: number
  rows: Record<string, unknown>[]
}

/** Writer runs write batches, and other writes of this process, one at a time. */
export interface Writer {
  /** batch runs `stmts` as one write transaction, in turn. */
  batch(stmts: InStatement[]): Promise<WriteResult[]>
  /** locked runs `write` (a write on the main connection) in turn, before waiting batches. */
  locked<T>(write: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * Lock runs async functions one at a time: urgent ones (WAL commits, which requests wait for)
 * before the others (background batches), each kind in the order it asked.
 */
export class Lock {
  private busy = false
  private readonly urgent: (() => void)[] = []
  private readonly others: (() => void)[] = []

  /** run waits for its turn, then runs `fn`. */
  async run<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    if (this.busy)
      await new Promise<void>((turn) => (urgent ? this.urgent : this.others).push(turn))
    else this.busy = true
    try {
      return await fn()
    } finally {
      const next = this.urgent.shift() ?? this.others.shift()
      if (next) next()
      else this.busy = false
    }
  }
}

/** clientWriter runs the batches on `client` itself, on this thread (tests, remote databases). */
export function clientWriter(client: Client): Writer {
  const lock = new Lock()
  return {
    batch: (stmts) =>
      lock.run(async () => {
        const results = await client.batch(stmts, 'write')
        return results.map((r) => ({
          rowsAffected: r.rowsAffected,
          rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))),
        }))
      }),
    locked: (write) => lock.run(write, true),
    close: async () => {},
  }
}

/** WorkerRequest is a message to the write worker. */
export type WorkerRequest =
  | { kind: 'open'; url: string; timeout: number }
  | { kind: 'batch'; id: number; stmts: InStatement[] }
  | { kind: 'close'; id: number }

/** WorkerReply is the write worker's answer to the request with the same id. */
export type WorkerReply =
  { id: number; ok: true; results: WriteResult[] } | { id: number; ok: false; message: string }

/**
 * workerWriter starts the write worker on the embedded database at `url` (a `file:` URL, not
 * `:memory:`); the worker's transactions are as durable as the main connection's.
 */
export function workerWriter(url: string): Writer {
  const lock = new Lock()
  const worker = new Worker(writeWorkerUrl, { type: 'module' })
  const waiting = new Map<
    number,
    { resolve: (r: WriteResult[]) => void; reject: (e: Error) => void }
  >()
  let nextId = 1
  let failed: Error | undefined
  worker.addEventListener('message', (e: MessageEvent<WorkerReply>) => {
    const reply = e.data
    const w = waiting.get(reply.id)
    if (!w) return
    waiting.delete(reply.id)
    if (reply.ok) w.resolve(reply.results)
    else w.reject(new Error(reply.message))
  })
  worker.addEventListener('error', (e: ErrorEvent) => {
    failed = new Error(`write worker failed: ${e.message}`)
    for (const w of waiting.values()) w.reject(failed)
    waiting.clear()
  })
  const send = (req: WorkerRequest & { id: number }) =>
    new Promise<WriteResult[]>((resolve, reject) => {
      if (failed) return reject(failed)
      waiting.set(req.id, { resolve, reject })
      worker.postMessage(req)
    })
  worker.postMessage({ kind: 'open', url, timeout: busyTimeoutMs } satisfies WorkerRequest)
  return {
    batch: (stmts) => lock.run(() => send({ kind: 'batch', id: nextId++, stmts })),
    locked: (write) => lock.run(write, true),
    close: async () => {
      // The worker closes its connection after the batches before; a stuck worker gets 2 s.
      const closed = lock.run(() => send({ kind: 'close', id: nextId++ })).catch(() => [])
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 2000)))])
      clearTimeout(timer)
      worker.terminate()
    },
  }
}
