/**
 * The incident lifecycle as pure decisions: what a firing alert does to the incidents of its
 * fingerprint, and which manual transitions are allowed. Time is a parameter.
 */
import type { Alert } from '../alerting/types.ts'
import type { Incident, IncidentStatus } from './types.ts'

/** FireAction is what `fire` must do with an alert. */
export type FireAction =
  | { kind: 'update'; incident: Incident }
  | { kind: 'repeat'; incident: Incident }
  | { kind: 'reopen'; incident: Incident }
  | { kind: 'open' }

/**
 * decideFire chooses for a firing alert: the open incident of its fingerprint is updated (same
 * `since`) or counts a repeat (new `since`); with none open, the last resolved one is reopened
 * when it resolved within `reopenWindowMs` of `alert.at`, else a new incident opens.
 */
export function decideFire(
  alert: Pick<Alert, 'since' | 'at'>,
  open: Incident | undefined,
  lastResolved: Incident | undefined,
  reopenWindowMs: number,
): FireAction {
  if (open)
    return open.since === alert.since
      ? { kind: 'update', incident: open }
      : { kind: 'repeat', incident: open }
  if (
    lastResolved?.resolvedAt != null &&
    reopenWindowMs > 0 &&
    alert.at - lastResolved.resolvedAt <= reopenWindowMs
  )
    return { kind: 'reopen', incident: lastResolved }
  return { kind: 'open' }
}

/** ManualAction is a change a person asks for. */
export type ManualAction = 'acknowledge' | 'resolve'

/**
 * refusal says why a manual action is not allowed in a status (the 409 message), or undefined
 * when it is: only a triggered incident can be acknowledged, and a resolved one cannot be resolved.
 */
export function refusal(
  action: ManualAction,
  incident: Pick<Incident, 'id' | 'status' | 'acknowledgedBy' | 'resolvedBy'>,
): string | undefined {
  const s: IncidentStatus = incident.status
  if (action === 'acknowledge') {
    if (s === 'acknowledged')
      return `incident ${incident.id} is already acknowledged (by ${incident.acknowledgedBy ?? 'someone'})`
    if (s === 'resolved')
      return `incident ${incident.id} is resolved (by ${incident.resolvedBy ?? 'someone'}): a resolved incident cannot be acknowledged`
  }
  if (action === 'resolve' && s === 'resolved')
    return `incident ${incident.id} is already resolved (by ${incident.resolvedBy ?? 'someone'})`
  return undefined
}
