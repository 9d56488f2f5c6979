/** The status table of every policy, as `GET /ui/policies` and the Policies page show it. */
import type { PolicyService } from './service.ts'
import type { EvalStatus } from './status.ts'
import type { StoredPolicy } from './types.ts'

/** PolicyRow is one line of the status table. */
export interface PolicyRow {
  policy: StoredPolicy
  status: EvalStatus | 'disabled'
  lastEvalAt: number | null
  durationMs: number | null
  matches: number
  violations: number
  openIncidents: number
  pendingTasks: number
  message: string | null
}

/** policyRows lists every policy with its reported status; a disabled one is `disabled`. */
export async function policyRows(service: PolicyService): Promise<PolicyRow[]> {
  const list = await service.list()
  return list.map((policy) => {
    const s = service.status.get(policy.kind, policy.name)
    return { policy, ...s, status: policy.enabled ? s.status : 'disabled' }
  })
}

/** iso renders a time in RFC 3339, null stays null. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** presentRow is a status row as JSON. */
export function presentRow(r: PolicyRow) {
  return {
    kind: r.policy.kind,
    name: r.policy.name,
    source: r.policy.source,
    file: r.policy.file,
    enabled: r.policy.enabled,
    version: r.policy.version,
    status: r.status,
    last_eval_at: iso(r.lastEvalAt),
    duration_ms: r.durationMs,
    matches: r.matches,
    violations: r.violations,
    open_incidents: r.openIncidents,
    pending_tasks: r.pendingTasks,
    message: r.message,
    labels: r.policy.document.metadata.labels ?? {},
    updated_at: iso(r.policy.updatedAt),
  }
}
