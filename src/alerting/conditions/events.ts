/**
 * Event conditions: events with this source and kind (globs), at least this severity and these
 * attributes (values are globs), received in the rule's last evaluation interval. Such a rule
 * fires as a matching event arrives and resolves at the first evaluation that finds none in the
 * interval before it (`keep_firing_for` holds it longer). Groups are `source`, `kind` and
 * `subject`; `group_by` picks among those, `severity` and the attributes. The value is the count
 * of matching events.
 */
import { globMatch } from '../../drift/pointer.ts'
import { severities, type EventRecord } from '../../events/types.ts'
import type { ActiveGroup, Condition, ConditionEvaluator } from './types.ts'

function attributeText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** eventMatches says whether an event satisfies an event condition. */
export function eventMatches(c: Condition<'events'>, e: EventRecord): boolean {
  if (c.source !== undefined && !globMatch(c.source, e.source)) return false
  if (c.kind !== undefined && !globMatch(c.kind, e.kind)) return false
  if (c.severity !== undefined && severities.indexOf(e.severity) < severities.indexOf(c.severity))
    return false
  for (const [name, want] of Object.entries(c.attributes ?? {})) {
    const have = e.attributes[name]
    if (have === undefined || !globMatch(want, attributeText(have))) return false
  }
  return true
}

function labelsOf(e: EventRecord, groupBy: readonly string[] | undefined): Record<string, string> {
  if (groupBy === undefined) return { source: e.source, kind: e.kind, subject: e.subject }
  const fields: Record<string, string> = {
    source: e.source,
    kind: e.kind,
    subject: e.subject,
    severity: e.severity,
  }
  const labels: Record<string, string> = {}
  for (const name of groupBy) {
    const v =
      fields[name] ??
      (e.attributes[name] === undefined ? undefined : attributeText(e.attributes[name]))
    if (v !== undefined) labels[name] = v
  }
  return labels
}

/** events evaluates event conditions. */
export const events = {
  async evaluate(c, ctx, t): Promise<ActiveGroup[]> {
    const groups = new Map<string, ActiveGroup>()
    for (const { event } of ctx.recentEvents.since(t - ctx.intervalMs, t)) {
      if (!eventMatches(c, event)) continue
      const labels = labelsOf(event, ctx.groupBy)
      const key = JSON.stringify(labels)
      const group = groups.get(key)
      if (group) group.value! += 1
      else groups.set(key, { labels, value: 1, source: { kind: 'events' } })
    }
    return [...groups.values()]
  },
  wakers: (c) => ({ events: (list) => list.some((e) => eventMatches(c, e)) }),
} satisfies ConditionEvaluator<'events'>
