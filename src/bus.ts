/**
 * The typed in-process bus: producers publish what has just become durable (samples, log lines,
 * events) and any number of subscribers (live tail, the detector) react. Delivery is synchronous
 * and a throwing subscriber never reaches the publisher; slow consumers must queue on their own.
 */
import type { LogLine } from './logs/types.ts'
import type { EventRecord } from './events/types.ts'
import type { StoredAnomaly } from './anomaly/store.ts'
import type { StoredFinding } from './drift/findings-store.ts'
import type { IncidentChange } from './incidents/types.ts'
import type { Task } from './remediation/types.ts'

/**
 * SampleBatch is one durable batch of samples: `count` triples (series id, t ms, value) in
 * `triples`. Ids name series of the metrics engine's index, which has their labels.
 */
export interface SampleBatch {
  triples: Float64Array
  count: number
}

/** BusTopics maps each topic to what one publication carries. */
export interface BusTopics {
  samples: SampleBatch
  logs: LogLine[]
  events: EventRecord[]
  anomalies: StoredAnomaly[]
  /** Drift findings and compliance violations a scan opened or resolved. */
  findings: { opened: StoredFinding[]; resolved: StoredFinding[] }
  /** An incident after a change: opened, repeated, acknowledged, resolved, silenced, a note. */
  incidents: IncidentChange
  /** A remediation task after a change of state or phase. */
  tasks: Task
}

/** BusTopic names one topic. */
export type BusTopic = keyof BusTopics

type Handler<T extends BusTopic> = (payload: BusTopics[T]) => void

/** Bus publishes typed payloads to the subscribers of a topic. */
export class Bus {
  private readonly handlers: { [T in BusTopic]: Set<Handler<T>> } = {
    samples: new Set(),
    logs: new Set(),
    events: new Set(),
    anomalies: new Set(),
    findings: new Set(),
    incidents: new Set(),
    tasks: new Set(),
  }

  constructor(private readonly onError: (topic: BusTopic, err: unknown) => void = () => {}) {}

  /** subscribe calls `handler` for every publication on `topic` until the returned function runs. */
  subscribe<T extends BusTopic>(topic: T, handler: Handler<T>): () => void {
    const set = this.handlers[topic] as Set<Handler<T>>
    set.add(handler)
    return () => void set.delete(handler)
  }

  /** publish hands `payload` to every subscriber of `topic`. */
  publish<T extends BusTopic>(topic: T, payload: BusTopics[T]): void {
    for (const handler of this.handlers[topic] as Set<Handler<T>>) {
      try {
        handler(payload)
      } catch (err) {
        this.onError(topic, err)
      }
    }
  }

  /** subscribers counts the subscribers of `topic`. */
  subscribers(topic: BusTopic): number {
    return this.handlers[topic].size
  }
}
