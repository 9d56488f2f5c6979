/**
 * The AccessPolicy spec: who (roles, users, token names, automatic policies) may do which actions
 * on which resources (kind, namespace globs, names), under which conditions; `allow` or `deny`.
 * Deny wins and nothing is allowed without a matching allow (the evaluator's rule).
 *
 * ```yaml
 * spec:
 *   subjects: [{policy: "*"}, {role: operator}]
 *   actions: [restart_pod, rollout_restart]
 *   resources: [{kind: Pod, namespaces: ["prod", "prod-*"]}]
 *   conditions: {severity: [high, critical], hours: {from: "08:00", to: "20:00"}}
 *   effect: allow
 * ```
 */
import { z } from 'zod'
import { roles } from '../../auth/permissions.ts'
import { glob, list, oneOrMany, ref, severity, strict } from './fields.ts'
import { actionNames } from './remediation-policy.ts'

const subjectKeys = ['role', 'user', 'token', 'policy'] as const

/** subject is one of `{role}`, `{user}`, `{token}` or `{policy}` (`*` for any). */
export const subject = strict({
  role: z.enum([...roles, '*'], { error: `must be one of ${roles.join(', ')} or *` }).optional(),
  user: ref.optional(),
  token: ref.optional(),
  policy: ref.optional(),
}).refine((s) => subjectKeys.filter((k) => s[k] !== undefined).length === 1, {
  error: `needs exactly one of ${subjectKeys.join(', ')}`,
})

const actionOrAny = z.enum([...actionNames, '*'], {
  error: `must be one of ${actionNames.join(', ')} or *`,
})

/** resource says which objects: a kind (or `*`), namespace globs and name globs; absent is any. */
export const resource = strict({
  kind: glob.optional(),
  namespaces: list(glob, 1, 100).optional(),
  names: list(glob, 1, 100).optional(),
})

const clock = z
  .string({ error: 'must be a time of day such as 08:00' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day HH:MM (00:00 to 23:59)' })

/** days are the days of the week a condition names. */
export const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

const conditions = strict({
  severity: oneOrMany(severity, 4).optional(),
  days: list(z.enum(days, { error: `must be one of ${days.join(', ')}` }), 1, 7).optional(),
  /** A window of the day in UTC; `from` after `to` wraps past midnight. */
  hours: strict({ from: clock, to: clock }).optional(),
})

/** accessPolicySpec validates the spec of an AccessPolicy. */
export const accessPolicySpec = strict({
  subjects: list(subject, 1, 100),
  actions: list(actionOrAny, 1, 50),
  resources: list(resource, 1, 100),
  conditions: conditions.optional(),
  effect: z.enum(['allow', 'deny'], { error: 'must be allow or deny' }),
})

/** AccessPolicySpec is a parsed AccessPolicy spec. */
export type AccessPolicySpec = z.output<typeof accessPolicySpec>
