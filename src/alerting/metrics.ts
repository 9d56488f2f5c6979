/** The rule evaluator's Prometheus metrics: evaluations by kind and outcome, their duration, alerts firing. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { conditionKeys, type ConditionKind } from '../policy/kinds/alert-rule.ts'

/** EvalOutcome is how one evaluation of a rule ended. */
export type EvalOutcome = 'ok' | 'firing' | 'error'

/** AlertingMetrics is what the rule evaluator reports. */
export interface AlertingMetrics {
  evaluated(kind: ConditionKind, outcome: EvalOutcome, seconds: number): void
  watch(firing: () => number): void
}

/** registerAlertingMetrics creates the metrics on the registry. */
export function registerAlertingMetrics(registry: Registry): AlertingMetrics {
  const evaluations = new Counter({
    name: 'vigil_alerting_evaluations_total',
    help: 'Alert rule evaluations, by condition kind and outcome (ok, firing, error).',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  })
  for (const kind of conditionKeys) {
    for (const outcome of ['ok', 'firing', 'error']) evaluations.inc({ kind, outcome }, 0)
  }
  const duration = new Histogram({
    name: 'vigil_alerting_evaluation_seconds',
    help: 'Time one alert rule evaluation takes, by condition kind.',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  })
  let read = () => 0
  new Gauge({
    name: 'vigil_alerting_alerts_firing',
    help: 'Alerts (rule and group) firing now, keep_firing_for included.',
    registers: [registry],
    collect() {
      this.set(read())
    },
  })
  return {
    evaluated(kind, outcome, seconds) {
      evaluations.inc({ kind, outcome })
      duration.observe({ kind }, seconds)
    },
    watch: (r) => {
      read = r
    },
  }
}
