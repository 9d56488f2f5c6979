/**
 * scale_deployment sets a Deployment's replicas within the bounds of the policy that proposed it.
 * Verified when the Deployment has that many ready and available replicas.
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import { mustGet, refs, writeOptions } from './cluster-objects.ts'
import { dnsSubdomain, namespace } from './params.ts'
import type { RolloutOutput } from './rollout-restart.ts'
import { ActionRefusedError, waitFor } from './verification.ts'

const params = z.strictObject({
  namespace,
  deployment: dnsSubdomain,
  replicas: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .max(10_000, { error: 'must be at most 10000' }),
})

/** ScaleDeploymentParams name the Deployment and the replicas it should have. */
export type ScaleDeploymentParams = z.output<typeof params>

/** checkBounds refuses replicas outside the policy's `limits.replicas`. */
export function checkBounds(ctx: ActionContext, replicas: number): void {
  const { min, max } = ctx.limits.replicas ?? {}
  if (min !== undefined && replicas < min)
    throw new ActionRefusedError(`replicas ${replicas} is below the policy's minimum of ${min}`)
  if (max !== undefined && replicas > max)
    throw new ActionRefusedError(`replicas ${replicas} is above the policy's maximum of ${max}`)
}

const replicasOf = (o: KubeObject) => (o.spec as { replicas?: number } | undefined)?.replicas ?? 1

/** scaleDeployment is the scale_deployment action. */
export const scaleDeployment: ActionDefinition<ScaleDeploymentParams> = {
  name: 'scale_deployment',
  summary: "Set a Deployment's replicas (within the policy's bounds)",
  params,
  timeoutMs: 10 * 60_000,
  target: (p) => ({ kind: 'Deployment', namespace: p.namespace, name: p.deployment }),

  // Scaling 10 → 2 stops 8 of 10 pods; 2 → 10 starts 8 (of 10 after): |delta| of the larger.
  async impact(ctx, p) {
    const current = replicasOf(
      await mustGet(ctx, refs.workload('Deployment', p.namespace), p.deployment, 'Deployment'),
    )
    return {
      unit: 'pods',
      affected: Math.abs(p.replicas - current),
      total: Math.max(current, p.replicas),
    }
  },

  async run(ctx, p) {
    checkBounds(ctx, p.replicas)
    const ref = refs.workload('Deployment', p.namespace)
    const before = replicasOf(await mustGet(ctx, ref, p.deployment, 'Deployment'))
    const object = await ctx.cluster.patch(
      ref,
      p.deployment,
      { spec: { replicas: p.replicas } },
      {
        type: 'merge',
        ...writeOptions(ctx),
      },
    )
    const output: RolloutOutput = {
      generation: object.metadata.generation,
      dryRun: ctx.dryRun,
      ...(ctx.dryRun ? { object } : {}),
    }
    const verb = ctx.dryRun ? 'would scale' : 'scaled'
    return {
      message: `${verb} Deployment ${p.namespace}/${p.deployment} from ${before} to ${p.replicas} replicas`,
      output,
    }
  },

  async verify(ctx, p, out, timeoutMs) {
    const { generation } = out.output as RolloutOutput
    const ref = refs.workload('Deployment', p.namespace)
    await waitFor(
      ctx,
      async () => {
        const d = await mustGet(ctx, ref, p.deployment, 'Deployment')
        const s = (d.status ?? {}) as {
          observedGeneration?: number
          readyReplicas?: number
          availableReplicas?: number
        }
        if ((s.observedGeneration ?? 0) < (generation ?? 0))
          return `generation ${generation} not observed yet`
        const ready = s.readyReplicas ?? 0
        const available = s.availableReplicas ?? 0
        if (ready === p.replicas && available === p.replicas) return true
        return `${ready}/${p.replicas} ready, ${available}/${p.replicas} available`
      },
      timeoutMs,
      `Deployment ${p.namespace}/${p.deployment} at ${p.replicas} available replicas`,
    )
    return `Deployment ${p.namespace}/${p.deployment} has ${p.replicas} available replicas`
  },
}
