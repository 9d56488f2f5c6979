/**
 * From condition groups to alerts: project each group onto `group_by`, merge the groups that
 * then coincide, fingerprint them; and build the Alert the sink receives from a group's state.
 * Pure.
 */
import type { Policy } from '../policy/envelope.ts'
import { conditionOf } from '../policy/kinds/alert-rule.ts'
import type { ActiveGroup } from './conditions/types.ts'
import { fingerprintOf, groupLabels } from './fingerprint.ts'
import type { GroupState, Observation } from './state.ts'
import { renderAll } from './template.ts'
import type { Alert } from './types.ts'

/** Rule is an enabled AlertRule as the policy store parses it. */
export type Rule = Policy<'AlertRule'>

/** observe turns a condition's groups into observations: grouped, merged and fingerprinted. */
export function observe(rule: Rule, groups: readonly ActiveGroup[]): Observation[] {
  const byFingerprint = new Map<string, Observation>()
  for (const g of groups) {
    const labels = groupLabels(g.labels, rule.spec.group_by)
    const fingerprint = fingerprintOf(rule.metadata.name, labels)
    const seen = byFingerprint.get(fingerprint)
    if (!seen) {
      byFingerprint.set(fingerprint, { fingerprint, labels, value: g.value, source: g.source })
      continue
    }
    // Groups that group_by folds together: the highest value, every id.
    if (g.value !== null && (seen.value === null || g.value > seen.value)) seen.value = g.value
    if (g.source.ids)
      seen.source = { ...seen.source, ids: [...(seen.source.ids ?? []), ...g.source.ids] }
  }
  return [...byFingerprint.values()]
}

/** alertOf builds the alert of one group in the given state, templates filled in. */
export function alertOf(rule: Rule, s: GroupState, state: Alert['state']): Alert {
  const data = { value: s.value, labels: s.labels }
  const { spec } = rule
  return {
    rule: rule.metadata.name,
    fingerprint: s.fingerprint,
    state,
    severity: spec.severity,
    labels: { ...s.labels, ...renderAll(spec.labels, data) },
    annotations: renderAll(spec.annotations, data),
    value: s.value,
    source: s.source,
    notify: [...spec.notify],
    at: s.at,
    since: s.since ?? s.at,
  }
}

/** conditionKey is what, changed, makes a rule's alerts resolve and start again. */
export function conditionKey(rule: Rule): string {
  const kind = conditionOf(rule.spec)
  return JSON.stringify([kind, rule.spec[kind], rule.spec.group_by ?? null])
}
