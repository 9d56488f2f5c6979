/** Alerts for incident tests, as the rule evaluator would hand them over. */
import type { Alert } from '../../src/alerting/types.ts'

/** t0 is the start of every test's clock. */
export const t0 = Date.parse('2026-11-22T10:00:00Z')

/** alert builds a firing alert of rule high-cpu for host web-1; override what the test is about. */
export function alert(over: Partial<Alert> = {}): Alert {
  return {
    rule: 'high-cpu',
    fingerprint: 'fp-high-cpu-web-1',
    state: 'firing',
    severity: 'high',
    labels: { alertname: 'high-cpu', host: 'web-1', service: 'web', team: 'web' },
    annotations: { summary: 'CPU at 97% on web-1' },
    value: 97,
    source: { kind: 'metrics', query: 'avg by (host) (node_cpu_usage_percent) > 90' },
    notify: ['hook'],
    at: t0,
    since: t0,
    ...over,
  }
}

/** Clock is a settable `now`. */
export class Clock {
  constructor(public t = t0) {}
  readonly now = () => this.t
  /** advance moves the clock on by `ms`. */
  advance(ms: number): number {
    this.t += ms
    return this.t
  }
}
