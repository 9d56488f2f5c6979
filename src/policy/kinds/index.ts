/**
 * The registry of policy kinds: each with its zod spec schema and a one-line summary. Adding a kind
 * means a schema file here, an entry in `policyKinds` and in `kinds` (the compiler insists), and a
 * README example.
 */
import type { z } from 'zod'
import { compliancePolicySchema } from '../../drift/compliance/schema.ts'
import { accessPolicySpec } from './access-policy.ts'
import { alertRuleSpec } from './alert-rule.ts'
import { remediationPolicySpec } from './remediation-policy.ts'

/** policyKinds are the kinds of policy, in the order pages list them. */
export const policyKinds = [
  'AlertRule',
  'CompliancePolicy',
  'RemediationPolicy',
  'AccessPolicy',
] as const

/** PolicyKind is one of policyKinds. */
export type PolicyKind = (typeof policyKinds)[number]

/** KindDef is what the store needs to know about a kind. */
export interface KindDef {
  spec: z.ZodType
  summary: string
}

/** kinds maps each kind to its definition. */
export const kinds = {
  AlertRule: {
    spec: alertRuleSpec,
    summary: 'a condition over metrics, logs, anomalies, drift or events that opens incidents',
  },
  // The drift core owns this schema; the envelope around it is the store's.
  CompliancePolicy: {
    spec: compliancePolicySchema.shape.spec,
    summary: 'checks over manifests and live objects that produce findings',
  },
  RemediationPolicy: {
    spec: remediationPolicySpec,
    summary: 'which incidents lead to which action, automatically or after approval',
  },
  AccessPolicy: {
    spec: accessPolicySpec,
    summary: 'who may run which actions on which resources; deny wins',
  },
} satisfies Record<PolicyKind, KindDef>

/** SpecOf is the parsed spec of a kind. */
export type SpecOf<K extends PolicyKind> = z.output<(typeof kinds)[K]['spec']>

/** isPolicyKind tells whether a string names a kind. */
export function isPolicyKind(value: string): value is PolicyKind {
  return (policyKinds as readonly string[]).includes(value)
}

/** kindNamed finds a kind by its name in any case (`alertrule` is AlertRule), for URLs. */
export function kindNamed(value: string): PolicyKind | undefined {
  const lower = value.toLowerCase()
  return policyKinds.find((k) => k.toLowerCase() === lower)
}

export { actionNames, type ActionName } from './remediation-policy.ts'
export { conditionKeys, conditionOf, type ConditionKind } from './alert-rule.ts'
export type { AlertRuleSpec } from './alert-rule.ts'
export type { RemediationPolicySpec } from './remediation-policy.ts'
export type { AccessPolicySpec } from './access-policy.ts'
