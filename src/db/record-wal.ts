/**
 * A group-committed WAL of JSON records (log lines, events) with a mover. Requests queue their
 * records; one write at a time commits everything queued (as WAL rows of about `walRowRecords`
 * records, in one transaction), so concurrent requests share a commit. The mover later turns WAL rows into table rows and deletes the WAL rows it
 * covered in the same transaction: after a crash it simply continues with what is left, so
 * nothing acknowledged is lost and nothing is stored twice.
 */
import type { Client, InStatement } from '@libsql/client'
import { UnavailableError } from '../errors.ts'
import type { Writer } from './writer.ts'

/**
 * walRowRecords is about how many records one WAL row holds: a group commit writes several rows
 * (in one transaction), so that the mover can take small steps and hold the write lock briefly.
 */
export const walRowRecords = 1000

/** wakeAt is how many waiting records wake the mover before its next tick. */
const wakeAt = 5000

// JSON.stringify writes a lone surrogate as a \udXXX escape (pairs it writes as they are) and NUL
// as \u0000. SQLite's JSON functions would turn the first into invalid UTF-8, which libsql cannot
// read back, and cut text at the second: replace each (not after an escaping backslash) with U+FFFD.
const unsafeEscape = /(?<=(?:^|[^\\])(?:\\\\)*)\\u(?:d[89a-f][0-9a-f]{2}|0000)/g

/** walJson serialises records for the WAL with every string well-formed UTF-16. */
export function walJson(records: unknown[]): string {
  return JSON.stringify(records).replace(unsafeEscape, '\\ufffd')
}

interface Pending<T> {
  records: T[]
  resolve: () => void
  reject: (err: unknown) => void
}

/** RecordWal commits records in groups and moves committed ones into their table. */
export class RecordWal<T> {
  private queue: Pending<T>[] = []
  private running: Promise<void> | undefined
  private moving: Promise<number> | undefined
  /** queued counts records waiting for a commit. */
  queued = 0
  /** backlog counts committed records the mover has not moved yet. */
  backlog = 0
  private wake: () => void = () => {}

  private constructor(
    private readonly client: Client,
    private readonly writer: Writer,
    private readonly table: string,
    private readonly now: () => number,
    private readonly maxBacklog: number,
    private readonly setting: string,
  ) {}

  /** open reads how much a previous run left in the WAL table. */
  static async open<T>(
    client: Client,
    writer: Writer,
    table: 'log_wal' | 'event_wal',
    now: () => number,
    maxBacklog: number,
    setting: string,
  ): Promise<RecordWal<T>> {
    const wal = new RecordWal<T>(client, writer, table, now, maxBacklog, setting)
    const rows = await client.execute(`SELECT coalesce(sum(records), 0) AS n FROM ${table}`)
    wal.backlog = Number(rows.rows[0]?.n ?? 0)
    return wal
  }

  /** commit resolves once the records are on disk; 503 when the backlog is full. */
  commit(records: T[]): Promise<void> {
    // An empty WAL takes any one batch, so a batch bigger than the limit is not refused forever.
    const waiting = this.queued + this.backlog
    if (waiting > 0 && waiting + records.length > this.maxBacklog) {
      return Promise.reject(
        new UnavailableError(
          `ingest is saturated (${waiting} records wait to be indexed; ${this.setting}); retry shortly`,
          { code: 'overloaded', retryAfterSeconds: 1 },
        ),
      )
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject })
      this.queued += records.length
      this.running ??= this.commitQueued()
    })
  }

  /** idle resolves when nothing is queued or being committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** onBacklog sets what runs once `wakeAt` records wait for the mover (the runner wakes). */
  onBacklog(wake: () => void): void {
    this.wake = wake
  }

  /** drain waits for pending commits, then runs `moveOnce` until it moves nothing; the total. */
  async drain(moveOnce: () => Promise<number>): Promise<number> {
    await this.idle()
    let total = 0
    for (let n = await moveOnce(); n > 0; n = await moveOnce()) total += n
    return total
  }

  private async commitQueued(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue
        this.queue = []
        const records = group.flatMap((p) => p.records)
        try {
          const rows: InStatement[] = []
          const t = this.now()
          for (let i = 0; i < group.length;) {
            const part: T[] = []
            while (i < group.length && (part.length === 0 || part.length < walRowRecords))
              part.push(...group[i++]!.records)
            rows.push({
              sql: `INSERT INTO ${this.table} (data, records, created_at) VALUES (?, ?, ?)`,
              args: [walJson(part), part.length, t],
            })
          }
          await this.writer.locked(() => this.client.batch(rows, 'write'))
          this.backlog += records.length
          if (this.backlog >= wakeAt) this.wake()
          for (const p of group) p.resolve()
        } catch (err) {
          for (const p of group) p.reject(err)
        } finally {
          this.queued -= records.length
        }
      }
    } finally {
      this.running = undefined
    }
  }

  /**
   * move takes the oldest WAL rows, up to about `maxRecords` records (at least one row), and runs
   * `moveSql(lastId)` (statements that copy the records of WAL rows with id ≤ lastId into their
   * table, in order) and the deletion of those rows in one write transaction. Because the copy
   * reads the WAL inside that transaction, a second mover (another replica on the same database)
   * finds the rows gone and copies nothing: no record is stored twice. Returns the records moved.
   */
  move(maxRecords: number, moveSql: (lastId: number) => InStatement[]): Promise<number> {
    // One mover at a time in this process; the transaction guards against other processes.
    const run = (this.moving ?? Promise.resolve(0))
      .catch(() => 0)
      .then(async () => {
        const sizes = await this.client.execute(
          `SELECT id, records FROM ${this.table} ORDER BY id LIMIT 1000`,
        )
        if (sizes.rows.length === 0) {
          this.backlog = 0
          return 0
        }
        let lastId = Number(sizes.rows[0]!.id)
        let count = 0
        for (const r of sizes.rows) {
          if (count > 0 && count + Number(r.records) > maxRecords) break
          count += Number(r.records)
          lastId = Number(r.id)
        }
        const copy = moveSql(lastId)
        const results = await this.writer.batch([
          ...copy,
          { sql: `DELETE FROM ${this.table} WHERE id <= ?`, args: [lastId] },
          `SELECT coalesce(sum(records), 0) AS n FROM ${this.table}`,
        ])
        // The WAL is shared by every process on the database: what is left is the backlog.
        this.backlog = Number(results.at(-1)!.rows[0]?.n ?? 0)
        return results.slice(0, copy.length).reduce((n, r) => n + r.rowsAffected, 0)
      })
    this.moving = run
    return run
  }
}
