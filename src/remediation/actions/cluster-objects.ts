/**
 * What several actions read of the cluster: collection refs, getting an object or failing with
 * NotFound, the write options of a context, pod readiness and ownership, and whether a
 * workload's rollout is complete (as `kubectl rollout status` decides).
 */
import { KubeApiError } from '../../k8s/errors.ts'
import type { KubeObject, ResourceRef, WriteOptions } from '../../k8s/types.ts'
import type { ActionContext } from '../types.ts'
import type { CheckResult } from './verification.ts'

/** WorkloadKind is a kind whose pods roll out from a template. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet'

/** refs are the collections the actions use. */
export const refs = {
  pods: (namespace?: string): ResourceRef => ({
    group: '',
    version: 'v1',
    resource: 'pods',
    namespace,
  }),
  nodes: (): ResourceRef => ({ group: '', version: 'v1', resource: 'nodes' }),
  replicaSets: (namespace: string): ResourceRef => ({
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    namespace,
  }),
  workload: (kind: WorkloadKind | 'ReplicaSet', namespace: string): ResourceRef => ({
    group: 'apps',
    version: 'v1',
    resource: `${kind.toLowerCase()}s`,
    namespace,
  }),
}

/** writeOptions are what every mutation of an action sends: its dry run and field manager. */
export function writeOptions(ctx: ActionContext): WriteOptions {
  return { dryRun: ctx.dryRun, fieldManager: ctx.fieldManager }
}

/** mustGet returns an object, or throws a NotFound KubeApiError that names it. */
export async function mustGet(
  ctx: ActionContext,
  ref: ResourceRef,
  name: string,
  kind: string,
): Promise<KubeObject> {
  const found = await ctx.cluster.get(ref, name)
  if (found) return found
  const where = ref.namespace ? `${ref.namespace}/${name}` : name
  throw new KubeApiError(`${kind} ${where} not found`, { statusCode: 404, reason: 'NotFound' })
}

/** isPodReady tells whether a pod has the Ready condition set to True. */
export function isPodReady(pod: KubeObject): boolean {
  const status = pod.status as { conditions?: { type: string; status: string }[] } | undefined
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

/** Owner is the controller of an object, from its ownerReferences. */
export type Owner = { apiVersion: string; kind: string; name: string; uid: string }

/** controllerOf returns the owner marked `controller: true` (or the only owner), if any. */
export function controllerOf(object: KubeObject): Owner | undefined {
  const owners = (object.metadata.ownerReferences ?? []) as (Owner & { controller?: boolean })[]
  const owner = owners.find((o) => o.controller) ?? (owners.length === 1 ? owners[0] : undefined)
  return (
    owner && { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid }
  )
}

/** isOwnedBy tells whether an object lists the uid among its owners. */
export function isOwnedBy(object: KubeObject, uid: string): boolean {
  return (object.metadata.ownerReferences ?? []).some((o) => o.uid === uid)
}

type Num = number | undefined

/** rolloutState is `true` when a workload runs its current template everywhere, or what it lacks. */
export function rolloutState(object: KubeObject, minGeneration = 0): CheckResult {
  const generation = Math.max(object.metadata.generation ?? 0, minGeneration)
  const status = (object.status ?? {}) as Record<string, Num>
  const observed = status.observedGeneration ?? 0
  if (observed < generation)
    return `generation ${generation} not observed yet (observed ${observed})`
  if (object.kind === 'DaemonSet') {
    const desired = status.desiredNumberScheduled ?? 0
    const updated = status.updatedNumberScheduled ?? 0
    const available = status.numberAvailable ?? 0
    if (updated === desired && available === desired) return true
    return `${updated}/${desired} pods updated, ${available}/${desired} available`
  }
  const replicas = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1
  const updated = status.updatedReplicas ?? 0
  const ready = status.readyReplicas ?? 0
  const available = status.availableReplicas ?? 0
  const total = status.replicas ?? 0
  if (object.kind === 'Deployment' && total > updated)
    return `${total - updated} old replica(s) pending termination`
  if (updated === replicas && ready === replicas && available === replicas) return true
  return `${updated}/${replicas} replicas updated, ${ready}/${replicas} ready, ${available}/${replicas} available`
}
