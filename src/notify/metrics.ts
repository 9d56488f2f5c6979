/** The notifications domain's Prometheus metrics: deliveries, attempt time, backlog, breakers. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { BreakerState } from './breaker.ts'

/** NotifyMetrics is what the sender reports. */
export interface NotifyMetrics {
  deliveries: Counter<'channel' | 'outcome'>
  attemptSeconds: Histogram<'channel'>
  enqueued: Counter<'event'>
  /** watch sets where the backlog and breaker gauges read from at scrape time. */
  watch(
    backlog: () => Promise<Map<string, number>>,
    breakers: () => Map<string, BreakerState>,
    channels: () => Promise<string[]>,
  ): void
}

const stateValue: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 }

/** registerNotifyMetrics creates the metrics on `registry`. */
export function registerNotifyMetrics(registry: Registry): NotifyMetrics {
  let backlog: () => Promise<Map<string, number>> = async () => new Map()
  let breakers: () => Map<string, BreakerState> = () => new Map()
  let channels: () => Promise<string[]> = async () => []
  new Gauge({
    name: 'vigil_notify_outbox_backlog',
    help: 'Notifications waiting in the outbox (pending or being sent), by channel.',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset()
      const counts = await backlog()
      for (const name of await channels()) this.set({ channel: name }, counts.get(name) ?? 0)
      for (const [name, n] of counts) this.set({ channel: name }, n)
    },
  })
  new Gauge({
    name: 'vigil_notify_breaker_state',
    help: 'Circuit breaker of each channel: 0 closed, 1 half-open, 2 open.',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [name, state] of breakers()) this.set({ channel: name }, stateValue[state])
    },
  })
  return {
    deliveries: new Counter({
      name: 'vigil_notify_deliveries_total',
      help: 'Delivery attempts by channel and outcome (delivered, retry, failed, deferred).',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    attemptSeconds: new Histogram({
      name: 'vigil_notify_attempt_duration_seconds',
      help: 'Time one delivery attempt took, by channel.',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    enqueued: new Counter({
      name: 'vigil_notify_enqueued_total',
      help: 'Notifications put in the outbox (one per event and channel), by event.',
      labelNames: ['event'],
      registers: [registry],
    }),
    watch(b, s, c) {
      backlog = b
      breakers = s
      channels = c
    },
  }
}
