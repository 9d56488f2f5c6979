/** The remediation domain's Prometheus metrics: tasks by outcome, refusals by guard, the queue. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { TaskStore } from './store.ts'
import { taskStates, type TaskState } from './types.ts'

/** RemediationMetrics is what the executor and the service report. */
export interface RemediationMetrics {
  proposed(action: string, requester: string): void
  finished(action: string, state: TaskState, durationMs?: number): void
  refused(guard: string): void
  retried(action: string): void
  lost(): void
}

/** registerRemediationMetrics creates the metrics on `registry`. */
export function registerRemediationMetrics(
  registry: Registry,
  store: TaskStore,
): RemediationMetrics {
  const proposed = new Counter({
    name: 'vigil_remediation_tasks_proposed_total',
    help: 'Remediation tasks proposed, by action and requester kind (user, token, policy).',
    labelNames: ['action', 'requester'],
    registers: [registry],
  })
  const finished = new Counter({
    name: 'vigil_remediation_tasks_total',
    help: 'Remediation tasks that reached a final state, by action and state.',
    labelNames: ['action', 'state'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'vigil_remediation_task_duration_seconds',
    help: 'Time from claim to final state of remediation tasks (guards, dry run, change, verification).',
    labelNames: ['action'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  })
  const refused = new Counter({
    name: 'vigil_remediation_refusals_total',
    help: 'Remediation tasks refused, by the guard that refused (mode, access_policy, namespaces, evidence, blast_radius, rate_limit, anti_flapping).',
    labelNames: ['guard'],
    registers: [registry],
  })
  const retried = new Counter({
    name: 'vigil_remediation_retries_total',
    help: 'Attempts of remediation tasks retried after a transient failure, by action.',
    labelNames: ['action'],
    registers: [registry],
  })
  const lost = new Counter({
    name: 'vigil_remediation_leases_lost_total',
    help: 'Tasks a worker stopped because it lost their lease or its leadership.',
    registers: [registry],
  })
  new Gauge({
    name: 'vigil_remediation_tasks',
    help: 'Remediation tasks by state, at scrape time.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await store.countByState()
      for (const state of taskStates) this.set({ state }, counts[state] ?? 0)
    },
  })
  return {
    proposed: (action, requester) => proposed.inc({ action, requester }),
    finished(action, state, durationMs) {
      finished.inc({ action, state })
      if (durationMs !== undefined) duration.observe({ action }, durationMs / 1000)
    },
    refused: (guard) => refused.inc({ guard }),
    retried: (action) => retried.inc({ action }),
    lost: () => lost.inc(),
  }
}
