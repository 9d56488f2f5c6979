/** Plain types of the drift engine: manifests, resource identities, findings and their diffs. */

/** KubeObject is a Kubernetes object as plain JSON, the way the API server returns it. */
export type KubeObject = Record<string, unknown>

/** Source says where a desired object was declared: the file and the 1-based line of its document. */
export interface Source {
  file: string
  line: number
}

/** Manifest is one desired object and where it was declared. */
export interface Manifest {
  object: KubeObject
  source: Source
}

/** ResourceId identifies one object: `group` is '' for the core API, `namespace` is null when cluster-scoped. */
export interface ResourceId {
  group: string
  version: string
  kind: string
  namespace: string | null
  name: string
}

/** ResourceRef is how a finding names its object, in the shape `vigil drift check --output json` prints. */
export interface ResourceRef {
  apiVersion: string
  kind: string
  namespace: string | null
  name: string
}

/** KindInfo is what discovery says about a kind: whether its objects live in a namespace. */
export interface KindInfo {
  group: string
  kind: string
  namespaced: boolean
}

/** severities are the severities of findings and violations, least severe first. */
export const severities = ['low', 'medium', 'high', 'critical'] as const

/** Severity is one of severities. */
export type Severity = (typeof severities)[number]

/** findingTypes are the three kinds of drift. */
export const findingTypes = ['missing', 'mismatch', 'unexpected'] as const

/** FindingType is one of findingTypes. */
export type FindingType = (typeof findingTypes)[number]

/** DiffReason says why a difference counts as drift. */
export type DiffReason =
  'value differs' | 'type differs' | 'missing in live' | 'list item missing' | 'list differs'

/** Diff is one drifted path: a JSON pointer into the desired object, both values and the reason. */
export interface Diff {
  path: string
  /** The declared value; null when the manifest declares none. Secret values are redacted. */
  desired: unknown
  /** The live value; null when the live object has none. Secret values are redacted. */
  live: unknown
  reason: DiffReason
}

/** OwnedElsewhere is a difference in a field another field manager owns: reported, not drift. */
export interface OwnedElsewhere {
  path: string
  desired: unknown
  live: unknown
  managers: string[]
}

/** Finding is one drifted resource, as `vigil drift check --output json` prints it. */
export interface Finding {
  /** key is stable across scans for the same drift on the same resource (for de-duplication). */
  key: string
  type: FindingType
  severity: Severity
  resource: ResourceRef
  /** What differs (mismatch only; empty for missing and unexpected). */
  diffs: Diff[]
  /** Differences in fields other managers own (mismatch only). */
  ownedElsewhere: OwnedElsewhere[]
  /** The revision of the desired state (a git commit) the finding was computed against. */
  revision: string | null
  /** Where the desired object was declared (null for unexpected). */
  source: Source | null
}
