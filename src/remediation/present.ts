/** The JSON shape of a remediation task in the API: snake_case, RFC 3339 times. */
import type { Task } from './types.ts'

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** presentTask is a task as the API returns it. */
export function presentTask(t: Task) {
  return {
    id: t.id,
    action: t.action,
    params: t.params,
    target: t.target,
    priority: t.priority,
    requester: t.requester,
    reason: t.reason,
    incident_id: t.incidentId,
    policy: t.policy,
    step: t.step,
    idempotency_key: t.idempotencyKey,
    state: t.state,
    phase: t.phase,
    attempts: t.attempts,
    max_attempts: t.maxAttempts,
    guards: t.guards,
    dry_run: t.dryRun,
    result: t.result,
    decided_by: t.decidedBy,
    decision_comment: t.decisionComment,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    expires_at: iso(t.expiresAt),
    started_at: iso(t.startedAt),
    mutated_at: iso(t.mutatedAt),
    finished_at: iso(t.finishedAt),
  }
}
