/** The incidents domain's Prometheus metrics: changes by kind, and open incidents at scrape time. */
import type { Client } from '@libsql/client'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Bus } from '../bus.ts'
import { countOpen } from './store.ts'

/** registerIncidentMetrics creates the metrics on `registry` and counts the bus's changes. */
export function registerIncidentMetrics(registry: Registry, bus: Bus, client: Client): void {
  const changes = new Counter({
    name: 'vigil_incidents_changes_total',
    help: 'Incident changes by timeline kind (triggered, repeated, acknowledged, resolved, ...).',
    labelNames: ['kind'],
    registers: [registry],
  })
  bus.subscribe('incidents', ({ kind }) => changes.inc({ kind }))
  new Gauge({
    name: 'vigil_incidents_open',
    help: 'Open incidents by status (triggered, acknowledged) and severity.',
    labelNames: ['status', 'severity'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await countOpen(client))
        this.set({ status: row.status, severity: row.severity }, row.n)
    },
  })
}
