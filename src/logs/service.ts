/**
 * The logs service: durable ingest through the WAL, the mover into the searchable table, queries,
 * the services list and retention. Routes and the runner call it; it holds no HTTP types.
 */
import type { Client } from '@libsql/client'
import type { Bus } from '../bus.ts'
import { ValidationError } from '../errors.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import { CounterSet } from '../ingest/series.ts'
import { RecordWal, walRowRecords } from '../db/record-wal.ts'
import { clientWriter, type Writer } from '../db/writer.ts'
import type { LogsMetrics } from './metrics.ts'
import { levelRank } from './normalize.ts'
import { matcher, parseSearch, toFtsQuery } from './search.ts'
import { Tail, type TailFilter } from './tail.ts'
import {
  deleteOlderThan,
  deleteOverSize,
  moveFromWal,
  maxLogId,
  countLines,
  selectLogs,
  selectServices,
} from './store.ts'
import type { LineCount } from './store.ts'
import type { Level, LogLine, LogPage, LogQuery, ServiceSummary } from './types.ts'

/** LogsOptions are the logs settings the service needs. */
export interface LogsOptions {
  retentionMs: number
  maxBytes: number
  maxBacklog: number
}

/** moveRecords is about how many lines one mover transaction takes (it holds the write lock). */
const moveRecords = walRowRecords

/** LogsService stores and serves log lines. */
export class LogsService {
  /** counts are lines accepted since start, by service and level (vigil_log_lines_total). */
  readonly counts = new CounterSet()
  private readonly tails = new Set<Tail>()

  private constructor(
    private readonly client: Client,
    readonly options: LogsOptions,
    private readonly now: () => number,
    private readonly bus: Bus,
    private readonly report: LogsMetrics,
    private readonly wal: RecordWal<LogLine>,
    private readonly writer: Writer,
  ) {
    report.watchBacklog(() => wal.backlog + wal.queued)
  }

  /** open builds the service; lines a previous run left in the WAL are moved by the runner. */
  static async open(
    client: Client,
    options: LogsOptions,
    now: () => number,
    bus: Bus,
    report: LogsMetrics,
    writer: Writer = clientWriter(client),
  ): Promise<LogsService> {
    const wal = await RecordWal.open<LogLine>(
      client,
      writer,
      'log_wal',
      now,
      options.maxBacklog,
      'VIGIL_LOGS_MAX_BACKLOG',
    )
    return new LogsService(client, options, now, bus, report, wal, writer)
  }

  /** backlog counts lines committed or queued but not yet searchable. */
  get backlog(): number {
    return this.wal.backlog + this.wal.queued
  }

  /** ingest resolves once the lines are durable, then counts them and publishes them on the bus. */
  async ingest(lines: LogLine[]): Promise<void> {
    if (lines.length === 0) return
    await this.wal.commit(lines)
    let truncated = 0
    const byLevel = new Map<string, number>()
    for (const l of lines) {
      this.counts.add({ service: l.service, level: l.level })
      byLevel.set(l.level, (byLevel.get(l.level) ?? 0) + 1)
      if (l.truncated) truncated++
    }
    for (const [level, n] of byLevel) this.report.ingested(level, n)
    if (truncated) this.report.truncated(truncated)
    this.bus.publish('logs', lines)
  }

  /** onBacklog sets what runs when enough records wait for the mover (the runner wakes). */
  onBacklog(wake: () => void): void {
    this.wal.onBacklog(wake)
  }

  /** moveOnce moves one transaction's worth of WAL rows; returns the lines moved. */
  async moveOnce(): Promise<number> {
    const moved = await this.wal.move(moveRecords, moveFromWal)
    if (moved) this.report.moved(moved)
    return moved
  }

  /** drain waits for pending commits and moves everything in the WAL (tests, shutdown). */
  drain(): Promise<number> {
    return this.wal.drain(() => this.moveOnce())
  }

  /** query reads one page of a service's lines, newest first; bad searches and cursors are 400. */
  async query(q: LogQuery): Promise<LogPage> {
    let match: string | undefined
    if (q.search !== undefined && q.search.trim() !== '') {
      const parsed = parseSearch(q.search)
      if (!parsed.ok) {
        throw new ValidationError(`search: ${parsed.message}`, { code: 'invalid_search' })
      }
      match = toFtsQuery(parsed.groups)
    }
    const cursor = readCursor(q.cursor)
    const snapshot = cursor?.snapshot ?? (await maxLogId(this.client))
    let logs
    try {
      logs = await selectLogs(this.client, {
        service: q.service,
        minRank: q.minLevel === undefined ? undefined : levelRank(q.minLevel),
        ranks: q.levels?.map(levelRank),
        start: q.start,
        end: q.end,
        match,
        snapshot,
        after: cursor,
        limit: q.limit + 1,
      })
    } catch (err) {
      // Every term is quoted, so this should not happen; if FTS5 still refuses, it is a 400.
      if (/fts5/i.test(String(err))) {
        throw new ValidationError(`search: ${(err as Error).message}`, { code: 'invalid_search' })
      }
      throw err
    }
    const page = pageOf(logs, q.limit, snapshot)
    return { logs: page.rows, has_more: page.has_more, next_cursor: page.next_cursor }
  }

  /** services lists every service with its line count, last line and 5-minute error rate. */
  services(): Promise<ServiceSummary[]> {
    return selectServices(this.client, this.now() - 300_000)
  }

  /**
   * countLines counts the searchable lines at `minLevel` or above (all when absent) with ts in
   * [since, until], by service (one service when named). Lines still in the WAL are not counted.
   */
  countLines(q: {
    since: number
    until: number
    minLevel?: Level | undefined
    service?: string | undefined
  }): Promise<LineCount[]> {
    const minRank = q.minLevel === undefined ? 0 : levelRank(q.minLevel)
    return countLines(this.client, { ...q, minRank })
  }

  /** enforceRetention deletes lines past the retention and, over the size cap, the oldest. */
  async enforceRetention(): Promise<number> {
    let n = await deleteOlderThan(this.writer, this.now() - this.options.retentionMs)
    if (this.options.maxBytes > 0)
      n += await deleteOverSize(this.client, this.writer, this.options.maxBytes)
    return n
  }

  /**
   * openTail subscribes to the lines of one service as they become durable; `search` uses the
   * query language, matched in memory. Close the tail when the client goes.
   */
  openTail(filter: Omit<TailFilter, 'matches'> & { search?: string | undefined }): Tail {
    let matches: TailFilter['matches']
    if (filter.search !== undefined && filter.search.trim() !== '') {
      const parsed = parseSearch(filter.search)
      if (!parsed.ok) {
        throw new ValidationError(`search: ${parsed.message}`, { code: 'invalid_search' })
      }
      matches = matcher(parsed.groups)
    }
    const tail = new Tail(this.bus, { ...filter, matches }, this.report)
    this.tails.add(tail)
    tail.onClose(() => this.tails.delete(tail))
    return tail
  }

  /** closeTails ends every live tail (at shutdown, so open streams do not hold the drain). */
  closeTails(): void {
    for (const tail of [...this.tails]) tail.close()
  }

  /** close ends the tails and waits for queued commits. */
  async close(): Promise<void> {
    this.closeTails()
    await this.wal.idle()
  }
}
