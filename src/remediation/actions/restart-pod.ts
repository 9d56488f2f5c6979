/**
 * restart_pod deletes a pod so that its controller makes a new one. Verified when the pod is gone
 * (or came back under a new uid, as a StatefulSet's does) and the owner has as many Ready pods as
 * it wants.
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import {
  controllerOf,
  isOwnedBy,
  isPodReady,
  mustGet,
  refs,
  writeOptions,
  type Owner,
} from './cluster-objects.ts'
import { dnsSubdomain, namespace } from './params.ts'
import { waitFor } from './verification.ts'

const params = z.strictObject({ namespace, pod: dnsSubdomain })

/** RestartPodParams name the pod to restart. */
export type RestartPodParams = z.output<typeof params>

/** RestartPodOutput is what verify needs: the deleted pod's uid and its owner. */
export interface RestartPodOutput {
  uid: string | undefined
  owner: Owner | undefined
  dryRun: boolean
}

const replicaOwners = new Set(['ReplicaSet', 'StatefulSet'])

async function ownerPods(ctx: ActionContext, ns: string, owner: Owner): Promise<KubeObject[]> {
  const { items } = await ctx.cluster.list(refs.pods(ns))
  return items.filter((p) => isOwnedBy(p, owner.uid))
}

/** restartPod is the restart_pod action. */
export const restartPod: ActionDefinition<RestartPodParams> = {
  name: 'restart_pod',
  summary: 'Delete a pod so that its controller replaces it',
  params,
  timeoutMs: 5 * 60_000,
  target: (p) => ({ kind: 'Pod', namespace: p.namespace, name: p.pod }),

  async impact(ctx, p) {
    const pod = await mustGet(ctx, refs.pods(p.namespace), p.pod, 'pod')
    const owner = controllerOf(pod)
    if (!owner || !replicaOwners.has(owner.kind)) return { unit: 'pods', affected: 1, total: 1 }
    const pods = await ownerPods(ctx, p.namespace, owner)
    return { unit: 'pods', affected: 1, total: Math.max(1, pods.length) }
  },

  async run(ctx, p) {
    const pod = await mustGet(ctx, refs.pods(p.namespace), p.pod, 'pod')
    await ctx.cluster.delete(refs.pods(p.namespace), p.pod, writeOptions(ctx))
    const output: RestartPodOutput = {
      uid: pod.metadata.uid,
      owner: controllerOf(pod),
      dryRun: ctx.dryRun,
    }
    const verb = ctx.dryRun ? 'would delete' : 'deleted'
    return { message: `${verb} pod ${p.namespace}/${p.pod}`, output }
  },

  async verify(ctx, p, out, timeoutMs) {
    const { uid, owner } = out.output as RestartPodOutput
    const what = `pod ${p.namespace}/${p.pod} replaced`
    let summary = `pod ${p.namespace}/${p.pod} is gone`
    await waitFor(
      ctx,
      async () => {
        const live = await ctx.cluster.get(refs.pods(p.namespace), p.pod)
        if (live && live.metadata.uid === uid) return 'the old pod is still there'
        if (!owner || !replicaOwners.has(owner.kind)) return true
        const controller = await ctx.cluster.get(
          refs.workload(owner.kind as 'ReplicaSet', p.namespace),
          owner.name,
        )
        if (!controller) return true
        const desired = (controller.spec as { replicas?: number } | undefined)?.replicas ?? 1
        const ready = (await ownerPods(ctx, p.namespace, owner)).filter(
          (pod) => pod.metadata.uid !== uid && isPodReady(pod),
        ).length
        summary = `${owner.kind} ${owner.name} has ${ready}/${desired} pods Ready`
        return ready >= desired ? true : summary
      },
      timeoutMs,
      what,
    )
    return `pod ${p.namespace}/${p.pod} replaced; ${summary}`
  },
}
