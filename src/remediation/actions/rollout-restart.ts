/**
 * rollout_restart restarts every pod of a Deployment, StatefulSet or DaemonSet the way
 * `kubectl rollout restart` does: it stamps `kubectl.kubernetes.io/restartedAt` on the pod
 * template, and the controller rolls the pods. Verified when the rollout is complete.
 *
 * Impact: a rolling restart replaces all pods but takes down at most `maxUnavailable` at a time,
 * so the affected share is that (at least one pod, since a surge still replaces them one by
 * one); a Deployment with the Recreate strategy affects all of them.
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import { mustGet, refs, rolloutState, writeOptions, type WorkloadKind } from './cluster-objects.ts'
import { dnsSubdomain, namespace } from './params.ts'
import { waitFor } from './verification.ts'

const params = z.strictObject({
  namespace,
  kind: z
    .enum(['Deployment', 'StatefulSet', 'DaemonSet'], {
      error: 'must be Deployment, StatefulSet or DaemonSet',
    })
    .default('Deployment'),
  name: dnsSubdomain,
})

/** RolloutRestartParams name the workload to restart. */
export type RolloutRestartParams = z.output<typeof params>

/** restartedAtKey is the annotation `kubectl rollout restart` sets. */
export const restartedAtKey = 'kubectl.kubernetes.io/restartedAt'

/** RolloutOutput is what a rollout-starting action hands its verify: the generation it wrote. */
export interface RolloutOutput {
  generation: number | undefined
  dryRun: boolean
  /** The object as the server stored it (or would, on a dry run). */
  object?: KubeObject
}

/** podsOf is how many pods a workload runs (wants, for Deployments and StatefulSets). */
export function podsOf(workload: KubeObject): number {
  if (workload.kind === 'DaemonSet') {
    const status = workload.status as { desiredNumberScheduled?: number } | undefined
    return status?.desiredNumberScheduled ?? 0
  }
  return (workload.spec as { replicas?: number } | undefined)?.replicas ?? 1
}

/** maxUnavailableOf resolves a workload's rolling-update `maxUnavailable` to a pod count. */
export function maxUnavailableOf(workload: KubeObject, pods: number): number {
  const spec = (workload.spec ?? {}) as {
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } }
    updateStrategy?: { rollingUpdate?: { maxUnavailable?: number | string } }
  }
  if (spec.strategy?.type === 'Recreate') return pods
  const value =
    workload.kind === 'Deployment'
      ? (spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%')
      : (spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1)
  const count =
    typeof value === 'number' ? value : Math.floor((Number(value.replace('%', '')) / 100) * pods)
  return Math.min(pods, Math.max(1, count))
}

/** waitForRollout waits until a workload has rolled out at least `generation`. */
export async function waitForRollout(
  ctx: ActionContext,
  kind: WorkloadKind,
  ns: string,
  name: string,
  generation: number | undefined,
  timeoutMs: number,
): Promise<string> {
  await waitFor(
    ctx,
    async () => rolloutState(await mustGet(ctx, refs.workload(kind, ns), name, kind), generation),
    timeoutMs,
    `the rollout of ${kind} ${ns}/${name}`,
  )
  return `${kind} ${ns}/${name} rolled out`
}

/** rolloutRestart is the rollout_restart action. */
export const rolloutRestart: ActionDefinition<RolloutRestartParams> = {
  name: 'rollout_restart',
  summary: 'Restart every pod of a Deployment, StatefulSet or DaemonSet, rolling',
  params,
  timeoutMs: 10 * 60_000,
  target: (p) => ({ kind: p.kind, namespace: p.namespace, name: p.name }),

  async impact(ctx, p) {
    const workload = await mustGet(ctx, refs.workload(p.kind, p.namespace), p.name, p.kind)
    const total = podsOf(workload)
    return { unit: 'pods', affected: total === 0 ? 0 : maxUnavailableOf(workload, total), total }
  },

  async run(ctx, p) {
    const at = new Date(ctx.now()).toISOString()
    const patch = { spec: { template: { metadata: { annotations: { [restartedAtKey]: at } } } } }
    const object = await ctx.cluster.patch(refs.workload(p.kind, p.namespace), p.name, patch, {
      type: 'strategic',
      ...writeOptions(ctx),
    })
    const output: RolloutOutput = {
      generation: object.metadata.generation,
      dryRun: ctx.dryRun,
      ...(ctx.dryRun ? { object } : {}),
    }
    const verb = ctx.dryRun ? 'would restart' : 'restarted'
    return { message: `${verb} ${p.kind} ${p.namespace}/${p.name} (restartedAt ${at})`, output }
  },

  verify: (ctx, p, out, timeoutMs) =>
    waitForRollout(
      ctx,
      p.kind,
      p.namespace,
      p.name,
      (out.output as RolloutOutput).generation,
      timeoutMs,
    ),
}
