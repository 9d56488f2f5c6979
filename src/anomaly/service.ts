/**
 * The detector in the server: it hears every durable batch of samples (the metrics engine's
 * `durable` hook, the bus's `samples` topic), queues it, and scores it off the request path. Each
 * selected series gets a SeriesState, warmed from its stored history the first time it is seen
 * (so a restart does not start every series' warm-up again). The point where a series becomes
 * anomalous is stored, published on the bus (`anomalies`) and counted.
 */
import type { Client } from '@libsql/client'
import type { Bus, SampleBatch } from '../bus.ts'
import type { Config } from '../config.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import type { MetricsEngine } from '../metrics/engine.ts'
import { formatLabels } from '../metrics/promql/format.ts'
import type { Labels, Matcher } from '../metrics/types.ts'
import type { Logger } from '../obs/logger.ts'
import { createSeries, defaultOptions, detect, type SeriesState } from './detect.ts'
import { explain } from './explain.ts'
import type { DetectorMetrics } from './metrics.ts'
import { warm } from './replay.ts'
import { severityOf, type Severity } from './severity.ts'
import {
  deleteAnomaliesBefore,
  insertAnomalies,
  maxAnomalyId,
  selectAnomalies,
  type NewAnomaly,
  type StoredAnomaly,
} from './store.ts'

/** DetectorServiceOptions are the detector's settings in the server. */
export interface DetectorServiceOptions {
  enabled: boolean
  /** Series scored: those any include selector accepts (all when none) and no exclude one. */
  include: Matcher[][]
  exclude: Matcher[][]
  maxSeries: number
  retentionMs: number
  /** Samples waiting to be scored before new batches are dropped (and counted). */
  maxQueued: number
  /** How far back, and how many points, a series' first sight reads to warm its state. */
  warmHistoryMs: number
  warmPoints: number
}

/** counterOptions score a counter's rate; one object shared by every counter series. */
const counterOptions = { ...defaultOptions, counter: true }

/** isCounterName tells the series whose rate is scored: Prometheus's counter suffixes. */
export function isCounterName(name: string): boolean {
  return /_(total|count|sum)$/.test(name)
}

/** seriesText prints a series as `name{label="value", ...}`. */
export function seriesText(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels
  return Object.keys(rest).length > 0 ? name + formatLabels(rest) : name || '{}'
}

/** serviceOptions are the service's options from the config. */
export function serviceOptions(config: Config): DetectorServiceOptions {
  return {
    ...config.anomaly,
    maxQueued: config.metrics.maxQueuedSamples,
    warmHistoryMs: 6 * 3600_000,
    warmPoints: 2 * defaultOptions.warmup,
  }
}

/** AnomalyQuery is a parsed `GET /api/v1/anomalies`. */
export interface AnomalyQuery {
  since?: number | undefined
  until?: number | undefined
  series?: Matcher[] | undefined
  minSeverity?: Severity | undefined
  limit: number
  cursor?: string | undefined
}

/** AnomalyService scores samples as they become durable and keeps the anomalies. */
export class AnomalyService {
  /** The state of each series seen, by series id (ids are small and dense): null when not scored. */
  private readonly states: (SeriesState | null | undefined)[] = []
  private scoredSeries = 0
  private queue: SampleBatch[] = []
  private queued = 0
  private wake: (() => void) | undefined
  private draining: Promise<void> | undefined

  constructor(
    private readonly client: Client,
    private readonly engine: MetricsEngine,
    private readonly bus: Bus,
    readonly options: DetectorServiceOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly report: DetectorMetrics,
  ) {
    report.watch(() => ({ series: this.scoredSeries, queued: this.queued }))
    engine.durable = (batch) => this.enqueue(batch)
  }

  /** series is how many series the detector keeps state for. */
  get series(): number {
    return this.scoredSeries
  }

  /** enqueue takes a durable batch; when too far behind it drops it and counts the samples. */
  enqueue(batch: SampleBatch): void {
    this.bus.publish('samples', batch)
    if (!this.options.enabled) return
    if (this.queued + batch.count > this.options.maxQueued) {
      this.report.dropped(batch.count)
      return
    }
    this.queue.push(batch)
    this.queued += batch.count
    this.wake?.()
  }

  /** idle resolves once every queued sample is scored (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.draining) await (this.draining ?? this.drain())
  }

  /** run scores queued samples and expires old anomalies until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let lastRetention = 0
    while (!signal.aborted) {
      try {
        if (this.queue.length > 0) await (this.draining ?? this.drain())
        if (this.now() - lastRetention > 3600_000) {
          lastRetention = this.now()
          await deleteAnomaliesBefore(this.client, this.now() - this.options.retentionMs)
        }
      } catch (err) {
        this.logger.error('anomaly detection failed', { err })
      }
      if (this.queue.length > 0) continue
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1000)
        signal.addEventListener('abort', done, { once: true })
        this.wake = done
        function done() {
          clearTimeout(timer)
          // Once a second for the life of the process: a listener left behind each time would add up.
          signal.removeEventListener('abort', done)
          resolve()
        }
      })
      this.wake = undefined
    }
  }

  private drain(): Promise<void> {
    this.draining ??= this.drainNow().finally(() => {
      this.draining = undefined
    })
    return this.draining
  }

  private async drainNow(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.shift()!
      try {
        await this.admit(batch)
        await this.score(batch)
      } finally {
        this.queued -= batch.count
      }
      // Let requests in between batches: scoring shares the thread with them.
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  }

  private async score(batch: SampleBatch): Promise<void> {
    const started = performance.now()
    const found: NewAnomaly[] = []
    const { triples, count } = batch
    let points = 0
    for (let i = 0; i < count; i++) {
      const id = triples[i * 3]!
      const state = this.states[id]
      if (!state) continue
      points++
      const t = triples[i * 3 + 1]!
      const result = detect(state, t, triples[i * 3 + 2]!)
      if (!result.alert) continue
      const labels = this.engine.index.labels(id) ?? {}
      found.push({
        ts: t,
        seriesId: id,
        series: seriesText(labels),
        labels,
        score: result.raw,
        severity: severityOf(result.raw),
        component: result.component,
        value: result.value,
        expected: result.expected,
        explanation: explain(result),
        detectedAt: this.now(),
      })
    }
    this.report.scored(points, (performance.now() - started) / 1000)
    if (found.length === 0) return
    const stored = await insertAnomalies(this.client, found)
    for (const a of stored) this.report.detected(a.severity)
    this.bus.publish('anomalies', stored)
  }

  /** admit decides for the series a batch shows first whether they are scored, and warms those. */
  private async admit(batch: SampleBatch): Promise<void> {
    const first = new Map<number, number>()
    const { triples, count } = batch
    for (let i = 0; i < count; i++) {
      const id = triples[i * 3]!
      if (this.states[id] === undefined && !first.has(id)) first.set(id, triples[i * 3 + 1]!)
    }
    if (first.size === 0) return
    const warming: number[] = []
    for (const id of first.keys()) {
      const state = this.selected(id) ? this.stateFor(id) : null
      this.states[id] = state
      if (state) warming.push(id)
    }
    for (let i = 0; i < warming.length; i += 500) {
      const ids = warming.slice(i, i + 500)
      const end = Math.max(...ids.map((id) => first.get(id)!))
      const history = await this.engine.selectIds(ids, end - this.options.warmHistoryMs, end)
      for (const [id, h] of history) {
        warm(this.states[id]!, h.ts, h.vs, first.get(id)!, this.options.warmPoints)
      }
    }
  }

  private selected(id: number): boolean {
    const { include, exclude, maxSeries } = this.options
    if (this.scoredSeries >= maxSeries) return false
    const index = this.engine.index
    if (include.length > 0 && !include.some((m) => index.accepts(id, m))) return false
    return !exclude.some((m) => index.accepts(id, m))
  }

  private stateFor(id: number): SeriesState {
    this.scoredSeries++
    const name = this.engine.index.labels(id)?.__name__ ?? ''
    return createSeries(isCounterName(name) ? counterOptions : undefined)
  }

  /** query reads a newest-first page of stored anomalies. */
  async query(q: AnomalyQuery) {
    const cursor = readCursor(q.cursor)
    const snapshot = cursor?.snapshot ?? (await maxAnomalyId(this.client))
    const rows = await selectAnomalies(this.client, {
      since: q.since,
      until: q.until,
      seriesIds: q.series ? this.engine.index.match(q.series) : undefined,
      minSeverity: q.minSeverity,
      snapshot,
      after: cursor,
      limit: q.limit + 1,
    })
    const page = pageOf(rows, q.limit, snapshot)
    return { anomalies: page.rows, has_more: page.has_more, next_cursor: page.next_cursor }
  }

  /** forSeries lists the stored anomalies of some series in [start, end], oldest first. */
  async forSeries(ids: number[], start: number, end: number): Promise<StoredAnomaly[]> {
    const rows = await selectAnomalies(this.client, {
      since: start,
      until: end,
      seriesIds: ids,
      snapshot: Number.MAX_SAFE_INTEGER,
      limit: 10_000,
    })
    return rows.reverse()
  }
}
