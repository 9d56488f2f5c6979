/**
 * The CompliancePolicy envelope (DESIGN.md, Policies): `apiVersion: vigil/v1`, `kind`, `metadata`,
 * and a spec of rules. A rule is a built-in check named by id, or a user rule: which objects it
 * matches (kinds, namespaces, a label selector) and the field condition they must meet.
 *
 * ```yaml
 * apiVersion: vigil/v1
 * kind: CompliancePolicy
 * metadata: { name: baseline }
 * spec:
 *   match: { namespaces: [shop, team-*] }          # optional, for every rule
 *   rules:
 *     - builtin: image-latest                      # a built-in check, severity optional
 *     - name: team-label
 *       severity: low
 *       match: { kinds: [Deployment], selector: { matchLabels: { tier: web } } }
 *       require: { path: /metadata/labels/team, op: exists }
 *     - name: registry
 *       severity: high
 *       root: podSpec                              # the path starts at the pod spec of any workload
 *       require: { path: /containers/*\/image, op: matches, value: '^registry\.example\.com/' }
 * ```
 */
import { z } from 'zod'
import { ValidationError } from '../../errors.ts'
import { labelSelectorSchema } from '../selector.ts'
import { severities } from '../types.ts'

/** builtinIds are the ids of the built-in checks. */
export const builtinIds = [
  'image-latest',
  'privileged',
  'privilege-escalation',
  'resource-limits',
  'probes',
  'host-path',
  'run-as-root',
] as const

/** BuiltinId is one of builtinIds. */
export type BuiltinId = (typeof builtinIds)[number]

/** operators are the ways a user rule tests the values at its path. */
export const operators = [
  'exists',
  'notExists',
  'equals',
  'notEquals',
  'matches',
  'in',
  'notIn',
] as const

const name = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error: 'must be lower case letters, digits, - and .',
  })
const glob = z.string().min(1).max(253)

/** matchSchema says which objects a policy or rule applies to; absent fields match everything. */
export const matchSchema = z.strictObject({
  kinds: z.array(glob).max(50).optional(),
  namespaces: z.array(glob).max(100).optional(),
  selector: labelSelectorSchema.optional(),
})

const json = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()])

/** conditionSchema is a field condition: a pointer (`*` for every item) and what must hold there. */
export const conditionSchema = z
  .strictObject({
    path: z
      .string()
      .max(1024)
      .regex(/^(\/[^/]*)+$/, { error: 'must be a JSON pointer such as /spec/replicas' }),
    op: z.enum(operators),
    value: json.optional(),
    values: z.array(json).min(1).max(100).optional(),
  })
  .superRefine((c, ctx) => {
    const need = (field: 'value' | 'values') =>
      c[field] === undefined &&
      ctx.addIssue({ code: 'custom', path: [field], message: `op ${c.op} needs ${field}` })
    if (c.op === 'equals' || c.op === 'notEquals' || c.op === 'matches') need('value')
    if (c.op === 'in' || c.op === 'notIn') need('values')
    if (c.op === 'matches') {
      try {
        new RegExp(String(c.value))
      } catch {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a regular expression' })
      }
    }
  })

const severity = z.enum(severities)

/** builtinRuleSchema turns on one built-in check. */
export const builtinRuleSchema = z.strictObject({
  builtin: z.enum(builtinIds),
  severity: severity.optional(),
  match: matchSchema.optional(),
})

/** userRuleSchema is a rule of the user's: a condition every matched object must meet. */
export const userRuleSchema = z.strictObject({
  name,
  severity,
  match: matchSchema.optional(),
  // `object`: the path starts at the object; `podSpec`: at the pod spec of a Pod or workload.
  // (Not named `on`: YAML 1.1, which Kubernetes speaks, reads that key as true.)
  root: z.enum(['object', 'podSpec']).default('object'),
  require: conditionSchema,
  message: z.string().max(500).optional(),
})

/** compliancePolicySchema validates a whole CompliancePolicy. */
export const compliancePolicySchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('CompliancePolicy'),
  metadata: z.strictObject({
    name,
    labels: z.record(z.string().max(317), z.string().max(63)).optional(),
  }),
  spec: z.strictObject({
    match: matchSchema.optional(),
    rules: z
      .array(z.union([builtinRuleSchema, userRuleSchema]))
      .min(1)
      .max(200),
  }),
})

/** CompliancePolicy is a parsed compliance policy. */
export type CompliancePolicy = z.infer<typeof compliancePolicySchema>
/** Match is a parsed match block. */
export type Match = z.infer<typeof matchSchema>
/** Condition is a parsed field condition. */
export type Condition = z.infer<typeof conditionSchema>
/** UserRule is a parsed user rule. */
export type UserRule = z.infer<typeof userRuleSchema>
/** BuiltinRule is a parsed built-in rule. */
export type BuiltinRule = z.infer<typeof builtinRuleSchema>

/** parseCompliancePolicy validates a policy document; it throws ValidationError listing each problem. */
export function parseCompliancePolicy(input: unknown): CompliancePolicy {
  const result = compliancePolicySchema.safeParse(input)
  if (result.success) return result.data
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  throw new ValidationError(
    `invalid CompliancePolicy: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { details: issues },
  )
}

/** defaultCompliancePolicy turns on every built-in check with its own severity. */
export const defaultCompliancePolicy: CompliancePolicy = {
  apiVersion: 'vigil/v1',
  kind: 'CompliancePolicy',
  metadata: { name: 'builtin' },
  spec: { rules: builtinIds.map((id) => ({ builtin: id })) },
}
