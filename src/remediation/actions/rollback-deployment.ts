/**
 * rollback_deployment puts a Deployment back on an earlier pod template, as
 * `kubectl rollout undo` does: the template of the ReplicaSet with that revision (by default the
 * one before the current), without its `pod-template-hash` label. Verified when that rollout is
 * complete.
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import { isOwnedBy, mustGet, refs, writeOptions } from './cluster-objects.ts'
import { dnsSubdomain, namespace } from './params.ts'
import { waitForRollout, type RolloutOutput } from './rollout-restart.ts'
import { ActionRefusedError } from './verification.ts'

const params = z.strictObject({
  namespace,
  deployment: dnsSubdomain,
  revision: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .positive({ error: 'must be 1 or more' })
    .optional(),
})

/** RollbackDeploymentParams name the Deployment and, optionally, the revision to go back to. */
export type RollbackDeploymentParams = z.output<typeof params>

/** revisionKey is the annotation that numbers a Deployment's ReplicaSets. */
export const revisionKey = 'deployment.kubernetes.io/revision'

/** RollbackOutput says which revisions the rollback went between. */
export interface RollbackOutput extends RolloutOutput {
  fromRevision: number
  toRevision: number
}

const revisionOf = (o: KubeObject) => Number(o.metadata.annotations?.[revisionKey] ?? 0)

/** findRollback picks the ReplicaSet to go back to and the revision now running. */
export async function findRollback(
  ctx: ActionContext,
  p: RollbackDeploymentParams,
): Promise<{ deployment: KubeObject; replicaSet: KubeObject; current: number }> {
  const deployment = await mustGet(
    ctx,
    refs.workload('Deployment', p.namespace),
    p.deployment,
    'Deployment',
  )
  const { items } = await ctx.cluster.list(refs.replicaSets(p.namespace))
  const owned = items
    .filter((rs) => isOwnedBy(rs, String(deployment.metadata.uid)))
    .sort((a, b) => revisionOf(b) - revisionOf(a))
  const current = revisionOf(deployment) || (owned[0] ? revisionOf(owned[0]) : 0)
  const where = `Deployment ${p.namespace}/${p.deployment}`
  const replicaSet =
    p.revision === undefined
      ? owned.find((rs) => revisionOf(rs) < current)
      : owned.find((rs) => revisionOf(rs) === p.revision)
  if (!replicaSet) {
    const known = owned.map(revisionOf).join(', ') || 'none'
    throw new ActionRefusedError(
      p.revision === undefined
        ? `${where} has no previous revision to roll back to (revisions: ${known})`
        : `${where} has no revision ${p.revision} (revisions: ${known})`,
    )
  }
  if (revisionOf(replicaSet) === current)
    throw new ActionRefusedError(`${where} already runs revision ${current}`)
  return { deployment, replicaSet, current }
}

/** rollbackDeployment is the rollback_deployment action. */
export const rollbackDeployment: ActionDefinition<RollbackDeploymentParams> = {
  name: 'rollback_deployment',
  summary: 'Roll a Deployment back to an earlier revision (kubectl rollout undo)',
  params,
  timeoutMs: 10 * 60_000,
  target: (p) => ({ kind: 'Deployment', namespace: p.namespace, name: p.deployment }),

  async run(ctx, p) {
    const { replicaSet, current } = await findRollback(ctx, p)
    const template = structuredClone(
      (replicaSet.spec as { template?: KubeObject['spec'] }).template ?? {},
    ) as {
      metadata?: { labels?: Record<string, string> }
    }
    if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash']
    const object = await ctx.cluster.patch(
      refs.workload('Deployment', p.namespace),
      p.deployment,
      [{ op: 'replace', path: '/spec/template', value: template }],
      { type: 'json', ...writeOptions(ctx) },
    )
    const toRevision = revisionOf(replicaSet)
    const output: RollbackOutput = {
      generation: object.metadata.generation,
      dryRun: ctx.dryRun,
      fromRevision: current,
      toRevision,
      ...(ctx.dryRun ? { object } : {}),
    }
    const verb = ctx.dryRun ? 'would roll back' : 'rolled back'
    return {
      message: `${verb} Deployment ${p.namespace}/${p.deployment} from revision ${current} to ${toRevision}`,
      output,
    }
  },

  verify: (ctx, p, out, timeoutMs) =>
    waitForRollout(
      ctx,
      'Deployment',
      p.namespace,
      p.deployment,
      (out.output as RollbackOutput).generation,
      timeoutMs,
    ),
}
