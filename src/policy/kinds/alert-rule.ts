/**
 * The AlertRule spec: exactly one condition (a PromQL expression, a log rate or count, anomalies,
 * drift findings or events) and what the incident it opens looks like.
 *
 * ```yaml
 * spec:
 *   expr: avg by (host) (node_cpu_usage_percent) > 90
 *   for: 1m
 *   keep_firing_for: 2m
 *   severity: high
 *   labels: {service: web}
 *   annotations: {summary: "CPU at {{ $value }}% on {{ $labels.host }}"}
 *   notify: [ops-webhook]
 * ```
 */
import { z } from 'zod'
import { findingTypes } from '../../drift/types.ts'
import { severities as eventSeverities } from '../../events/types.ts'
import { levels } from '../../logs/types.ts'
import {
  bounded,
  duration,
  glob,
  labelName,
  labels,
  list,
  promql,
  ref,
  selector,
  severity,
  strict,
  template,
} from './fields.ts'

const day = 86_400_000

/** logsCondition fires on the rate or count of a service's log lines over a sliding window. */
export const logsCondition = strict({
  service: ref,
  level: z.enum(levels, { error: `must be one of ${levels.join(', ')}` }).optional(),
  /** Lines per second over the window. */
  rate_above: z.number({ error: 'must be a number (lines per second)' }).min(0).optional(),
  count_above: z.number({ error: 'must be a whole number' }).int().min(0).optional(),
  window: duration(1000, day),
}).superRefine((c, ctx) => {
  if ((c.rate_above === undefined) === (c.count_above === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'needs exactly one of rate_above (lines per second) or count_above',
    })
  }
})

/** anomaliesCondition fires on anomalies of at least a severity, optionally of some series. */
export const anomaliesCondition = strict({
  min_severity: severity,
  selector: selector.optional(),
  sustained_for: duration(0, day).optional(),
})

/** driftCondition fires on drift or compliance findings. */
export const driftCondition = strict({
  type: z
    .enum([...findingTypes, 'violation'], {
      error: `must be one of ${[...findingTypes, 'violation'].join(', ')}`,
    })
    .optional(),
  min_severity: severity.optional(),
  namespace: glob.optional(),
  kind: glob.optional(),
})

/** eventsCondition fires on events with this source, kind, severity and attributes. */
export const eventsCondition = strict({
  source: glob.optional(),
  kind: glob.optional(),
  severity: z
    .enum(eventSeverities, { error: `must be one of ${eventSeverities.join(', ')}` })
    .optional(),
  attributes: bounded(z.string().max(128), z.string().max(1024), 30).optional(),
})

/** conditionKeys are the fields of which a rule has exactly one. */
export const conditionKeys = ['expr', 'logs', 'anomalies', 'drift', 'events'] as const

/** ConditionKind is what a rule watches. */
export type ConditionKind = (typeof conditionKeys)[number]

/** alertRuleSpec validates the spec of an AlertRule. */
export const alertRuleSpec = strict({
  expr: promql.optional(),
  logs: logsCondition.optional(),
  anomalies: anomaliesCondition.optional(),
  drift: driftCondition.optional(),
  events: eventsCondition.optional(),
  for: duration(0, 7 * day).default(0),
  keep_firing_for: duration(0, 7 * day).default(0),
  severity,
  labels: labels.default({}),
  annotations: bounded(z.string().min(1).max(128), template, 50).default({}),
  notify: list(ref, 0, 20).default([]),
  group_by: list(labelName, 0, 20).optional(),
  interval: duration(1000, day).optional(),
}).superRefine((spec, ctx) => {
  const present = conditionKeys.filter((k) => spec[k] !== undefined)
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: present.length > 1 ? [present[1]!] : [],
      message:
        present.length === 0
          ? `needs a condition: one of ${conditionKeys.join(', ')}`
          : `has ${present.join(' and ')}: a rule has exactly one condition of ${conditionKeys.join(', ')}`,
    })
  }
})

/** AlertRuleSpec is a parsed AlertRule spec; durations are in milliseconds. */
export type AlertRuleSpec = z.output<typeof alertRuleSpec>

/** conditionOf says which condition a parsed rule has. */
export function conditionOf(spec: AlertRuleSpec): ConditionKind {
  return conditionKeys.find((k) => spec[k] !== undefined)!
}
