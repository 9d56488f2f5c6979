/**
 * Scalar equality the way the API server sees it: quantities by amount (`500m` = `0.5`), int-or-string
 * fields by their text (`8080` = `"8080"`), Secret data by its decoded bytes. Also the pruning of what
 * a manifest declares without meaning it (nulls, empty maps and lists, status, server metadata).
 */
import { Buffer } from 'node:buffer'
import { record } from './identity.ts'
import { quantitiesEqual } from './quantity.ts'

// Maps whose values are quantities, and fields that are quantities themselves.
const quantityMaps = new Set([
  'limits',
  'requests',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
])
const quantityFields = new Set(['sizeLimit', 'storage'])
const intOrString = new Set(['targetPort', 'port', 'maxSurge', 'maxUnavailable', 'minAvailable'])

/** REDACTED stands in for a Secret value in every diff. */
export const REDACTED = '<redacted>'

/** scalarsEqual compares two scalars found at `path` (pointer segments). */
export function scalarsEqual(desired: unknown, live: unknown, path: readonly string[]): boolean {
  if (desired === live) return true
  const key = path[path.length - 1] ?? ''
  const parent = path[path.length - 2] ?? ''
  if ((quantityMaps.has(parent) || quantityFields.has(key)) && quantitiesEqual(desired, live)) {
    return true
  }
  if (intOrString.has(key) && isIntLike(desired) && isIntLike(live)) {
    return String(desired) === String(live)
  }
  return false
}

function isIntLike(v: unknown): boolean {
  return (
    (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d+$/.test(v))
  )
}

/** base64Equal compares two base64 strings by the bytes they encode. */
export function base64Equal(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b
  return Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64'))
}

/** redact replaces every value of a Secret's data, keeping the keys of a map. */
export function redact(value: unknown): unknown {
  if (value === null || value === undefined) return null
  const obj = record(value)
  if (obj) return Object.fromEntries(Object.keys(obj).map((k) => [k, REDACTED]))
  return REDACTED
}

/** serverMetadata are the metadata fields the API server writes: never compared. */
export const serverMetadata = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
])

/** serverAnnotations are the annotations tools and controllers write: never compared. */
export const serverAnnotations = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
])

/** declared returns what a manifest declares: no status, server metadata, nulls or empty values. */
export function declared(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, apiVersion: _v, kind: _k, ...rest } = object
  const metadata = record(rest.metadata)
  if (metadata) {
    // Name and namespace matched already (a namespace on a cluster-scoped object means nothing).
    const kept = Object.entries(metadata).filter(
      ([k]) => !serverMetadata.has(k) && k !== 'name' && k !== 'namespace',
    )
    const copy: Record<string, unknown> = Object.fromEntries(kept)
    const annotations = record(copy.annotations)
    if (annotations) {
      copy.annotations = Object.fromEntries(
        Object.entries(annotations).filter(([k]) => !serverAnnotations.has(k)),
      )
    }
    rest.metadata = copy
  }
  return (prune(rest) as Record<string, unknown> | undefined) ?? {}
}

// An empty map that selects something (a volume's source) means more than its absence.
const keepEmpty = new Set(['emptyDir'])

/** prune drops nulls and empty maps and lists, which the API server does not keep either. */
function prune(value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) {
    // Items keep their place (diff paths index the manifest's list) even when empty.
    return value.length > 0 ? value.map((v) => prune(v) ?? v) : undefined
  }
  const obj = record(value)
  if (!obj) return value
  const entries = Object.entries(obj)
    .map(([k, v]) => [k, keepEmpty.has(k) && record(v) ? v : prune(v)] as const)
    .filter(([, v]) => v !== undefined)
  return entries.length > 0 ? Object.fromEntries(entries) : undefined
}
