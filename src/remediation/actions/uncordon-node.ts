/**
 * uncordon_node makes a node schedulable again. No impact: it adds capacity, so the blast-radius
 * guard has nothing to weigh. Verified by a get.
 */
import type { ActionDefinition } from '../types.ts'
import { nodeParams, setUnschedulable, waitForSchedulable, type NodeParams } from './nodes.ts'

/** uncordonNode is the uncordon_node action. */
export const uncordonNode: ActionDefinition<NodeParams> = {
  name: 'uncordon_node',
  summary: 'Make a node schedulable again (kubectl uncordon)',
  params: nodeParams,
  timeoutMs: 60_000,
  target: (p) => ({ kind: 'Node', name: p.node }),

  async run(ctx, p) {
    const object = await setUnschedulable(ctx, p.node, false)
    return {
      message: `${ctx.dryRun ? 'would uncordon' : 'uncordoned'} node ${p.node}`,
      output: {
        dryRun: ctx.dryRun,
        unschedulable: (object.spec as { unschedulable?: boolean }).unschedulable,
      },
    }
  },

  verify: (ctx, p, _out, timeoutMs) => waitForSchedulable(ctx, p.node, true, timeoutMs),
}
