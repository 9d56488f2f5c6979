/**
 * Policies: one envelope (`apiVersion: vigil/v1`, `kind`, `metadata`, `spec`) for alert rules,
 * compliance, remediation and access policies, a zod schema per kind, stored versioned in the
 * database (every change keeps a version; deleting keeps the history), served at
 * `/api/v1/policies` and loaded read-only from YAML files. Subsystems read what applies with
 * `PolicyService.enabled(kind)`, hear of changes with `onChange`, and report how each policy
 * evaluated into `PolicyService.status` (shown by `GET /ui/policies` and the Policies page).
 */
export {
  apiVersion,
  metadataSchema,
  parsePolicy,
  pathText,
  validatePolicy,
  type Metadata,
  type Policy,
  type PolicyDocument,
  type PolicyIssue,
} from './envelope.ts'
export * from './kinds/index.ts'
export { readPolicies, type Problem, type ReadPolicy, type ReadResult } from './read.ts'
export { collect, fingerprint, readPolicyPaths, type Collected, type FileEntry } from './files.ts'
export { PolicyService, type Changed, type FilesState, type FileProblem } from './service.ts'
export { PolicyFileLoader, fileActor, problemText } from './runner.ts'
export {
  evalStatuses,
  initialStatus,
  PolicyStatusRegistry,
  type EvalStatus,
  type PolicyStatus,
  type StatusReport,
} from './status.ts'
export { policyRoutes, presentPolicy, presentVersion } from './routes.ts'
export { policyRows, type PolicyRow } from './summary.ts'
export * from './types.ts'
