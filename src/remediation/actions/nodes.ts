/**
 * What the node actions share: their parameters, the blast radius of taking a node out of
 * scheduling, and setting `spec.unschedulable` (what `kubectl cordon` and `uncordon` do).
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionContext, Impact } from '../types.ts'
import { mustGet, refs, writeOptions } from './cluster-objects.ts'
import { dnsSubdomain } from './params.ts'
import { waitFor } from './verification.ts'

/** nodeParams name one node. */
export const nodeParams = z.strictObject({ node: dnsSubdomain })

/** NodeParams name one node. */
export type NodeParams = z.output<typeof nodeParams>

/** isSchedulable tells whether new pods may land on a node (not cordoned). */
export function isSchedulable(node: KubeObject): boolean {
  return (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true
}

/** unscheduleImpact is the impact of cordoning (or draining) one node: the nodes left schedulable. */
export async function unscheduleImpact(ctx: ActionContext, name: string): Promise<Impact> {
  const { items } = await ctx.cluster.list(refs.nodes())
  const node =
    items.find((n) => n.metadata.name === name) ?? (await mustGet(ctx, refs.nodes(), name, 'node'))
  const schedulable = items.filter(isSchedulable).length
  return {
    unit: 'nodes',
    affected: 1,
    total: items.length,
    schedulableAfter: schedulable - (isSchedulable(node) ? 1 : 0),
  }
}

/** setUnschedulable patches `spec.unschedulable` and returns the node as the server answered. */
export function setUnschedulable(
  ctx: ActionContext,
  node: string,
  value: boolean,
): Promise<KubeObject> {
  return ctx.cluster.patch(
    refs.nodes(),
    node,
    { spec: { unschedulable: value } },
    {
      type: 'strategic',
      ...writeOptions(ctx),
    },
  )
}

/** waitForSchedulable waits until a get shows the node (un)cordoned. */
export async function waitForSchedulable(
  ctx: ActionContext,
  node: string,
  schedulable: boolean,
  timeoutMs: number,
): Promise<string> {
  const state = schedulable ? 'schedulable' : 'cordoned'
  await waitFor(
    ctx,
    async () => {
      const live = await mustGet(ctx, refs.nodes(), node, 'node')
      return isSchedulable(live) === schedulable || `node ${node} is not ${state} yet`
    },
    timeoutMs,
    `node ${node} ${state}`,
  )
  return `node ${node} is ${state}`
}
