/**
 * The chunks on disk: reading the chunks of a set of series for a time range (raw samples within
 * raw retention, then the last value of one-minute and one-hour rollups), and retention: each
 * tier's age limit, the size cap, and giving freed pages back.
 */
import type { Client } from '@libsql/client'
import type { Logger } from '../obs/logger.ts'
import { ColumnBuilder } from './columns.ts'
import type { EngineOptions } from './engine.ts'
import { ChunkReader, decodeRollups } from './encode.ts'

/** tiers are the storage tiers: raw samples, then one-minute and one-hour rollups. */
export const tiers = { raw: 0, minute: 1, hour: 2 } as const

const bucketMs = [0, 60_000, 3600_000] as const

/** ChunkStore reads and expires the chunks of the metrics engine. */
export class ChunkStore {
  constructor(
    private readonly client: Client,
    private readonly options: EngineOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly releasePages: () => Promise<void>,
  ) {}

  /** read decodes the chunks of these series that overlap [start, end], raw or rolled up by age. */
  async read(ids: number[], start: number, end: number): Promise<Map<number, ColumnBuilder>> {
    const out = new Map<number, ColumnBuilder>()
    const column = (id: number) => {
      let c = out.get(id)
      if (!c) out.set(id, (c = new ColumnBuilder()))
      return c
    }
    const now = this.now()
    const rawFrom = now - this.options.retentionRawMs
    // Older than raw retention: one-minute rollups, then one-hour ones (their last value).
    const ranges: [number, number, number][] = []
    if (end >= rawFrom) ranges.push([tiers.raw, Math.max(start, rawFrom), end])
    const minuteFrom = now - this.options.retention1mMs
    if (start < rawFrom && end >= minuteFrom)
      ranges.push([tiers.minute, Math.max(start, minuteFrom), Math.min(end, rawFrom - 1)])
    if (start < minuteFrom) ranges.push([tiers.hour, start, Math.min(end, minuteFrom - 1)])
    for (const [tier, from, to] of ranges) {
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500)
        const rows = await this.client.execute({
          sql: `SELECT series_id, data FROM metric_chunks WHERE tier = ? AND series_id IN (${part.map(() => '?').join(',')})
                AND +end_ts >= ? AND start_ts <= ? ORDER BY series_id, start_ts`,
          // `+end_ts` keeps the planner on the primary key (series, tier, start) rather than the
          // (tier, end_ts) index, which scans every series' recent chunks and sorts them.
          // Rollup chunks start at their first sample, which can be up to a bucket after the bucket.
          args: [tier, ...part, from, to + (bucketMs[tier as 0 | 1 | 2] ?? 0)],
        })
        const rollups = new Map<number, Map<number, number>>()
        for (const row of rows.rows) {
          const id = Number(row.series_id)
          const data = new Uint8Array(row.data as ArrayBuffer)
          if (tier === tiers.raw) {
            const c = column(id)
            // Chunks are time-ordered: skip what is before, stop after the range.
            const reader = new ChunkReader(data)
            while (reader.next()) {
              if (reader.t > to) break
              if (reader.t >= from) c.push(reader.t, reader.v)
            }
            continue
          }
          // A bucket split across two flushes has a point in each chunk: the later one's last wins.
          let points = rollups.get(id)
          if (!points) rollups.set(id, (points = new Map()))
          for (const p of decodeRollups(data)) if (p.t >= from && p.t <= to) points.set(p.t, p.last)
        }
        for (const [id, points] of rollups) {
          const c = column(id)
          for (const [t, v] of points) c.push(t, v)
        }
      }
    }
    return out
  }

  /** enforceRetention deletes chunks past each tier's retention and, over the size cap, the oldest raw ones. */
  async enforceRetention(): Promise<number> {
    const now = this.now()
    let deleted = 0
    for (const [tier, keep] of [
      [tiers.raw, this.options.retentionRawMs],
      [tiers.minute, this.options.retention1mMs],
      [tiers.hour, this.options.retention1hMs],
    ] as const) {
      const r = await this.client.execute({
        sql: 'DELETE FROM metric_chunks WHERE tier = ? AND end_ts < ?',
        args: [tier, now - keep],
      })
      deleted += r.rowsAffected
    }
    if (this.options.maxBytes > 0) {
      for (;;) {
        const size = await this.client.execute(
          'SELECT coalesce(sum(length(data)), 0) AS n FROM metric_chunks',
        )
        if (Number(size.rows[0]!.n) <= this.options.maxBytes) break
        const r = await this.client.execute(
          `DELETE FROM metric_chunks WHERE rowid IN (SELECT rowid FROM metric_chunks WHERE tier = 0 ORDER BY end_ts LIMIT 1000)`,
        )
        if (r.rowsAffected === 0) break
        deleted += r.rowsAffected
      }
    }
    if (deleted > 0) {
      await this.releaseFreePages()
      this.logger.info('metrics retention', { chunks_deleted: deleted })
    }
    return deleted
  }

  /** releaseFreePages gives pages freed by deletes back to the file system; failures are only logged. */
  async releaseFreePages(): Promise<void> {
    await this.releasePages().catch((err) => this.logger.warn('cannot release free pages', { err }))
  }
}
