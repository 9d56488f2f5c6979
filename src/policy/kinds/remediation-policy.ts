/**
 * The RemediationPolicy spec: which incidents (rule, severity, labels) lead to which action with
 * which parameters, automatically or after approval, within limits and namespaces. One action
 * (`action` + `params`) or several `steps` that escalate (`after`: if the incident fires again
 * within that time). The parsed spec always has `steps`.
 *
 * ```yaml
 * spec:
 *   match: {rule: pod-crash-looping, severity: [high, critical]}
 *   mode: auto
 *   steps:
 *     - action: restart_pod
 *       params: {namespace: "{{ $labels.namespace }}", pod: "{{ $labels.pod }}"}
 *     - action: rollback_deployment
 *       after: 10m
 *       params: {namespace: "{{ $labels.namespace }}", deployment: "{{ $labels.deployment }}"}
 *   limits: {max_per_hour: 5}
 *   namespaces: {allow: [prod-*], deny: [kube-system]}
 * ```
 */
import { z } from 'zod'
import {
  bounded,
  duration,
  glob,
  labels,
  list,
  oneOrMany,
  ref,
  severity,
  strict,
  template,
} from './fields.ts'

/** actionNames are the remediation actions a policy may name (issue 9's registry). */
export const actionNames = [
  'restart_pod',
  'rollout_restart',
  'scale_deployment',
  'rollback_deployment',
  'apply_manifest',
  'delete_unexpected',
  'cordon_node',
  'uncordon_node',
  'drain_node',
  'run_command',
] as const

/** ActionName is one of actionNames. */
export type ActionName = (typeof actionNames)[number]

/** action is the name of a remediation action. */
export const action = z.enum(actionNames, { error: `must be one of ${actionNames.join(', ')}` })

const param = z.union([template, z.number(), z.boolean()], {
  error: 'must be a string (templates allowed), a number or true/false',
})

/** params are an action's parameters; strings may use `{{ $labels.x }}`; the action checks them. */
export const params = bounded(z.string().min(1).max(64), param, 30)

const step = strict({
  action,
  params: params.default({}),
  after: duration(0, 7 * 86_400_000).optional(),
})

/** incidentMatch says which incidents a policy acts on; every field given must hold. */
export const incidentMatch = strict({
  rule: oneOrMany(ref, 50).optional(),
  severity: oneOrMany(severity, 4).optional(),
  labels: labels.optional(),
}).refine((m) => m.rule || m.severity || m.labels, {
  error: 'needs at least one of rule, severity, labels (a policy never matches every incident)',
})

const count = (max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(0)
    .max(max)

const limits = strict({
  max_per_hour: count(10_000).optional(),
  max_per_target_per_hour: count(1000).optional(),
  replicas: strict({ min: count(10_000).optional(), max: count(10_000).optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      error: 'min must not be above max',
    })
    .optional(),
})

/** remediationPolicySpec validates the spec of a RemediationPolicy. */
export const remediationPolicySpec = strict({
  match: incidentMatch,
  action: action.optional(),
  params: params.optional(),
  steps: list(step, 1, 10).optional(),
  mode: z.enum(['auto', 'approval'], { error: 'must be auto or approval' }).default('approval'),
  limits: limits.default({}),
  namespaces: strict({
    allow: list(glob, 1, 100).optional(),
    deny: list(glob, 1, 100).optional(),
  }).default({}),
})
  .superRefine((spec, ctx) => {
    if ((spec.action === undefined) === (spec.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: spec.action ? ['steps'] : [],
        message: 'needs exactly one of action (with params) or steps',
      })
    }
    if (spec.params !== undefined && spec.action === undefined) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: 'params go with action' })
    }
  })
  .transform(({ action, params, steps, ...rest }) => ({
    ...rest,
    steps: steps ?? [{ action: action!, params: params ?? {}, after: undefined }],
  }))

/** RemediationPolicySpec is a parsed RemediationPolicy spec. */
export type RemediationPolicySpec = z.output<typeof remediationPolicySpec>
