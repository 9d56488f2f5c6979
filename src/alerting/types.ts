/**
 * What the alert rule evaluator hands to incidents: an Alert per rule and group as it starts and
 * stops firing. The evaluator (src/alerting/) produces them; the incident service (src/incidents/)
 * implements AlertSink. Plain types only.
 */

/** AlertSeverity is the severity scale of rules, incidents and notifications. */
export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical'

/** AlertSourceKind says which kind of condition fired. */
export type AlertSourceKind = 'metrics' | 'logs' | 'anomalies' | 'drift' | 'events'

/** AlertSource says what fired an alert, for the incident page to show it (a chart, the logs, a diff, an event). */
export interface AlertSource {
  kind: AlertSourceKind
  /** metrics: the PromQL expression; logs: the service; anomalies: the series selector. */
  query?: string
  /** The ids of what matched: anomaly ids, drift finding ids, event ids. */
  ids?: number[]
}

/** Alert is one rule's alert for one group of labels, when it starts or stops firing. */
export interface Alert {
  /** The AlertRule policy's name. */
  rule: string
  /** A stable hash of the rule and the grouping labels: one incident per fingerprint. */
  fingerprint: string
  state: 'firing' | 'resolved'
  severity: AlertSeverity
  /** The rule's labels with the grouping labels of this alert. */
  labels: Record<string, string>
  /** The rule's annotations with `{{ $value }}` and `{{ $labels.x }}` filled in. */
  annotations: Record<string, string>
  /** The value that fired (the expression's sample, the error rate, the count), if any. */
  value: number | null
  source: AlertSource
  /** Channel names from the rule's `notify`. */
  notify: string[]
  /** When this evaluation saw it (ms). */
  at: number
  /** When this firing episode began (ms): the same `since` is the same episode, a new one a repeat. */
  since: number
}

/**
 * AlertSink receives alerts: `fire` when a rule starts firing and again on every evaluation while
 * it fires (an episode is one `since`: the incident updates last seen; a new `since` is a repeat,
 * counted, or a reopening), `resolve` once when it stops (after `keep_firing_for`).
 */
export interface AlertSink {
  fire(alert: Alert): Promise<void>
  resolve(alert: Alert): Promise<void>
}
