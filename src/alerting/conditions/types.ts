/** What a condition evaluator is: the active groups of one kind of condition at a time. */
import type { Client } from '@libsql/client'
import type { AnomalyService } from '../../anomaly/service.ts'
import type { BusTopics } from '../../bus.ts'
import type { LogsService } from '../../logs/service.ts'
import type { MetricsEngine } from '../../metrics/engine.ts'
import type { AlertRuleSpec, ConditionKind } from '../../policy/kinds/alert-rule.ts'
import type { AlertSource } from '../types.ts'
import type { RecentEvents } from './recent-events.ts'

/** ActiveGroup is one group of labels for which a condition holds, with the value that made it. */
export interface ActiveGroup {
  labels: Record<string, string>
  value: number | null
  source: AlertSource
}

/** ConditionContext is what evaluators read: the stores, and the rule's own settings. */
export interface ConditionContext {
  engine: MetricsEngine
  logs: LogsService
  anomalies: AnomalyService
  /** The database client, for drift findings. */
  client: Client
  /** Events as the bus delivered them (events are evaluated from memory, see events.ts). */
  recentEvents: RecentEvents
  /** The rule's evaluation interval (ms): the window of event conditions. */
  intervalMs: number
  /** The rule's group_by, for evaluators that offer extra labels to group on. */
  groupBy: readonly string[] | undefined
}

/** Wakers say, per bus topic, whether a publication concerns a rule (then it evaluates at once). */
export type Wakers = { [T in keyof BusTopics]?: (payload: BusTopics[T]) => boolean }

/** Condition is the parsed condition of kind K. */
export type Condition<K extends ConditionKind> = NonNullable<AlertRuleSpec[K]>

/** ConditionEvaluator evaluates one kind of condition. */
export interface ConditionEvaluator<K extends ConditionKind> {
  /** evaluate returns the groups for which the condition holds at `t` (ms). */
  evaluate(condition: Condition<K>, ctx: ConditionContext, t: number): Promise<ActiveGroup[]>
  /** wakers are the bus publications that make a rule with this condition evaluate now. */
  wakers(condition: Condition<K>, ctx: ConditionContext): Wakers
}
