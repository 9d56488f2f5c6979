/**
 * The events the bus delivered lately, kept in memory for event conditions: an event is in the
 * store's table only after the mover runs, and a rule should fire as the event arrives. Bounded by
 * age and count; what was received before this process started is not seen.
 */
import type { EventRecord } from '../../events/types.ts'

/** ReceivedEvent is an event and when this process received it (ms). */
export interface ReceivedEvent {
  event: EventRecord
  receivedAt: number
}

/** RecentEvents keeps the events received in the last `horizonMs`, at most `max` of them. */
export class RecentEvents {
  private list: ReceivedEvent[] = []

  constructor(
    public horizonMs: number,
    private readonly max = 10_000,
  ) {}

  /** add keeps `events` as received at `t` and forgets what is past the horizon or the cap. */
  add(events: readonly EventRecord[], t: number): void {
    for (const event of events) this.list.push({ event, receivedAt: t })
    this.trim(t)
  }

  /** since lists the events received in [since, until]. */
  since(since: number, until: number): ReceivedEvent[] {
    return this.list.filter((e) => e.receivedAt >= since && e.receivedAt <= until)
  }

  private trim(t: number): void {
    const cutoff = t - this.horizonMs
    let drop = 0
    while (drop < this.list.length && this.list[drop]!.receivedAt < cutoff) drop++
    drop = Math.max(drop, this.list.length - this.max)
    if (drop > 0) this.list = this.list.slice(drop)
  }
}
