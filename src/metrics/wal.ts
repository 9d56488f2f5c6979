/**
 * Group commit to the WAL table. Requests queue their batches; one write transaction at a time
 * takes everything queued (new series rows plus one WAL row), so concurrent requests share one
 * fsync. Once committed, the batches are applied to the head synchronously, before any caller is
 * told: at every moment the head holds exactly the committed WAL rows.
 */
import type { Client, InStatement } from '@libsql/client'
import { packSamples } from './wal-codec.ts'

/** NewSeries is a series created by a batch, persisted with it. */
export interface NewSeries {
  id: number
  key: string
  name: string
  labels: string
}

/** WalBatch is one request's accepted samples, as (id, t, v) triples. */
export interface WalBatch {
  series: NewSeries[]
  triples: Float64Array
  count: number
}

interface Pending {
  batch: WalBatch
  resolve: () => void
  reject: (err: unknown) => void
}

/** WalWriter commits batches in groups and applies them once durable. */
export class WalWriter {
  private queue: Pending[] = []
  private running: Promise<void> | undefined
  /** queuedSamples is how many samples wait for a commit (for back-pressure). */
  queuedSamples = 0
  /** lastId is the id of the newest committed WAL row. */
  lastId = 0

  constructor(
    private readonly client: Client,
    private readonly now: () => number,
    private readonly apply: (batch: WalBatch) => void,
    private readonly onCommit: (samples: number, rows: number, ms: number) => void = () => {},
  ) {}

  /** commit resolves once the batch is on disk and in the head. */
  commit(batch: WalBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject })
      this.queuedSamples += batch.count
      this.running ??= this.drain()
    })
  }

  /** idle resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue
        this.queue = []
        const started = performance.now()
        try {
          const id = await this.write(group.map((p) => p.batch))
          this.lastId = id
          for (const p of group) this.apply(p.batch)
          this.onCommit(
            group.reduce((n, p) => n + p.batch.count, 0),
            group.length,
            performance.now() - started,
          )
          for (const p of group) p.resolve()
        } catch (err) {
          for (const p of group) p.reject(err)
        } finally {
          for (const p of group) this.queuedSamples -= p.batch.count
        }
      }
    } finally {
      this.running = undefined
    }
  }

  private async write(batches: WalBatch[]): Promise<number> {
    const stmts: InStatement[] = []
    const series = batches.flatMap((b) => b.series)
    for (let i = 0; i < series.length; i += 200) {
      const part = series.slice(i, i + 200)
      stmts.push({
        sql: `INSERT INTO metric_series (id, key, name, labels, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        args: part.flatMap((s) => [s.id, s.key, s.name, s.labels, this.now()]),
      })
    }
    const total = batches.reduce((n, b) => n + b.count, 0)
    // One request alone (the common case when not under load) is written without a copy.
    let triples = batches[0]!.triples.subarray(0, total * 3)
    if (batches.length > 1) {
      triples = new Float64Array(total * 3)
      let offset = 0
      for (const b of batches) {
        triples.set(b.triples.subarray(0, b.count * 3), offset)
        offset += b.count * 3
      }
    }
    stmts.push({
      sql: 'INSERT INTO metric_wal (data, samples, created_at) VALUES (?, ?, ?)',
      args: [packSamples(triples), total, this.now()],
    })
    const results = await this.client.batch(stmts, 'write')
    return Number(results.at(-1)!.lastInsertRowid)
  }
}
