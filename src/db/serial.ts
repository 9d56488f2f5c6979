/**
 * WriteQueue runs async work one piece at a time, in order. Writers of one process that share
 * it never wait on each other's SQLite write lock: a writer that finds the lock taken sleeps in
 * SQLite's busy handler (1 ms, 2 ms, ... up to 100 ms a try), which under a few concurrent
 * writers turns 1 ms writes into hundreds of ms. Work is short (a statement or a transaction);
 * a failure rejects its own caller only.
 */
import type { Client } from '@libsql/client'

/** WriteQueue serialises async work. */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** run queues `fn` after everything queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn)
    this.tail = next.catch(() => undefined)
    return next
  }
}

/** queuedClient is `client` with `execute` and `batch` run through `queue`. */
export function queuedClient(client: Client, queue: WriteQueue): Pick<Client, 'execute' | 'batch'> {
  return {
    execute: ((stmt: Parameters<Client['execute']>[0], args?: never) =>
      queue.run(() => client.execute(stmt as never, args))) as Client['execute'],
    batch: ((stmts: Parameters<Client['batch']>[0], mode?: Parameters<Client['batch']>[1]) =>
      queue.run(() => client.batch(stmts, mode))) as Client['batch'],
  }
}
