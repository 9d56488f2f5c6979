/**
 * Field ownership from live `metadata.managedFields` (the `FieldsV1` format: `f:<field>`,
 * `k:<json key of a list item>`, `v:<json value of a set item>`, `i:<index>`, `.` for the node
 * itself). A difference in a field that only managers other than the appliers own (an HPA's
 * `kube-controller-manager` owning `f:spec.f:replicas`) is owned elsewhere, not drift.
 */
import { record } from './identity.ts'
import { globMatch } from './pointer.ts'
import type { KubeObject } from './types.ts'

/** FieldTree is a parsed FieldsV1 set: a node per field, `{}` when the field is owned as a whole. */
export type FieldTree = { [key: string]: FieldTree }

/** ManagedFields is one live managedFields entry. */
export interface ManagedFields {
  manager: string
  operation: string
  subresource: string | undefined
  fields: FieldTree
}

/** FieldSegment is one step of a path through live data: a field, or a list item (with its index). */
export type FieldSegment = { field: string } | { item: unknown; index: number }

/** defaultAppliers are the managers that apply manifests or edit by hand: their fields are drift. */
export const defaultAppliers: readonly string[] = [
  'kubectl*',
  'vigil*',
  'argocd*',
  'helm*',
  'kustomize-controller',
  'flux*',
  'before-first-apply',
]

/** managedFields parses the managedFields of a live object; malformed entries are skipped. */
export function managedFields(live: KubeObject): ManagedFields[] {
  const entries = record(live.metadata)?.managedFields
  if (!Array.isArray(entries)) return []
  return entries.flatMap((e) => {
    const entry = record(e)
    if (!entry || typeof entry.manager !== 'string' || entry.fieldsType !== 'FieldsV1') return []
    const fields = fieldTree(entry.fieldsV1)
    if (!fields) return []
    const subresource = typeof entry.subresource === 'string' ? entry.subresource : undefined
    return [
      { manager: entry.manager, operation: String(entry.operation ?? ''), subresource, fields },
    ]
  })
}

/** fieldTree checks that a value is a FieldsV1 tree (objects all the way down). */
function fieldTree(value: unknown): FieldTree | undefined {
  const obj = record(value)
  if (!obj) return undefined
  for (const child of Object.values(obj)) if (!fieldTree(child)) return undefined
  return obj as FieldTree
}

/** owns is true when the tree holds the path, or a parent of it as a whole. */
export function owns(tree: FieldTree, path: readonly FieldSegment[]): boolean {
  let node = tree
  for (const seg of path) {
    const child = childFor(node, seg)
    if (!child) return false
    if (Object.keys(child).length === 0) return true
    node = child
  }
  return true
}

function childFor(node: FieldTree, seg: FieldSegment): FieldTree | undefined {
  if ('field' in seg) return node[`f:${seg.field}`]
  for (const [key, child] of Object.entries(node)) {
    if (key === `i:${seg.index}`) return child
    if (key.startsWith('v:') && sameJson(key.slice(2), seg.item)) return child
    if (key.startsWith('k:') && keyMatches(key.slice(2), seg.item)) return child
  }
  return undefined
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function sameJson(text: string, value: unknown): boolean {
  return JSON.stringify(parseJson(text)) === JSON.stringify(value)
}

/** keyMatches is true when every field of the `k:` key has the item's value (numbers loosely). */
function keyMatches(text: string, item: unknown): boolean {
  const key = record(parseJson(text))
  const obj = record(item)
  if (!key || !obj) return false
  return Object.entries(key).every(([k, v]) => String(obj[k] ?? defaultKeyValue(k)) === String(v))
}

// The API server keys ports by protocol too, but does not write a defaulted one back into an item.
function defaultKeyValue(field: string): unknown {
  return field === 'protocol' ? 'TCP' : undefined
}

/** otherOwners lists the managers that own the path when none of the appliers does; else []. */
export function otherOwners(
  entries: readonly ManagedFields[],
  path: readonly FieldSegment[],
  appliers: readonly string[] = defaultAppliers,
): string[] {
  const owners = entries.filter((e) => owns(e.fields, path)).map((e) => e.manager)
  if (owners.some((m) => appliers.some((a) => globMatch(a, m)))) return []
  return [...new Set(owners)]
}
