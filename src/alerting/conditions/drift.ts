/**
 * Drift conditions: open drift findings and compliance violations (`type: violation`) of at
 * least `min_severity`, in namespaces and of kinds matching the globs. Each resource is a group,
 * labelled `kind`, `namespace` (when namespaced) and `name`; the value is its count of findings.
 */
import { globMatch } from '../../drift/pointer.ts'
import { selectFindings, type StoredFinding } from '../../drift/findings-store.ts'
import type { ActiveGroup, Condition, ConditionEvaluator } from './types.ts'

function matches(c: Condition<'drift'>, f: StoredFinding): boolean {
  if (c.type !== undefined && f.type !== c.type) return false
  if (c.kind !== undefined && !globMatch(c.kind, f.resource.kind)) return false
  if (c.namespace !== undefined && !globMatch(c.namespace, f.resource.namespace ?? '')) return false
  return true
}

/** drift evaluates drift and compliance finding conditions. */
export const drift = {
  async evaluate(c, ctx): Promise<ActiveGroup[]> {
    const open = await selectFindings(ctx.client, {
      status: 'open',
      minSeverity: c.min_severity,
      snapshot: Number.MAX_SAFE_INTEGER,
      limit: 10_000,
    })
    const byResource = new Map<string, ActiveGroup & { ids: number[] }>()
    for (const f of open) {
      if (!matches(c, f)) continue
      const { kind, namespace, name } = f.resource
      const labels: Record<string, string> = { kind, name }
      if (namespace !== null) labels.namespace = namespace
      const key = JSON.stringify([kind, namespace, name])
      const group = byResource.get(key)
      if (group) {
        group.ids.push(f.id)
        group.value = group.ids.length
        continue
      }
      const ids = [f.id]
      byResource.set(key, { labels, value: 1, ids, source: { kind: 'drift', ids } })
    }
    return [...byResource.values()].map(({ ids: _, ...g }) => g)
  },
  wakers: (c) => ({
    findings: ({ opened, resolved }) => [...opened, ...resolved].some((f) => matches(c, f)),
  }),
} satisfies ConditionEvaluator<'drift'>
