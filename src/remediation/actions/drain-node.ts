/**
 * drain_node empties a node as `kubectl drain` does: cordon it, then evict every pod on it through
 * the Eviction API except mirror pods and (with `ignoreDaemonSets`) DaemonSet pods. An eviction a
 * PodDisruptionBudget refuses (429) is retried with backoff until the timeout; then the action
 * fails naming each blocked pod and its budget. Verified when no evictable pod is left on the node.
 */
import { z } from 'zod'
import { KubeApiError } from '../../k8s/errors.ts'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import { controllerOf, refs, writeOptions } from './cluster-objects.ts'
import { setUnschedulable, unscheduleImpact, waitForSchedulable } from './nodes.ts'
import { dnsSubdomain } from './params.ts'
import { ActionRefusedError, waitFor } from './verification.ts'

const params = z.strictObject({
  node: dnsSubdomain,
  ignoreDaemonSets: z.boolean({ error: 'must be true or false' }).default(true),
  timeoutSeconds: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number of seconds' })
    .min(1, { error: 'must be at least 1 second' })
    .max(86_400, { error: 'must be at most 86400 seconds (a day)' })
    .optional(),
})

/** DrainNodeParams name the node and how to drain it. */
export type DrainNodeParams = z.output<typeof params>

/** Blocked is a pod whose eviction a PodDisruptionBudget refused. */
export interface Blocked {
  pod: string
  pdb: string | undefined
  message: string
}

/** DrainOutput lists what the drain evicted, left alone, and (on a dry run) would be refused. */
export interface DrainOutput {
  dryRun: boolean
  evicted: string[]
  skipped: { pod: string; reason: string }[]
  blocked: Blocked[]
}

const mirrorKey = 'kubernetes.io/config.mirror'
const keyOf = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`

/** podsToEvict splits the pods on a node into those a drain evicts and those it skips. */
export async function podsToEvict(
  ctx: ActionContext,
  node: string,
  ignoreDaemonSets: boolean,
): Promise<{ evict: KubeObject[]; skipped: DrainOutput['skipped'] }> {
  const { items } = await ctx.cluster.list(refs.pods(), { fieldSelector: `spec.nodeName=${node}` })
  const evict: KubeObject[] = []
  const skipped: DrainOutput['skipped'] = []
  const daemons: string[] = []
  for (const pod of items) {
    if (pod.metadata.annotations?.[mirrorKey])
      skipped.push({ pod: keyOf(pod), reason: 'mirror pod' })
    else if (controllerOf(pod)?.kind === 'DaemonSet') {
      skipped.push({ pod: keyOf(pod), reason: 'DaemonSet-managed' })
      daemons.push(keyOf(pod))
    } else evict.push(pod)
  }
  if (daemons.length > 0 && !ignoreDaemonSets)
    throw new ActionRefusedError(
      `node ${node} runs DaemonSet-managed pods (${daemons.join(', ')}): set ignoreDaemonSets to drain it anyway`,
    )
  return { evict, skipped }
}

function blockedBy(pod: string, err: KubeApiError): Blocked {
  const causes = (err.details as { causes?: { reason?: string; message?: string }[] } | undefined)
    ?.causes
  const message = causes?.find((c) => c.reason === 'DisruptionBudget')?.message ?? err.message
  return { pod, pdb: /disruption budget (\S+)/i.exec(message)?.[1], message }
}

function describeBlocked(blocked: Blocked[]): string {
  return blocked
    .map((b) =>
      b.pdb ? `${b.pod} by PodDisruptionBudget ${b.pdb} (${b.message})` : `${b.pod} (${b.message})`,
    )
    .join('; ')
}

/** drainNode is the drain_node action. */
export const drainNode: ActionDefinition<DrainNodeParams> = {
  name: 'drain_node',
  summary: 'Cordon a node and evict its pods, honouring PodDisruptionBudgets (kubectl drain)',
  params,
  timeoutMs: 15 * 60_000,
  target: (p) => ({ kind: 'Node', name: p.node }),
  impact: (ctx, p) => unscheduleImpact(ctx, p.node),

  async run(ctx, p) {
    await setUnschedulable(ctx, p.node, true)
    const { evict, skipped } = await podsToEvict(ctx, p.node, p.ignoreDaemonSets)
    const deadline = ctx.now() + (p.timeoutSeconds ? p.timeoutSeconds * 1000 : drainNode.timeoutMs)
    const evicted: string[] = []
    let pending = evict
    let blocked: Blocked[] = []
    for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
      blocked = []
      for (const pod of pending) {
        try {
          await ctx.cluster.evict(
            String(pod.metadata.namespace),
            pod.metadata.name,
            writeOptions(ctx),
          )
          evicted.push(keyOf(pod))
        } catch (err) {
          if (err instanceof KubeApiError && err.reason === 'NotFound') evicted.push(keyOf(pod))
          else if (err instanceof KubeApiError && err.reason === 'TooManyRequests')
            blocked.push(blockedBy(keyOf(pod), err))
          else throw err
        }
      }
      pending = pending.filter((pod) => blocked.some((b) => b.pod === keyOf(pod)))
      if (pending.length === 0 || ctx.dryRun) break
      const left = deadline - ctx.now()
      if (left <= 0)
        throw new Error(
          `drain of node ${p.node} timed out: ${blocked.length} pod(s) blocked by PodDisruptionBudgets: ${describeBlocked(blocked)}`,
        )
      await ctx.sleep(Math.min(delay, left))
    }
    const output: DrainOutput = { dryRun: ctx.dryRun, evicted, skipped, blocked }
    const verb = ctx.dryRun ? 'would drain' : 'drained'
    const refused = blocked.length > 0 ? `; would be refused: ${describeBlocked(blocked)}` : ''
    return {
      message: `${verb} node ${p.node}: ${evicted.length} pod(s) evicted, ${skipped.length} skipped${refused}`,
      output,
    }
  },

  async verify(ctx, p, _out, timeoutMs) {
    const start = ctx.now()
    await waitForSchedulable(ctx, p.node, false, timeoutMs)
    await waitFor(
      ctx,
      async () => {
        const { evict } = await podsToEvict(ctx, p.node, true)
        return (
          evict.length === 0 || `${evict.length} pod(s) still on it: ${evict.map(keyOf).join(', ')}`
        )
      },
      Math.max(0, timeoutMs - (ctx.now() - start)),
      `node ${p.node} drained`,
    )
    return `node ${p.node} is cordoned and has no evictable pods`
  },
}
