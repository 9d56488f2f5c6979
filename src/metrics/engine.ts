/**
 * The metrics engine: ingest (durable before the ack), the head, flushing the head into compressed
 * chunks and rollups, and the Querier the PromQL evaluator reads from; chunk-store.ts reads and
 * expires the chunks. Loops run off the request path. A crash at any point loses nothing
 * acknowledged: a flush writes its chunks and deletes the WAL rows they cover in one transaction,
 * and whatever WAL remains is replayed at start.
 */
import type { Client, InStatement } from '@libsql/client'
import type { SampleBatch } from '../bus.ts'
import { RateLimitedError, UnavailableError } from '../errors.ts'
import type { Logger } from '../obs/logger.ts'
import { Head } from './head.ts'
import { buildFlush } from './flush.ts'
import type { EngineMetrics } from './metrics.ts'
import { SeriesIndex } from './series-index.ts'
import { ChunkStore } from './chunk-store.ts'
import { ColumnBuilder, concatColumns, toSamples, type Columns } from './columns.ts'
import type { Labels, Querier, SelectRequest, SeriesColumns, SeriesData } from './types.ts'
import type { ValidSample } from './validate.ts'
import { unpackSamples } from './wal-codec.ts'
import { WalWriter, type NewSeries } from './wal.ts'

/** EngineOptions are the engine's limits and timings (all from settings). */
export interface EngineOptions {
  retentionRawMs: number
  retention1mMs: number
  retention1hMs: number
  /** Size cap of the chunk data in bytes; 0 means none. */
  maxBytes: number
  flushIntervalMs: number
  maxHeadSamples: number
  maxSeriesPerToken: number
  maxQueuedSamples: number
  /** Memory for decoded raw chunks of recently queried series, in bytes; 0 turns it off. */
  cacheBytes: number
}

/** IngestError is one refused sample of a batch. */
export interface IngestError {
  index: number
  reason: string
  message: string
}

const activeWindowMs = 3600_000

/** MetricsEngine stores and serves samples. */
export class MetricsEngine implements Querier {
  readonly index = new SeriesIndex()
  private head = new Head()
  private frozen: Head | undefined
  /** flushedMaxT is the newest time in chunks per series: older samples are refused. */
  private readonly flushedMaxT = new Map<number, number>()
  private readonly active = new Map<string, Map<number, number>>()
  private readonly wal: WalWriter
  private readonly chunks: ChunkStore
  private flushing: Promise<void> | undefined
  private lastFlush: number
  /** durable hears of every batch once it is committed (the bus's `samples` topic). */
  durable: ((batch: SampleBatch) => void) | undefined

  private constructor(
    private readonly client: Client,
    readonly options: EngineOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly metrics: EngineMetrics,
    releasePages: () => Promise<void>,
  ) {
    this.chunks = new ChunkStore(client, options, now, logger, releasePages, metrics)
    this.lastFlush = now()
    this.wal = new WalWriter(
      client,
      now,
      (batch) => {
        for (let i = 0; i < batch.count; i++) {
          const o = i * 3
          this.head.append(batch.triples[o]!, batch.triples[o + 1]!, batch.triples[o + 2]!)
        }
      },
      (samples, rows, ms) => metrics.walCommitted(samples, rows, ms),
    )
  }

  /** open loads the series index and replays the WAL into the head. */
  static async open(
    client: Client,
    options: EngineOptions,
    now: () => number,
    logger: Logger,
    metrics: EngineMetrics,
    releasePages: () => Promise<void> = async () => {},
  ): Promise<MetricsEngine> {
    const engine = new MetricsEngine(client, options, now, logger, metrics, releasePages)
    const started = performance.now()
    const series = await client.execute('SELECT id, labels FROM metric_series')
    for (const row of series.rows) {
      engine.index.add(Number(row.id), JSON.parse(String(row.labels)) as Labels)
    }
    const flushed = await client.execute(
      'SELECT series_id, max(end_ts) AS t FROM metric_chunks WHERE tier = 0 GROUP BY series_id',
    )
    for (const row of flushed.rows) engine.flushedMaxT.set(Number(row.series_id), Number(row.t))
    let replayed = 0
    let after = 0
    for (;;) {
      const rows = await client.execute({
        sql: 'SELECT id, data FROM metric_wal WHERE id > ? ORDER BY id LIMIT 200',
        args: [after],
      })
      if (rows.rows.length === 0) break
      for (const row of rows.rows) {
        const triples = unpackSamples(new Uint8Array(row.data as ArrayBuffer))
        // A flush deletes the WAL rows it covers in the same transaction as its chunks, so every
        // row still here is data that no chunk holds.
        for (let o = 0; o < triples.length; o += 3) {
          engine.head.append(triples[o]!, triples[o + 1]!, triples[o + 2]!)
          replayed++
        }
        after = Number(row.id)
      }
    }
    engine.wal.lastId = after
    metrics.setSeries(engine.index.size)
    logger.info('metrics engine opened', {
      series: engine.index.size,
      wal_samples_replayed: replayed,
      ms: Math.round(performance.now() - started),
    })
    return engine
  }

  /** headSamples is how many samples wait in memory for the next flush. */
  get headSamples(): number {
    return this.head.sampleCount + (this.frozen?.sampleCount ?? 0)
  }

  /**
   * ingest stores valid samples for `owner` (a token or user name) and resolves once they are
   * durable. Samples it refuses (out of order, conflicting duplicates) come back as errors.
   */
  async ingest(
    samples: ValidSample[],
    owner: string,
  ): Promise<{ accepted: number; errors: IngestError[] }> {
    if (this.wal.queuedSamples + samples.length > this.options.maxQueuedSamples) {
      this.metrics.rejected('overloaded', samples.length)
      throw new UnavailableError(
        `ingest is saturated (${this.wal.queuedSamples} samples wait for the disk; VIGIL_INGEST_MAX_QUEUED); retry shortly`,
        { code: 'overloaded', retryAfterSeconds: 1 },
      )
    }
    const now = this.now()
    // Each key is looked up once; the limit check and the loop below share the result.
    const known = samples.map((s) => this.index.find(s))
    this.checkSeriesLimit(samples, known, owner, now)
    const errors: IngestError[] = []
    const created: NewSeries[] = []
    const triples = new Float64Array(samples.length * 3)
    let count = 0
    let mine = this.active.get(owner)
    if (!mine) this.active.set(owner, (mine = new Map()))
    samples.forEach((s, index) => {
      // A series new to the index may appear twice in one batch: the second finds the first.
      let id = known[index] ?? this.index.find(s)
      if (id === undefined) {
        id = this.index.create(s.labels)
        created.push({
          id,
          key: s.key,
          name: s.labels.__name__ ?? '',
          labels: JSON.stringify(s.labels),
        })
      }
      const boundary = this.flushedMaxT.get(id)
      if (boundary !== undefined && s.t <= boundary) {
        errors.push({
          index,
          reason: 'out_of_order',
          message: `sample at ${new Date(s.t).toISOString()} is not newer than the series' stored data (${new Date(boundary).toISOString()})`,
        })
        return
      }
      triples[count * 3] = id
      triples[count * 3 + 1] = s.t
      triples[count * 3 + 2] = s.v
      count++
      mine.set(id, now)
    })
    for (const e of errors) this.metrics.rejected(e.reason, 1)
    if (count === 0) {
      for (const s of created) this.index.remove(s.id)
      return { accepted: 0, errors }
    }
    try {
      await this.wal.commit({ series: created, triples, count })
    } catch (err) {
      for (const s of created) this.index.remove(s.id)
      throw err
    }
    this.metrics.accepted(count)
    this.metrics.setSeries(this.index.size)
    this.durable?.({ triples, count })
    return { accepted: count, errors }
  }

  private checkSeriesLimit(
    samples: ValidSample[],
    known: (number | undefined)[],
    owner: string,
    now: number,
  ) {
    const mine = this.active.get(owner)
    // Series this owner has not written lately: known ones by id, unknown ones by key.
    const freshIds = new Set<number>()
    const freshKeys = new Set<string>()
    for (let i = 0; i < samples.length; i++) {
      const id = known[i]
      if (id === undefined) freshKeys.add(samples[i]!.key)
      else if (!mine?.has(id)) freshIds.add(id)
    }
    const fresh = freshIds.size + freshKeys.size
    if (fresh === 0) return
    if (mine) for (const [id, t] of mine) if (now - t > activeWindowMs) mine.delete(id)
    const current = mine?.size ?? 0
    if (current + fresh > this.options.maxSeriesPerToken) {
      this.metrics.rejected('series_limit', samples.length)
      throw new RateLimitedError(
        `${owner} would have ${current + fresh} active series, over the limit of ${this.options.maxSeriesPerToken} (VIGIL_INGEST_MAX_SERIES_PER_TOKEN)`,
        60,
        { details: { active: current, new: fresh, limit: this.options.maxSeriesPerToken } },
      )
    }
  }

  /** select returns the samples of matching series in [start, end] from head and chunks. */
  async select(request: SelectRequest): Promise<SeriesData[]> {
    return (await this.selectColumns(request)).map(({ labels, ts, vs }) => ({
      labels,
      samples: toSamples({ ts, vs }),
    }))
  }

  /**
   * selectColumns is `select` with the samples as typed arrays: what PromQL evaluation wants. Data
   * from chunks comes as it was decoded (or cached), with no per-sample object at all.
   */
  async selectColumns(request: SelectRequest): Promise<SeriesColumns[]> {
    const ids = this.index.match(request.matchers)
    const data = await this.selectIds(ids, request.start, request.end)
    const out: SeriesColumns[] = []
    for (const [id, columns] of data) out.push({ labels: this.index.labels(id)!, ...columns })
    return out
  }

  /**
   * selectIds reads the samples in [from, to] of series known by id, in the order given; series
   * with no samples there (or unknown) are left out.
   */
  async selectIds(ids: number[], from: number, to: number): Promise<Map<number, Columns>> {
    const out = new Map<number, Columns>()
    if (ids.length === 0) return out
    // SQL wants finite bounds; ±8.64e15 ms is the range of a JS Date.
    const start = Math.max(from, -8.64e15)
    const end = Math.min(to, 8.64e15)
    // Memory first, then disk: a flush committing in between shows up twice, never not at all.
    const memory = new Map<number, Columns>()
    for (const id of ids) {
      const frozen = this.frozen?.series.get(id)
      const head = this.head.series.get(id)
      if (!frozen && !head) continue
      const fresh = new ColumnBuilder()
      frozen?.collect(start, end, fresh)
      head?.collect(start, end, fresh)
      const columns = fresh.finish()
      if (columns.ts.length > 0) memory.set(id, columns)
    }
    const disk = await this.chunks.read(ids, start, end, (id) => this.flushedMaxT.get(id))
    for (const id of ids) {
      const merged = concatColumns(disk.get(id), memory.get(id))
      if (merged.ts.length > 0 && this.index.labels(id)) out.set(id, merged)
    }
    return out
  }

  /** needsFlush tells whether the head is old or big enough to flush. */
  needsFlush(): boolean {
    return (
      this.head.sampleCount > 0 &&
      (this.now() - this.lastFlush >= this.options.flushIntervalMs ||
        this.head.sampleCount >= this.options.maxHeadSamples)
    )
  }

  /** flush writes the head into chunks and rollups, then drops the WAL rows it covers. */
  flush(): Promise<void> {
    this.flushing ??= this.flushNow().finally(() => {
      this.flushing = undefined
    })
    return this.flushing
  }

  private async flushNow(): Promise<void> {
    await this.wal.idle()
    if (this.head.sampleCount === 0) return
    const started = performance.now()
    const frozen = this.head
    const walMaxId = this.wal.lastId
    this.frozen = frozen
    this.head = new Head()
    this.lastFlush = this.now()
    try {
      const ids = [...frozen.series.keys()]
      const statements: InStatement[] = []
      const maxT = new Map<number, number>()
      let written = 0
      // Encode in slices, letting requests in between; then write everything at once.
      for (let i = 0; i < ids.length; i += 2000) {
        const plan = buildFlush(frozen, ids.slice(i, i + 2000))
        statements.push(...plan.statements)
        for (const [id, t] of plan.maxT) maxT.set(id, t)
        written += plan.bytes
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
      // Chunks in and WAL rows out in one transaction: a crash leaves either all or nothing.
      statements.push({ sql: 'DELETE FROM metric_wal WHERE id <= ?', args: [walMaxId] })
      await this.client.batch(statements, 'write')
      const previous = new Map<number, number | undefined>()
      for (const [id, t] of maxT) {
        previous.set(id, this.flushedMaxT.get(id))
        this.flushedMaxT.set(id, Math.max(t, this.flushedMaxT.get(id) ?? -Infinity))
      }
      this.chunks.flushed(previous)
      await this.chunks.releaseFreePages()
      this.metrics.flushed(frozen.sampleCount, written, performance.now() - started)
      this.logger.info('metrics flushed', {
        series: ids.length,
        samples: frozen.sampleCount,
        bytes: written,
        ms: Math.round(performance.now() - started),
      })
    } catch (err) {
      // Nothing was written: put the frozen samples back with what arrived meanwhile.
      const restored = new Head()
      for (const part of [frozen, this.head]) {
        for (const [id, series] of part.series) {
          for (const x of series.samples(-Infinity, Infinity)) restored.append(id, x.t, x.v)
        }
      }
      this.head = restored
      throw err
    } finally {
      this.frozen = undefined
    }
  }

  /** enforceRetention deletes chunks past each tier's retention and, over the size cap, the oldest raw ones. */
  enforceRetention(): Promise<number> {
    return this.chunks.enforceRetention()
  }

  /** run flushes and enforces retention in the background until the signal aborts. */
  async run(signal: AbortSignal, tickMs = 1000): Promise<void> {
    let lastRetention = 0
    while (!signal.aborted) {
      try {
        if (this.needsFlush()) await this.flush()
        if (this.now() - lastRetention > 3600_000) {
          lastRetention = this.now()
          await this.enforceRetention()
        }
      } catch (err) {
        this.logger.error('metrics background work failed', { err })
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          // Every tick for the life of the process: a listener left behind each time would add up.
          signal.removeEventListener('abort', done)
          resolve()
        }
        const timer = setTimeout(done, tickMs)
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }

  /** close waits for queued commits and a running flush. */
  async close(): Promise<void> {
    await this.wal.idle()
    await this.flushing?.catch(() => undefined)
  }
}
