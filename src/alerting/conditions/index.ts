/**
 * The condition evaluators, one per kind of AlertRule condition. Adding a kind: its schema in
 * src/policy/kinds/alert-rule.ts (`conditionKeys`), a file here, and its entry below.
 */
import type { AlertSourceKind } from '../types.ts'
import type { ConditionKind } from '../../policy/kinds/alert-rule.ts'
import { anomalies } from './anomalies.ts'
import { drift } from './drift.ts'
import { events } from './events.ts'
import { expr } from './expr.ts'
import { logs } from './logs.ts'
import type { ConditionEvaluator } from './types.ts'

/** conditions maps each condition kind to its evaluator. */
export const conditions = { expr, logs, anomalies, drift, events } satisfies {
  [K in ConditionKind]: ConditionEvaluator<K>
}

/** sourceKinds names each condition kind as alerts name their source. */
export const sourceKinds = {
  expr: 'metrics',
  logs: 'logs',
  anomalies: 'anomalies',
  drift: 'drift',
  events: 'events',
} satisfies Record<ConditionKind, AlertSourceKind>

export type { ActiveGroup, ConditionContext, ConditionEvaluator, Wakers } from './types.ts'
export { RecentEvents } from './recent-events.ts'
