/**
 * The recommended action for an anomaly: a small table, first match wins, advice only (nothing
 * runs from it). Each rule matches the metric name, whether the value is above or below what was
 * expected, the component that fired, and whether the anomaly is sustained (this point and the
 * ones just before it, at least `sustainedPoints`, all anomalous on the same side). Pure; the
 * README lists the same table.
 */
import type { ComponentKind } from './types.ts'

/** Action is a recommended action; the remediation names where one exists. */
export type Action =
  'none' | 'scale_up' | 'restart_pod' | 'rollback_deployment' | 'check_source' | 'investigate'

interface Rule {
  name?: RegExp
  direction?: 'above' | 'below'
  components?: ComponentKind[]
  sustained?: true
  action: Action
  reason: string
}

/** sustainedPoints is how many anomalous points in a row on one side make an anomaly sustained. */
export const sustainedPoints = 3

/** adviceRules is the table, in order. */
export const adviceRules: readonly Rule[] = [
  {
    components: ['flatline'],
    action: 'check_source',
    reason: 'the series stopped changing: check that its agent or exporter still runs',
  },
  {
    name: /restart|crash|oom/i,
    direction: 'above',
    action: 'restart_pod',
    reason: 'restarts rose above the usual: a crash loop; a fresh pod clears a stuck one',
  },
  {
    name: /error|fail|5xx/i,
    direction: 'above',
    action: 'rollback_deployment',
    reason: 'errors rose above the usual: if a deploy preceded it, roll it back',
  },
  {
    name: /cpu/i,
    direction: 'above',
    sustained: true,
    action: 'scale_up',
    reason: 'CPU stays above the usual: add replicas',
  },
  {
    name: /mem/i,
    direction: 'above',
    components: ['trend_change'],
    sustained: true,
    action: 'restart_pod',
    reason: 'memory keeps growing: a leak; a restart buys time while it is found',
  },
  {
    name: /mem|latency|duration|queue|saturation|load/i,
    direction: 'above',
    sustained: true,
    action: 'scale_up',
    reason: 'load stays above the usual: add replicas',
  },
]

/** Anomaly is what the table looks at: the metric, the side of the band, the component, the run. */
export interface Anomaly {
  name: string
  direction: 'above' | 'below'
  component: ComponentKind
  /** Anomalous points in a row on this side, this one included. */
  run: number
}

/** advise picks the first rule for an anomaly; `investigate` when none fits. */
export function advise(a: Anomaly): { action: Action; reason: string } {
  const { name, direction, component } = a
  for (const rule of adviceRules) {
    if (rule.sustained && a.run < sustainedPoints) continue
    if (rule.name && !rule.name.test(name)) continue
    if (rule.direction && rule.direction !== direction) continue
    if (rule.components && !rule.components.includes(component)) continue
    return { action: rule.action, reason: rule.reason }
  }
  return { action: 'investigate', reason: `${name} is ${direction} what was expected` }
}
