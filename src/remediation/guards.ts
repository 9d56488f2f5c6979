/**
 * The guards: every check that stands between a task and a change to the cluster, in one place.
 * `preflight` runs before anything touches the cluster (mode, access policy, namespaces, stale
 * evidence, blast radius); the executor then sends the exact request as a server-side dry run;
 * `rateLimits` runs last, inside the write transaction that marks the task as mutating, so that
 * concurrent workers and replicas count each other (rate limits per action, per namespace,
 * overall and per policy; anti-flapping per target). Each guard returns a decision with its
 * reason, kept on the task: a refusal is a result, never a silent skip. Pure but for the counter.
 */
import { globMatch } from './glob.ts'
import type { Incident } from '../incidents/types.ts'
import type { RemediationSettings } from './settings.ts'
import type { CountFilter } from './store.ts'
import { targetKey, type GuardDecision, type Impact, type Task } from './types.ts'

/** AccessVerdict is the AccessPolicy evaluation of a task. */
export interface AccessVerdict {
  allowed: boolean
  reason: string
  appliedPolicies: string[]
}

/** PreflightInput is what the checks before any request need. */
export interface PreflightInput {
  task: Task
  settings: RemediationSettings
  now: number
  /** The task's incident (undefined when it has none or it was deleted). */
  incident: Incident | undefined
  access: AccessVerdict
  /** What the action would touch; undefined for single-object actions. */
  impact: Impact | undefined
}

const allow = (guard: string, reason: string): GuardDecision => ({ guard, allowed: true, reason })
const refuse = (guard: string, reason: string): GuardDecision => ({ guard, allowed: false, reason })

/** modeGuard refuses everything when remediation is off. */
export function modeGuard(settings: RemediationSettings): GuardDecision {
  if (settings.mode === 'off')
    return refuse('mode', 'remediation is off (VIGIL_REMEDIATION_MODE=off)')
  return allow(
    'mode',
    settings.mode === 'dry_run'
      ? 'dry_run: the change is sent as a server-side dry run only (VIGIL_REMEDIATION_MODE=dry_run)'
      : 'enforce',
  )
}

/** namespaceGuard applies the global allow/deny lists and the policy's own. */
export function namespaceGuard(task: Task, settings: RemediationSettings): GuardDecision {
  const ns = task.target.namespace
  if (ns === undefined) return allow('namespaces', 'cluster-scoped target')
  const lists = [
    {
      from: 'VIGIL_REMEDIATION_DENY_NAMESPACES',
      deny: settings.namespaces.deny,
      allow: settings.namespaces.allow,
    },
    {
      from: `policy ${task.policy}`,
      deny: task.limits?.namespaces?.deny ?? [],
      allow: task.limits?.namespaces?.allow,
    },
  ]
  for (const list of lists) {
    const denied = list.deny.find((g) => globMatch(g, ns))
    if (denied) return refuse('namespaces', `namespace ${ns} is denied by ${denied} (${list.from})`)
  }
  if (settings.namespaces.allow && !settings.namespaces.allow.some((g) => globMatch(g, ns)))
    return refuse('namespaces', `namespace ${ns} is not in VIGIL_REMEDIATION_NAMESPACES`)
  const policyAllow = task.limits?.namespaces?.allow
  if (policyAllow && !policyAllow.some((g) => globMatch(g, ns)))
    return refuse('namespaces', `namespace ${ns} is not allowed by policy ${task.policy}`)
  return allow('namespaces', `namespace ${ns} is allowed`)
}

/** evidenceGuard refuses a task whose incident resolved or was last seen too long ago. */
export function evidenceGuard(
  task: Task,
  incident: Incident | undefined,
  settings: RemediationSettings,
  now: number,
): GuardDecision {
  if (task.incidentId === null) return allow('evidence', 'no incident: a task asked for by hand')
  if (!incident) return refuse('evidence', `incident ${task.incidentId} no longer exists`)
  if (incident.status === 'resolved')
    return refuse('evidence', `incident ${incident.id} has resolved; nothing left to fix`)
  const age = now - incident.lastSeenAt
  if (age > settings.evidenceMaxAgeMs)
    return refuse(
      'evidence',
      `the evidence is stale: incident ${incident.id} was last seen firing ${seconds(age)} ago ` +
        `(VIGIL_REMEDIATION_EVIDENCE_MAX_AGE is ${seconds(settings.evidenceMaxAgeMs)})`,
    )
  return allow('evidence', `incident ${incident.id} was seen firing ${seconds(age)} ago`)
}

/** blastRadiusGuard refuses actions that touch too much of a workload or of the nodes. */
export function blastRadiusGuard(
  impact: Impact | undefined,
  settings: RemediationSettings,
): GuardDecision {
  if (!impact) return allow('blast_radius', 'one object')
  const { affected, total, unit } = impact
  if (unit === 'nodes' && impact.schedulableAfter !== undefined) {
    if (impact.schedulableAfter < settings.minSchedulableNodes)
      return refuse(
        'blast_radius',
        `only ${impact.schedulableAfter} schedulable node(s) would remain; at least ` +
          `${settings.minSchedulableNodes} must (VIGIL_REMEDIATION_MIN_SCHEDULABLE_NODES)`,
      )
  }
  const percent = total === 0 ? 0 : (affected / total) * 100
  // One pod of a single-replica workload is 100 %: restarting it is the whole point, so the
  // percentage applies only where there is more than one.
  if (total > 1 && percent > settings.maxBlastRadiusPercent)
    return refuse(
      'blast_radius',
      `would affect ${affected} of ${total} ${unit} (${Math.round(percent)} %), more than ` +
        `${settings.maxBlastRadiusPercent} % (VIGIL_REMEDIATION_MAX_BLAST_RADIUS)`,
    )
  return allow('blast_radius', `affects ${affected} of ${total} ${unit}`)
}

/** preflight runs the checks that need no request to the cluster but the impact read. */
export function preflight(input: PreflightInput): GuardDecision[] {
  const { task, settings, now } = input
  return [
    modeGuard(settings),
    {
      guard: 'access_policy',
      allowed: input.access.allowed,
      reason:
        input.access.reason +
        (input.access.appliedPolicies.length
          ? ` (${input.access.appliedPolicies.join(', ')})`
          : ''),
    },
    namespaceGuard(task, settings),
    evidenceGuard(task, input.incident, settings, now),
    blastRadiusGuard(input.impact, settings),
  ]
}

/** refusalOf returns the first refusing decision. */
export function refusalOf(decisions: GuardDecision[]): GuardDecision | undefined {
  return decisions.find((d) => !d.allowed)
}

/** RateCheck is one rate limit: the changes of the last hour that match `filter`, at most `limit`. */
export interface RateCheck {
  guard: 'rate_limit' | 'anti_flapping'
  filter: CountFilter
  limit: number
  /** What is counted, for the reason: "changes in namespace prod in the last hour (...)". */
  what: string
}

/**
 * rateChecks lists the limits one more change by `task` must stay within, counting the changes
 * of the last hour (other tasks that reached the mutation): overall, per action, per namespace,
 * per policy and, against flapping, per target. A limit of 0 refuses every change of its kind.
 * The most specific comes first, so a refusal names the narrowest limit that was reached.
 */
export function rateChecks(task: Task, settings: RemediationSettings): RateCheck[] {
  const ns = task.target.namespace
  const checks: RateCheck[] = [
    {
      guard: 'rate_limit',
      filter: {},
      limit: settings.maxPerHour,
      what: 'changes in the last hour (VIGIL_REMEDIATION_MAX_PER_HOUR)',
    },
    {
      guard: 'rate_limit',
      filter: { action: task.action },
      limit: settings.maxPerAction,
      what: `${task.action} changes in the last hour (VIGIL_REMEDIATION_MAX_PER_ACTION)`,
    },
  ]
  if (ns !== undefined)
    checks.push({
      guard: 'rate_limit',
      filter: { namespace: ns },
      limit: settings.maxPerNamespace,
      what: `changes in namespace ${ns} in the last hour (VIGIL_REMEDIATION_MAX_PER_NAMESPACE)`,
    })
  if (task.policy && task.limits?.maxPerHour !== undefined)
    checks.push({
      guard: 'rate_limit',
      filter: { policy: task.policy },
      limit: task.limits.maxPerHour,
      what: `changes by policy ${task.policy} in the last hour (its limits.max_per_hour)`,
    })
  const perTarget = Math.min(settings.maxPerTarget, task.limits?.maxPerTargetPerHour ?? Infinity)
  checks.push({
    guard: 'anti_flapping',
    filter: {
      targetKind: task.target.kind,
      targetName: task.target.name,
      ...(ns !== undefined ? { namespace: ns } : {}),
    },
    limit: perTarget,
    what: `changes to ${targetKey(task.target)} in the last hour (VIGIL_REMEDIATION_MAX_PER_TARGET or the policy's max_per_target_per_hour)`,
  })
  return checks.reverse()
}

/** rateDecision is the decision for a check given the count: allowed below the limit. */
export function rateDecision(check: RateCheck, counted: number): GuardDecision {
  return counted >= check.limit
    ? refuse(check.guard, `${counted} ${check.what}; the limit is ${check.limit}`)
    : allow(check.guard, `${counted} ${check.what}, below ${check.limit}`)
}

function seconds(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round(ms / 3_600_000)} h`
}
