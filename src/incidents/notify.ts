/** What incidents hand the notifier: the snapshot of an incident and the event it is for. */
import type { EnqueueInput } from '../notify/index.ts'
import type { Incident } from './types.ts'

/** NotifyEventOf is the notifier's event for a timeline change, if the change is notified at all. */
export type IncidentNotifyEvent = 'triggered' | 'acknowledged' | 'resolved'

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v)

/** snapshotOf turns an incident into the notifier's snapshot, with a link to its page. */
export function snapshotOf(i: Incident, publicUrl: string | undefined): EnqueueInput['incident'] {
  return {
    id: String(i.id),
    fingerprint: i.fingerprint,
    title: i.title,
    severity: i.severity,
    status: i.status,
    labels: i.labels,
    annotations: i.annotations,
    url: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/dashboard/incidents/${i.id}` : undefined,
    // The episode's start, so a reopened incident is a new `triggered` and not a duplicate.
    startedAt: i.startedAt,
    acknowledgedAt: opt(i.acknowledgedAt),
    acknowledgedBy: opt(i.acknowledgedBy),
    resolvedAt: opt(i.resolvedAt),
    rule: opt(i.rule),
    count: i.count,
  }
}
