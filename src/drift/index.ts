/**
 * Drift: what git says the cluster should be, compared with what it is. Manifests are parsed from
 * multi-document YAML with the file and line of each object (loadManifests reads directories);
 * diff(desired, live, options) returns the findings — `missing`, `mismatch` with a diff per path,
 * `unexpected` — comparing only declared fields, with defaults, quantities, int-or-string, keyed
 * lists, Secret data, ignore rules and field ownership taken into account. Compliance checks
 * (kind CompliancePolicy) evaluate built-in and user rules over the same objects. All of it is pure
 * except manifest-load.ts.
 */
export { diff, defaultSeverities, findingKey, type DiffOptions } from './diff.ts'
export { compareObject, type Comparison, type CompareOptions } from './compare.ts'
export { withDefaults, imagePullPolicyFor } from './defaults.ts'
export {
  clusterScopedKinds,
  matchKey,
  resourceId,
  resourceRef,
  Scopes,
  splitApiVersion,
  type IdentityOptions,
} from './identity.ts'
export { ignoreRuleSchema, type IgnoreRule } from './ignore.ts'
export {
  defaultAppliers,
  managedFields,
  otherOwners,
  owns,
  type FieldSegment,
  type FieldTree,
  type ManagedFields,
} from './managed-fields.ts'
export { loadManifests, manifestFiles } from './manifest-load.ts'
export {
  ManifestError,
  parseManifests,
  yamlOptions,
  type ManifestProblem,
} from './manifest-parse.ts'
export { compareQuantities, parseQuantity, quantitiesEqual, type Quantity } from './quantity.ts'
export { labelSelectorSchema, selectorMatches, type LabelSelector } from './selector.ts'
export { builtIn as neverUnexpectedRules, type Scope } from './unexpected.ts'
export { REDACTED } from './values.ts'
export * from './types.ts'
export { builtins, type Builtin, type Hit, type PodTarget } from './compliance/builtins.ts'
export { describe as describeCondition, failures, holds, locate } from './compliance/conditions.ts'
export { checkCompliance, matches, type Violation } from './compliance/evaluate.ts'
export {
  builtinIds,
  compliancePolicySchema,
  conditionSchema,
  defaultCompliancePolicy,
  matchSchema,
  operators,
  parseCompliancePolicy,
  type BuiltinId,
  type BuiltinRule,
  type CompliancePolicy,
  type Condition,
  type Match,
  type UserRule,
} from './compliance/schema.ts'
export { podSpecOf, podSpecPaths } from './pod-spec.ts'
export { driftSettingsSchema, scopeSchema, type DriftSettings } from './settings.ts'
