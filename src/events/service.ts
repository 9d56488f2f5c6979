/** The events service: durable ingest through the WAL, the mover, queries and retention. */
import type { Client } from '@libsql/client'
import type { Bus } from '../bus.ts'
import { RecordWal, walRowRecords } from '../db/record-wal.ts'
import { clientWriter, type Writer } from '../db/writer.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import { CounterSet } from '../ingest/series.ts'
import type { EventsMetrics } from './metrics.ts'
import { deleteEventsBefore, maxEventId, moveFromWal, selectEvents } from './store.ts'
import type { EventPage, EventQuery, EventRecord } from './types.ts'

/** EventsOptions are the events settings the service needs. */
export interface EventsOptions {
  retentionMs: number
  maxBacklog: number
}

/** EventsService stores and serves events. */
export class EventsService {
  /** counts are events accepted since start, by source, kind, severity (vigil_events_total). */
  readonly counts = new CounterSet()

  private constructor(
    private readonly client: Client,
    readonly options: EventsOptions,
    private readonly now: () => number,
    private readonly bus: Bus,
    private readonly report: EventsMetrics,
    private readonly wal: RecordWal<EventRecord>,
    private readonly writer: Writer,
  ) {
    report.watchBacklog(() => wal.backlog + wal.queued)
  }

  /** open builds the service; events a previous run left in the WAL are moved by the runner. */
  static async open(
    client: Client,
    options: EventsOptions,
    now: () => number,
    bus: Bus,
    report: EventsMetrics,
    writer: Writer = clientWriter(client),
  ): Promise<EventsService> {
    const wal = await RecordWal.open<EventRecord>(
      client,
      writer,
      'event_wal',
      now,
      options.maxBacklog,
      'VIGIL_LOGS_MAX_BACKLOG',
    )
    return new EventsService(client, options, now, bus, report, wal, writer)
  }

  /** ingest resolves once the events are durable, then counts and publishes them. */
  async ingest(events: EventRecord[]): Promise<void> {
    if (events.length === 0) return
    await this.wal.commit(events)
    for (const e of events) {
      this.counts.add({ source: e.source, kind: e.kind, severity: e.severity })
    }
    this.report.ingested(events.length)
    this.bus.publish('events', events)
  }

  /** onBacklog sets what runs when enough records wait for the mover (the runner wakes). */
  onBacklog(wake: () => void): void {
    this.wal.onBacklog(wake)
  }

  /** moveOnce moves one transaction's worth of WAL rows; returns the events moved. */
  moveOnce(): Promise<number> {
    return this.wal.move(walRowRecords, moveFromWal)
  }

  /** drain waits for pending commits and moves everything in the WAL. */
  drain(): Promise<number> {
    return this.wal.drain(() => this.moveOnce())
  }

  /** query reads one page of events, newest first; a bad cursor is a 400. */
  async query(q: EventQuery): Promise<EventPage> {
    const cursor = readCursor(q.cursor)
    const snapshot = cursor?.snapshot ?? (await maxEventId(this.client))
    const events = await selectEvents(this.client, {
      ...q,
      snapshot,
      after: cursor,
      limit: q.limit + 1,
    })
    const page = pageOf(events, q.limit, snapshot)
    return { events: page.rows, has_more: page.has_more, next_cursor: page.next_cursor }
  }

  /** enforceRetention deletes events past the retention. */
  enforceRetention(): Promise<number> {
    const cutoff = this.now() - this.options.retentionMs
    return this.writer.locked(() => deleteEventsBefore(this.client, cutoff))
  }

  /** close waits for queued commits. */
  async close(): Promise<void> {
    await this.wal.idle()
  }
}
