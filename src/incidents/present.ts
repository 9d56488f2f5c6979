/** The JSON shapes of incidents, timeline entries and silences in the API: RFC 3339 times. */
import type { SilenceView } from './silences.ts'
import type { Incident, TimelineEntry } from './types.ts'

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** presentIncident is an incident as the API returns it. */
export function presentIncident(i: Incident) {
  return {
    id: i.id,
    fingerprint: i.fingerprint,
    rule: i.rule,
    title: i.title,
    severity: i.severity,
    status: i.status,
    silenced: i.silenceId !== null,
    silence_id: i.silenceId,
    labels: i.labels,
    annotations: i.annotations,
    value: i.value,
    source: i.source,
    channels: i.channels,
    count: i.count,
    reopened_count: i.reopenedCount,
    first_seen_at: iso(i.firstSeenAt),
    started_at: iso(i.startedAt),
    last_seen_at: iso(i.lastSeenAt),
    acknowledged_at: iso(i.acknowledgedAt),
    acknowledged_by: i.acknowledgedBy,
    resolved_at: iso(i.resolvedAt),
    resolved_by: i.resolvedBy,
  }
}

/** presentEntry is a timeline entry as the API returns it. */
export function presentEntry(e: TimelineEntry) {
  return {
    id: e.id,
    at: iso(e.at),
    actor: e.actor,
    kind: e.kind,
    message: e.message,
    details: e.details,
  }
}

/** presentSilence is a silence as the API returns it. */
export function presentSilence(s: SilenceView) {
  return {
    id: s.id,
    matchers: s.matchers,
    comment: s.comment,
    state: s.state,
    created_by: s.createdBy,
    created_at: iso(s.createdAt),
    starts_at: iso(s.startsAt),
    ends_at: iso(s.endsAt),
    expired_by: s.expiredBy,
  }
}
