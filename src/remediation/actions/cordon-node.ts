/** cordon_node marks a node unschedulable; its pods keep running. Verified by a get. */
import type { ActionDefinition } from '../types.ts'
import {
  nodeParams,
  setUnschedulable,
  unscheduleImpact,
  waitForSchedulable,
  type NodeParams,
} from './nodes.ts'

/** cordonNode is the cordon_node action. */
export const cordonNode: ActionDefinition<NodeParams> = {
  name: 'cordon_node',
  summary: 'Mark a node unschedulable (kubectl cordon)',
  params: nodeParams,
  timeoutMs: 60_000,
  target: (p) => ({ kind: 'Node', name: p.node }),
  impact: (ctx, p) => unscheduleImpact(ctx, p.node),

  async run(ctx, p) {
    const object = await setUnschedulable(ctx, p.node, true)
    return {
      message: `${ctx.dryRun ? 'would cordon' : 'cordoned'} node ${p.node}`,
      output: {
        dryRun: ctx.dryRun,
        unschedulable: (object.spec as { unschedulable?: boolean }).unschedulable,
      },
    }
  },

  verify: (ctx, p, _out, timeoutMs) => waitForSchedulable(ctx, p.node, false, timeoutMs),
}
