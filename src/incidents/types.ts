/** Plain types of the incidents domain: incidents, their timeline and silences. Times are epoch ms. */
import type { AlertSeverity, AlertSource } from '../alerting/types.ts'

/** incidentStatuses are where an incident can be in its lifecycle. */
export const incidentStatuses = ['triggered', 'acknowledged', 'resolved'] as const

/** IncidentStatus is one entry of `incidentStatuses`. */
export type IncidentStatus = (typeof incidentStatuses)[number]

/** timelineKinds are the kinds of entry an incident's timeline holds. */
export const timelineKinds = [
  'triggered',
  'repeated',
  'acknowledged',
  'resolved',
  'reopened',
  'silenced',
  'unsilenced',
  'note',
  'notified',
] as const

/** TimelineKind is one entry of `timelineKinds`. */
export type TimelineKind = (typeof timelineKinds)[number]

/** Incident is one incident as stored. */
export interface Incident {
  id: number
  fingerprint: string
  /** The AlertRule that opened it; null for an incident opened by hand. */
  rule: string | null
  title: string
  severity: AlertSeverity
  status: IncidentStatus
  /** The silence that mutes it now, if any. */
  silenceId: number | null
  labels: Record<string, string>
  annotations: Record<string, string>
  value: number | null
  source: AlertSource | { kind: 'manual' }
  /** Channel names from the rule's `notify` (or given by hand). */
  channels: string[]
  /** How many firing episodes it has seen (repeats and reopenings count). */
  count: number
  /** The `since` of the episode seen last. */
  since: number
  firstSeenAt: number
  /** When the current episode began: the first trigger or the last reopening. */
  startedAt: number
  lastSeenAt: number
  acknowledgedAt: number | null
  acknowledgedBy: string | null
  resolvedAt: number | null
  resolvedBy: string | null
  reopenedCount: number
}

/** TimelineEntry is one change of an incident. */
export interface TimelineEntry {
  id: number
  incidentId: number
  at: number
  /** The user or token, `system`, or `rule:<name>`. */
  actor: string
  kind: TimelineKind
  message: string
  details: Record<string, unknown> | null
}

/** matcherOps are the label matcher operators, as in Prometheus and Alertmanager. */
export const matcherOps = ['=', '!=', '=~', '!~'] as const

/** MatcherOp is one entry of `matcherOps`. */
export type MatcherOp = (typeof matcherOps)[number]

/** LabelMatcher tests one label of an incident. */
export interface LabelMatcher {
  name: string
  op: MatcherOp
  value: string
}

/** Silence mutes the notifications of incidents whose labels match every matcher, from start to end. */
export interface Silence {
  id: number
  matchers: LabelMatcher[]
  comment: string
  createdBy: string
  createdAt: number
  startsAt: number
  endsAt: number
  /** Who expired it early, if anyone. */
  expiredBy: string | null
}

/** SilenceState is a silence at a moment: before its start, in force, or over. */
export type SilenceState = 'pending' | 'active' | 'expired'

/** IncidentChange is what the bus carries on `incidents`: the incident after a change. */
export interface IncidentChange {
  incident: Incident
  kind: TimelineKind
}
