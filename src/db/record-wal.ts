/**
 * A group-committed WAL of JSON records (log lines, events) with a mover. Requests queue their
 * records; one write at a time commits everything queued as one WAL row, so concurrent requests
 * share a commit. The mover later turns WAL rows into table rows and deletes the WAL rows it
 * covered in the same transaction: after a crash it simply continues with what is left, so
 * nothing acknowledged is lost and nothing is stored twice.
 */
import type { Client, InStatement } from '@libsql/client'
import { UnavailableError } from '../errors.ts'

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

  private constructor(
    private readonly client: Client,
    private readonly table: string,
    private readonly now: () => number,
    private readonly maxBacklog: number,
    private readonly setting: string,
  ) {}

  /** open reads how much a previous run left in the WAL table. */
  static async open<T>(
    client: Client,
    table: 'log_wal' | 'event_wal',
    now: () => number,
    maxBacklog: number,
    setting: string,
  ): Promise<RecordWal<T>> {
    const wal = new RecordWal<T>(client, table, now, maxBacklog, setting)
    const rows = await client.execute(`SELECT coalesce(sum(records), 0) AS n FROM ${table}`)
    wal.backlog = Number(rows.rows[0]?.n ?? 0)
    return wal
  }

  /** commit resolves once the records are on disk; 503 when the backlog is full. */
  commit(records: T[]): Promise<void> {
    if (this.queued + this.backlog + records.length > this.maxBacklog) {
      return Promise.reject(
        new UnavailableError(
          `ingest is saturated (${this.queued + this.backlog} records wait to be indexed; ${this.setting}); retry shortly`,
          { code: 'overloaded', retryAfterSeconds: 1 },
        ),
      )
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject })
      this.queued += records.length
      this.running ??= this.drain()
    })
  }

  /** idle resolves when nothing is queued or being committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue
        this.queue = []
        const records = group.flatMap((p) => p.records)
        try {
          await this.client.execute({
            sql: `INSERT INTO ${this.table} (data, records, created_at) VALUES (?, ?, ?)`,
            args: [JSON.stringify(records), records.length, this.now()],
          })
          this.backlog += records.length
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
   * move takes the oldest WAL rows, up to about `maxRecords` records (at least one row), and
   * writes `toStatements(records)` and the deletion of those rows in one transaction; returns how
   * many records it moved.
   */
  move(maxRecords: number, toStatements: (records: T[]) => InStatement[]): Promise<number> {
    // One mover at a time: two would read the same rows.
    const run = (this.moving ?? Promise.resolve(0))
      .catch(() => 0)
      .then(async () => {
        const sizes = await this.client.execute(
          `SELECT id, records FROM ${this.table} ORDER BY id LIMIT 1000`,
        )
        if (sizes.rows.length === 0) return 0
        let lastId = Number(sizes.rows[0]!.id)
        let count = 0
        for (const r of sizes.rows) {
          if (count > 0 && count + Number(r.records) > maxRecords) break
          count += Number(r.records)
          lastId = Number(r.id)
        }
        const rows = await this.client.execute({
          sql: `SELECT data FROM ${this.table} WHERE id <= ? ORDER BY id`,
          args: [lastId],
        })
        const records = rows.rows.flatMap((r) => JSON.parse(String(r.data)) as T[])
        await this.client.batch(
          [
            ...toStatements(records),
            { sql: `DELETE FROM ${this.table} WHERE id <= ?`, args: [lastId] },
          ],
          'write',
        )
        this.backlog -= records.length
        return records.length
      })
    this.moving = run
    return run
  }
}
