/**
 * What the "Propose remediation" buttons prefill: the fitting action and its params, read from an
 * incident's labels or a drift finding. Pure; the person edits the params before proposing.
 */
import type { StoredFinding } from '../drift/findings-store.ts'
import { parsePointer } from '../drift/pointer.ts'
import type { ActionName } from './types.ts'

/** Suggestion is an action and the params to start from. */
export interface Suggestion {
  action: ActionName
  params: Record<string, unknown>
  /** What the person should check or complete before proposing. */
  note?: string | undefined
}

/** suggestForIncident picks an action from the labels: a pod, a deployment, a node. */
export function suggestForIncident(labels: Record<string, string>): Suggestion {
  const namespace = labels.namespace ?? 'default'
  if (labels.pod) return { action: 'restart_pod', params: { namespace, pod: labels.pod } }
  if (labels.deployment)
    return {
      action: 'rollout_restart',
      params: { namespace, kind: 'Deployment', name: labels.deployment },
    }
  if (labels.node) return { action: 'cordon_node', params: { node: labels.node } }
  return {
    action: 'restart_pod',
    params: { namespace, pod: '' },
    note: 'The labels name no pod, deployment or node: fill in the params.',
  }
}

/** setAt writes `value` at a JSON pointer of `into`, making objects on the way; false for arrays. */
function setAt(into: Record<string, unknown>, path: string, value: unknown): boolean {
  const segments = parsePointer(path)
  if (segments.length === 0 || segments.some((s) => /^\d+$/.test(s))) return false
  let node = into
  for (const s of segments.slice(0, -1)) {
    const next = node[s]
    node[s] = next !== null && typeof next === 'object' ? next : {}
    node = node[s] as Record<string, unknown>
  }
  node[segments.at(-1)!] = value
  return true
}

/**
 * suggestForFinding proposes delete_unexpected for an object declared nowhere, and apply_manifest
 * otherwise. A stored finding keeps the differing fields, not the whole desired object, so the
 * manifest holds the object's identity and the desired values of the fields that differ (those
 * inside lists are left out); the note says so and where the full object is declared.
 */
export function suggestForFinding(f: StoredFinding): Suggestion {
  const r = f.resource
  const ns = r.namespace ?? undefined
  if (f.type === 'unexpected')
    return {
      action: 'delete_unexpected',
      params: { apiVersion: r.apiVersion, kind: r.kind, namespace: ns, name: r.name },
    }
  const manifest: Record<string, unknown> = {
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: { name: r.name, namespace: ns },
  }
  const skipped = f.diffs.filter((d) => d.desired === null || !setAt(manifest, d.path, d.desired))
  const where = f.source ? ` (declared in ${f.source.file}:${f.source.line})` : ''
  return {
    action: 'apply_manifest',
    params: { manifest },
    note:
      `The finding keeps only the fields that differ, not the whole desired object${where}: ` +
      `check the manifest before proposing` +
      (skipped.length ? `; left out: ${skipped.map((d) => d.path).join(', ')}.` : '.'),
  }
}
