/**
 * The chunks on disk: reading the chunks of a set of series for a time range (raw samples within
 * raw retention, then the last value of one-minute and one-hour rollups), and retention: each
 * tier's age limit, the size cap, and giving freed pages back.
 */
import type { Client } from '@libsql/client'
import type { Logger } from '../obs/logger.ts'
import { ChunkCache } from './chunk-cache.ts'
import { ColumnBuilder, type Columns } from './columns.ts'
import type { EngineOptions } from './engine.ts'
import type { EngineMetrics } from './metrics.ts'
import { ChunkReader, decodeRollups } from './encode.ts'

/** tiers are the storage tiers: raw samples, then one-minute and one-hour rollups. */
export const tiers = { raw: 0, minute: 1, hour: 2 } as const

const bucketMs = [0, 60_000, 3600_000] as const

/** ChunkStore reads and expires the chunks of the metrics engine. */
export class ChunkStore {
  /** cache holds decoded raw samples of recently queried series. */
  readonly cache: ChunkCache

  constructor(
    private readonly client: Client,
    private readonly options: EngineOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly releasePages: () => Promise<void>,
    private readonly metrics: EngineMetrics,
  ) {
    this.cache = new ChunkCache(options.cacheBytes)
    metrics.watchCache(() => this.cache.bytes)
  }

  /**
   * read returns the stored samples of these series in [start, end]: raw samples within raw
   * retention (from the cache when it covers them), older ones as the last value of one-minute
   * and then one-hour rollups. `newest` gives a series' newest time on disk.
   */
  async read(
    ids: number[],
    start: number,
    end: number,
    newest: (id: number) => number | undefined,
  ): Promise<Map<number, Columns>> {
    const now = this.now()
    const rawFrom = now - this.options.retentionRawMs
    const out =
      end >= rawFrom ? await this.readRaw(ids, Math.max(start, rawFrom), end, newest) : new Map()
    // Older than raw retention: one-minute rollups, then one-hour ones (their last value).
    const ranges: [number, number, number][] = []
    const minuteFrom = now - this.options.retention1mMs
    if (start < rawFrom && end >= minuteFrom)
      ranges.push([tiers.minute, Math.max(start, minuteFrom), Math.min(end, rawFrom - 1)])
    if (start < minuteFrom) ranges.push([tiers.hour, start, Math.min(end, minuteFrom - 1)])
    if (ranges.length === 0) return out
    // A bucket split across two flushes has a point in each chunk: the later one's last wins.
    const older = new Map<number, Map<number, number>>()
    for (const [tier, from, to] of ranges.reverse()) {
      await this.scan(ids, tier, from, to, (id, data) => {
        let points = older.get(id)
        if (!points) older.set(id, (points = new Map()))
        for (const p of decodeRollups(data)) if (p.t >= from && p.t <= to) points.set(p.t, p.last)
      })
    }
    for (const [id, points] of older) {
      const c = new ColumnBuilder()
      for (const [t, v] of points) c.push(t, v)
      const raw = out.get(id)
      if (raw) for (let i = 0; i < raw.ts.length; i++) c.push(raw.ts[i]!, raw.vs[i]!)
      out.set(id, c.finish())
    }
    return out
  }

  private async readRaw(
    ids: number[],
    from: number,
    to: number,
    newest: (id: number) => number | undefined,
  ): Promise<Map<number, Columns>> {
    const out = new Map<number, Columns>()
    const missing: number[] = []
    for (const id of ids) {
      const hit = this.cache.get(id, from, to)
      if (hit) out.set(id, hit)
      else missing.push(id)
    }
    this.metrics.cacheLookups(ids.length - missing.length, missing.length)
    if (missing.length === 0) return out
    const generation = this.cache.generation
    const built = new Map<number, ColumnBuilder>()
    await this.scan(missing, tiers.raw, from, to, (id, data) => {
      let c = built.get(id)
      if (!c) built.set(id, (c = new ColumnBuilder()))
      // Chunks are time-ordered: skip what is before, stop after the range.
      const reader = new ChunkReader(data)
      while (reader.next()) {
        if (reader.t > to) break
        if (reader.t >= from) c.push(reader.t, reader.v)
      }
    })
    for (const id of missing) {
      const columns = built.get(id)?.finish() ?? {
        ts: new Float64Array(0),
        vs: new Float64Array(0),
      }
      out.set(id, columns)
      // A read that reached the series' newest chunk covers everything after `from` until the
      // next flush of that series.
      const cover = to >= (newest(id) ?? -Infinity) ? Infinity : to
      this.cache.put(id, from, cover, columns, generation)
    }
    return out
  }

  /** scan calls fn with each chunk of a tier overlapping [from, to], in series and time order. */
  private async scan(
    ids: number[],
    tier: number,
    from: number,
    to: number,
    fn: (id: number, data: Uint8Array) => void,
  ): Promise<void> {
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
      for (const row of rows.rows)
        fn(Number(row.series_id), new Uint8Array(row.data as ArrayBuffer))
    }
  }

  /** flushed tells the cache which series got new chunks, and their newest time before that. */
  flushed(previous: Map<number, number | undefined>): void {
    for (const [id, covered] of previous) this.cache.flushed(id, covered ?? -Infinity)
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
      this.cache.clear()
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
