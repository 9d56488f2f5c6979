/**
 * The alerting domain: the rule evaluator runs the enabled AlertRules (a PromQL threshold, a log
 * rate or count, anomalies, drift findings or events) on an interval and on the bus events that
 * concern them, carries each group of labels through inactive → pending → firing → resolved with
 * `for` and `keep_firing_for` as Prometheus does, fills in the annotation templates and hands
 * every alert to an AlertSink (the incident service).
 */
export { RuleEvaluator, type RuleEvaluatorOptions } from './runner.ts'
export {
  advance,
  resolveAll,
  type GroupState,
  type Observation,
  type Step,
  type Timing,
} from './state.ts'
export { alertOf, observe, type Rule } from './alerts.ts'
export { conditions, sourceKinds, RecentEvents } from './conditions/index.ts'
export type {
  ActiveGroup,
  ConditionContext,
  ConditionEvaluator,
  Wakers,
} from './conditions/index.ts'
export { fingerprintOf, groupLabels } from './fingerprint.ts'
export { formatValue, render, renderAll, type TemplateData } from './template.ts'
export { registerAlertingMetrics, type AlertingMetrics } from './metrics.ts'
export * from './types.ts'
