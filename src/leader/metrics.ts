/** The leader election's Prometheus metrics: whether this process leads, and how often that changed. */
import { Counter, Gauge, type Registry } from 'prom-client'

/** LeaderMetrics is what the elector reports. */
export interface LeaderMetrics {
  /** set records the current state; a change counts as a transition. */
  set(leader: boolean): void
}

/** registerLeaderMetrics creates `vigil_leader` and `vigil_leader_transitions_total` on the registry. */
export function registerLeaderMetrics(registry: Registry): LeaderMetrics {
  const gauge = new Gauge({
    name: 'vigil_leader',
    help: 'Whether this process holds the leader lease and runs the singleton loops (1) or not (0).',
    registers: [registry],
  })
  const transitions = new Counter({
    name: 'vigil_leader_transitions_total',
    help: 'Times this process gained or lost the leader lease.',
    registers: [registry],
  })
  let current: boolean | undefined
  return {
    set(leader) {
      gauge.set(leader ? 1 : 0)
      if (current !== undefined && current !== leader) transitions.inc()
      current = leader
    },
  }
}
