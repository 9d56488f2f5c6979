/**
 * The remediation planner: given the enabled RemediationPolicies, one change of an incident and
 * what each policy already proposed for that incident, which tasks to propose now. Pure; the
 * caller stores the proposals (one task per idempotency key) and feeds them back as history.
 *
 * Which changes act: `triggered`, `repeated` and `reopened` (a firing). Acknowledgements,
 * resolutions, silences, notes and notifications never do.
 *
 * Matching: every field of `match` given must hold: `rule` (names or `*` globs; an incident opened
 * by hand has no rule and never matches one), `severity` (one of the list) and `labels` (each
 * label equal to the incident's).
 *
 * Escalation, for one policy and one incident, where "the last proposal" is the newest in the
 * history (step k, made at T) and `now` is when the firing was seen:
 * - `triggered`, or any firing with no last proposal: step 0.
 * - `repeated` or `reopened` while `steps[k+1]` exists and `now <= T + steps[k+1].after` (no
 *   `after`: at any time): step k+1. A step's `after` is the window since the step before it;
 *   the first step's is not read.
 * - `reopened` otherwise (the window passed or the last step was made): step 0, a fresh start; the
 *   earlier remediation held for longer than the policy asked it to.
 * - `repeated` otherwise: nothing (reported as skipped): the same episode does not loop through
 *   the steps again; the limits and a person take over.
 * - A duplicate delivery of the same firing (the history holds a proposal whose key is this
 *   firing's key for its step) proposes that same step again, with the same key, so the store
 *   makes no second task.
 *
 * `idempotencyKey` is `policy:<name>:incident:<id>:step:<k>:episode:<incident.count>`; `count`
 * grows with every firing, so each firing has its own keys.
 *
 * Parameters: strings are rendered with the incident's labels and value (`{{ $labels.pod }}`,
 * `{{ $value }}`). A parameter written with a template that renders empty means the incident lacks
 * what the action needs: that policy makes an error with the reason instead of a proposal.
 */
import { render, type TemplateData } from '../alerting/template.ts'
import type { AlertSeverity } from '../alerting/types.ts'
import type { Incident, IncidentChange, TimelineKind } from '../incidents/types.ts'
import type { RemediationPolicySpec } from '../policy/kinds/remediation-policy.ts'
import { formatDuration } from '../units.ts'
import { anyGlob } from './glob.ts'
import type { ActionName } from './types.ts'

/** NamedRemediationPolicy is an enabled RemediationPolicy: its name and parsed spec. */
export interface NamedRemediationPolicy {
  name: string
  spec: RemediationPolicySpec
}

/** PreviousProposal is what a policy already proposed for an incident (from the stored tasks). */
export interface PreviousProposal {
  policy: string
  step: number
  incidentId: number
  createdAt: number
  /** The proposal's key, which tells a duplicate delivery of the same firing. */
  idempotencyKey?: string | null | undefined
}

/** ParamValue is one rendered parameter. */
export type ParamValue = string | number | boolean

/** Proposal is one task to propose. */
export interface Proposal {
  policy: string
  step: number
  incidentId: number
  action: ActionName
  params: Record<string, ParamValue>
  mode: RemediationPolicySpec['mode']
  limits: RemediationPolicySpec['limits']
  namespaces: RemediationPolicySpec['namespaces']
  idempotencyKey: string
  /** One sentence for the task list: which incident, which step, why. */
  reason: string
  /** 0 is the most urgent (critical). */
  priority: number
}

/** ProposalError is a policy that matched but could not make its proposal. */
export interface ProposalError {
  policy: string
  step: number
  incidentId: number
  reason: string
}

/** Skipped is a policy that matched but has nothing to do for this firing, and why. */
export interface Skipped {
  policy: string
  incidentId: number
  reason: string
}

/** Plan is what the planner decided for one change. */
export interface Plan {
  proposals: Proposal[]
  errors: ProposalError[]
  skipped: Skipped[]
}

/** actingKinds are the changes of an incident that lead to proposals (its firings). */
export const actingKinds: readonly TimelineKind[] = ['triggered', 'repeated', 'reopened']

/** severityPriority orders tasks: critical first. */
export const severityPriority: Record<AlertSeverity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
}

/** idempotencyKey is the key of one step of one policy for one firing of an incident. */
export function idempotencyKey(policy: string, incident: Incident, step: number): string {
  return `policy:${policy}:incident:${incident.id}:step:${step}:episode:${incident.count}`
}

/** planRemediation decides the proposals for one change of an incident, seen at `now`. */
export function planRemediation(
  policies: readonly NamedRemediationPolicy[],
  change: IncidentChange,
  history: readonly PreviousProposal[],
  now: number,
): Plan {
  const plan: Plan = { proposals: [], errors: [], skipped: [] }
  if (!actingKinds.includes(change.kind)) return plan
  const { incident } = change
  for (const p of policies) {
    if (!matches(p.spec, incident)) continue
    const mine = history.filter((h) => h.policy === p.name && h.incidentId === incident.id)
    const next = nextStep(p, change, mine, now)
    if (typeof next === 'string') {
      plan.skipped.push({ policy: p.name, incidentId: incident.id, reason: next })
      continue
    }
    const made = propose(p, incident, next.step, next.why)
    if ('action' in made) plan.proposals.push(made)
    else plan.errors.push(made)
  }
  return plan
}

/** matches tells whether a policy's `match` holds for an incident. */
export function matches(spec: RemediationPolicySpec, incident: Incident): boolean {
  const m = spec.match
  if (m.rule && (incident.rule === null || !anyGlob(m.rule, incident.rule))) return false
  if (m.severity && !m.severity.includes(incident.severity)) return false
  if (m.labels) {
    for (const [name, value] of Object.entries(m.labels)) {
      if (incident.labels[name] !== value) return false
    }
  }
  return true
}

/** nextStep picks the step to propose and says why, or says why there is none. */
function nextStep(
  p: NamedRemediationPolicy,
  change: IncidentChange,
  mine: readonly PreviousProposal[],
  now: number,
): { step: number; why: string } | string {
  const { incident, kind } = change
  const steps = p.spec.steps
  const again = mine.find((h) => h.idempotencyKey === idempotencyKey(p.name, incident, h.step))
  if (again) return { step: again.step, why: `${kind} (again: the same firing)` }
  const last = newest(mine)
  if (kind === 'triggered' || !last) return { step: 0, why: kind }
  const k = last.step
  const following = steps[k + 1]
  if (following && (following.after === undefined || now <= last.createdAt + following.after)) {
    const when = following.after === undefined ? 'after' : `within ${span(following.after)} of`
    return { step: k + 1, why: `${kind} ${when} step ${k + 1} (${steps[k]?.action})` }
  }
  const over = following
    ? `more than ${span(following.after!)} after step ${k + 1}`
    : `after its last step (${k + 1} of ${steps.length})`
  if (kind === 'reopened') return { step: 0, why: `reopened ${over}: starting over` }
  return `incident #${incident.id} repeated ${over}; ${p.name} proposes nothing more in this episode`
}

function newest(list: readonly PreviousProposal[]): PreviousProposal | undefined {
  let best: PreviousProposal | undefined
  for (const h of list) {
    if (
      !best ||
      h.createdAt > best.createdAt ||
      (h.createdAt === best.createdAt && h.step > best.step)
    ) {
      best = h
    }
  }
  return best
}

/** propose renders one step's parameters into a proposal, or an error naming the empty one. */
function propose(
  p: NamedRemediationPolicy,
  incident: Incident,
  step: number,
  why: string,
): Proposal | ProposalError {
  const s = p.spec.steps[step]!
  const data: TemplateData = { labels: incident.labels, value: incident.value }
  const params: Record<string, ParamValue> = {}
  for (const [name, raw] of Object.entries(s.params)) {
    if (typeof raw !== 'string') {
      params[name] = raw
      continue
    }
    const value = render(raw, data)
    if (raw.includes('{{') && value.trim() === '') {
      return {
        policy: p.name,
        step,
        incidentId: incident.id,
        reason: `${p.name} step ${step + 1} (${s.action}): parameter ${name} ("${raw}") renders empty for incident #${incident.id}; the incident lacks the label it names`,
      }
    }
    params[name] = value
  }
  const n = p.spec.steps.length
  return {
    policy: p.name,
    step,
    incidentId: incident.id,
    action: s.action,
    params,
    mode: p.spec.mode,
    limits: p.spec.limits,
    namespaces: p.spec.namespaces,
    idempotencyKey: idempotencyKey(p.name, incident, step),
    reason: `incident #${incident.id} (${incident.title}, ${incident.severity}) ${why}: ${p.name} step ${step + 1} of ${n}, ${s.action}`,
    priority: severityPriority[incident.severity],
  }
}

/** span prints a step's `after` as its author likely wrote it (`10m`, `1h`), else formatDuration. */
function span(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`
  return formatDuration(ms)
}
