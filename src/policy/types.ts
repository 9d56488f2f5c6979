/** Plain types of the policy store. */
import type { ActorType } from '../audit/types.ts'
import type { PolicyDocument } from './envelope.ts'
import type { PolicyKind } from './kinds/index.ts'

/** PolicySource says where a policy came from: the API (editable) or a file (read-only). */
export type PolicySource = 'api' | 'file'

/** changeTypes are the changes a version records. */
export const changeTypes = ['created', 'updated', 'enabled', 'disabled', 'deleted'] as const

/** ChangeType is one of changeTypes. */
export type ChangeType = (typeof changeTypes)[number]

/** StoredPolicy is the current version of a policy. */
export interface StoredPolicy {
  kind: PolicyKind
  name: string
  version: number
  enabled: boolean
  source: PolicySource
  /** The file it was loaded from, for source `file`. */
  file: string | null
  document: PolicyDocument
  createdAt: number
  createdBy: string
  updatedAt: number
  updatedBy: string
}

/** PolicyVersion is one kept version: the state right after a change. */
export interface PolicyVersion {
  kind: PolicyKind
  name: string
  version: number
  change: ChangeType
  enabled: boolean
  source: PolicySource
  file: string | null
  document: PolicyDocument
  changedBy: string
  changedByType: ActorType
  changedAt: number
}

/** Actor is who makes a change: a user, a token, or the system (file loading). */
export interface Actor {
  name: string
  type: ActorType
}

/** PolicyFilter selects policies for a list. */
export interface PolicyFilter {
  kind?: PolicyKind | undefined
  enabled?: boolean | undefined
  source?: PolicySource | undefined
}

/** PolicyChange is what the service tells listeners after a change is committed. */
export interface PolicyChange {
  kind: PolicyKind
  name: string
  change: ChangeType
  version: number
}
