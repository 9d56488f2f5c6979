/**
 * The AccessPolicy evaluator: may this subject (a user with a role, an API token, an automatic
 * task's RemediationPolicy) do this action on this resource now? Pure, so the route, the task
 * guard and tests ask the same function.
 *
 * A policy matches a request when one of its subjects, its actions (or `*`), one of its resources
 * and all of its conditions hold. Deny wins over allow, and nothing is allowed without a matching
 * allow (default deny). Details:
 * - `{role}` matches a user of that role (`*`: any user); `{user}`, `{token}`, `{policy}` are name
 *   globs over users, API tokens and RemediationPolicies (`*`: any of that kind).
 * - A resource's `kind` is a glob compared without case (`pod` matches `Pod`); absent is any.
 *   `namespaces` absent matches any target; given, a namespaced target must match one of them and
 *   a cluster-scoped target (a Node) matches only when one of them is `*`. `names` are globs.
 * - `severity` needs the request to carry one of the listed severities (none fails the condition);
 *   `days` and `hours` are read in UTC at `at`. `hours` is `[from, to)`; `from` after `to` wraps past
 *   midnight (22:00–06:00), and `from` equal to `to` is the whole day. `days` names the day of `at`
 *   itself, also within a wrapping window.
 */
import type { z } from 'zod'
import {
  days,
  type AccessPolicySpec,
  type resource as resourceSchema,
} from '../policy/kinds/access-policy.ts'
import type { severities } from '../policy/kinds/fields.ts'
import { anyGlob, globMatch } from './glob.ts'
import type { ActionName, Requester, Target } from './types.ts'

/** Severity is one of the severities policies and incidents speak. */
export type Severity = (typeof severities)[number]

/** NamedAccessPolicy is an enabled AccessPolicy: its name and parsed spec. */
export interface NamedAccessPolicy {
  name: string
  spec: AccessPolicySpec
}

/** AccessRequest is the question: who wants to do what to which object, at which severity, when. */
export interface AccessRequest {
  subject: Requester
  action: ActionName
  resource: Target
  /** The severity of the incident behind the request, if any. */
  severity?: Severity | undefined
  /** When (epoch ms); days and hours conditions are read in UTC. */
  at: number
}

/** AccessDecision is the answer, with a sentence a person reads and every policy that matched. */
export interface AccessDecision {
  allowed: boolean
  reason: string
  appliedPolicies: string[]
}

type Subject = AccessPolicySpec['subjects'][number]
type Resource = z.output<typeof resourceSchema>
type Conditions = NonNullable<AccessPolicySpec['conditions']>

/** evaluateAccess decides a request against the enabled AccessPolicies. */
export function evaluateAccess(
  policies: readonly NamedAccessPolicy[],
  request: AccessRequest,
): AccessDecision {
  const what = describeRequest(request)
  const matched: NamedAccessPolicy[] = []
  let nearMiss: string | undefined
  for (const p of policies) {
    if (!p.spec.subjects.some((s) => subjectMatches(s, request.subject))) continue
    if (!p.spec.actions.some((a) => a === '*' || a === request.action)) continue
    if (!p.spec.resources.some((r) => resourceMatches(r, request.resource))) continue
    const failed = p.spec.conditions && failedCondition(p.spec.conditions, request)
    if (failed) {
      if (p.spec.effect === 'allow') nearMiss ??= `${p.name} would, but ${failed}`
      continue
    }
    matched.push(p)
  }
  const appliedPolicies = matched.map((p) => p.name)
  const deny = matched.find((p) => p.spec.effect === 'deny')
  if (deny) {
    return { allowed: false, reason: `AccessPolicy ${deny.name} denies ${what}`, appliedPolicies }
  }
  const allow = matched.find((p) => p.spec.effect === 'allow')
  if (allow) {
    return { allowed: true, reason: `AccessPolicy ${allow.name} allows ${what}`, appliedPolicies }
  }
  return {
    allowed: false,
    reason: `no AccessPolicy allows ${what}${nearMiss ? ` (${nearMiss})` : ''}`,
    appliedPolicies,
  }
}

/** describeRequest prints a request: `restart_pod on Pod prod/api-1 for policy:x`. */
export function describeRequest(request: AccessRequest): string {
  const { kind, namespace, name } = request.resource
  const s = request.subject
  const who = `${s.kind}:${s.name}${s.kind === 'user' && s.role ? ` (${s.role})` : ''}`
  return `${request.action} on ${kind} ${namespace ? `${namespace}/` : ''}${name} for ${who}`
}

function subjectMatches(s: Subject, who: Requester): boolean {
  if (s.role !== undefined) return who.kind === 'user' && (s.role === '*' || s.role === who.role)
  if (s.user !== undefined) return who.kind === 'user' && globMatch(s.user, who.name)
  if (s.token !== undefined) return who.kind === 'token' && globMatch(s.token, who.name)
  if (s.policy !== undefined) return who.kind === 'policy' && globMatch(s.policy, who.name)
  return false
}

function resourceMatches(r: Resource, target: Target): boolean {
  if (r.kind !== undefined && !globMatch(r.kind.toLowerCase(), target.kind.toLowerCase())) {
    return false
  }
  if (r.namespaces !== undefined) {
    const ok = target.namespace
      ? anyGlob(r.namespaces, target.namespace)
      : r.namespaces.includes('*')
    if (!ok) return false
  }
  return r.names === undefined || anyGlob(r.names, target.name)
}

/** failedCondition says which condition does not hold, or undefined when all do. */
function failedCondition(c: Conditions, request: AccessRequest): string | undefined {
  if (c.severity && !(request.severity && c.severity.includes(request.severity))) {
    const have = request.severity ? `severity ${request.severity}` : 'no severity'
    return `${have} is not one of ${c.severity.join(', ')}`
  }
  const at = new Date(request.at)
  // getUTCDay() counts from Sunday; `days` from Monday.
  const day = days[(at.getUTCDay() + 6) % 7]!
  if (c.days && !c.days.includes(day)) return `${day} is not one of ${c.days.join(', ')}`
  if (c.hours) {
    const minute = at.getUTCHours() * 60 + at.getUTCMinutes()
    if (!withinHours(c.hours, minute)) {
      return `${clock(minute)} UTC is outside ${c.hours.from}–${c.hours.to} UTC`
    }
  }
  return undefined
}

/** withinHours tells whether a minute of the day lies in `[from, to)`, wrapping past midnight. */
export function withinHours(hours: { from: string; to: string }, minute: number): boolean {
  const from = minutes(hours.from)
  const to = minutes(hours.to)
  if (from === to) return true
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':')
  return Number(h) * 60 + Number(m)
}

function clock(minute: number): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`
}
