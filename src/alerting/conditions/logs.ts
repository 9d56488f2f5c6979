/**
 * Logs conditions: the lines of a service (at `level` or above; all lines when absent) over the
 * sliding `window`, as a rate per second or a count, above a threshold. `service` may be a glob
 * (`*`, `api-*`): each matching service is its own group, labelled `service`.
 */
import { globMatch } from '../../drift/pointer.ts'
import type { ActiveGroup, ConditionEvaluator } from './types.ts'

/** logs evaluates log rate and count conditions. */
export const logs = {
  async evaluate(c, ctx, t): Promise<ActiveGroup[]> {
    const glob = c.service.includes('*')
    const counts = await ctx.logs.countLines({
      since: t - c.window,
      until: t,
      minLevel: c.level,
      service: glob ? undefined : c.service,
    })
    const out: ActiveGroup[] = []
    for (const { service, lines } of counts) {
      if (glob && !globMatch(c.service, service)) continue
      const value = c.rate_above !== undefined ? lines / (c.window / 1000) : lines
      const threshold = c.rate_above ?? c.count_above!
      if (value > threshold) {
        out.push({ labels: { service }, value, source: { kind: 'logs', query: service } })
      }
    }
    return out
  },
  // Lines are counted once the mover has stored them, so the interval is what evaluates these.
  wakers: () => ({}),
} satisfies ConditionEvaluator<'logs'>
