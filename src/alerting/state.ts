/**
 * The alert state machine, as Prometheus runs it, per rule and group: inactive → pending while the
 * condition holds and `for` has not elapsed → firing → (condition false) still firing until
 * `keep_firing_for` has passed since it first went false → resolved. A pending group whose
 * condition goes false is dropped without a word. Pure: time is a parameter.
 */
import type { AlertSource } from './types.ts'

/** Observation is one group the condition saw active at this evaluation. */
export interface Observation {
  fingerprint: string
  /** The group labels (after group_by). */
  labels: Record<string, string>
  value: number | null
  source: AlertSource
}

/** GroupState is what the machine remembers of one active group between evaluations. */
export interface GroupState extends Observation {
  state: 'pending' | 'firing'
  /** When the condition became true (ms): `for` counts from here. */
  activeAt: number
  /** When it started firing (ms), the episode's `since`; null while pending. */
  since: number | null
  /** When the condition went false while firing (ms); null while it holds. */
  keepFiringSince: number | null
  /** The last evaluation that saw it (ms). */
  at: number
}

/** Timing is a rule's `for` and `keep_firing_for`, in ms. */
export interface Timing {
  forMs: number
  keepFiringForMs: number
}

/** Step is the outcome of one evaluation. */
export interface Step {
  /** What to remember for the next evaluation (pending and firing groups). */
  states: Map<string, GroupState>
  /** Every group firing after this evaluation, new ones included: each gets `sink.fire`. */
  firing: GroupState[]
  /** The groups that started firing at this evaluation (a subset of `firing`). */
  started: GroupState[]
  /** The groups that stopped firing at this evaluation: each gets `sink.resolve` once. */
  resolved: GroupState[]
}

/** advance runs one evaluation at `t` of the groups `observed` active against the last states. */
export function advance(
  previous: ReadonlyMap<string, GroupState>,
  observed: readonly Observation[],
  t: number,
  timing: Timing,
): Step {
  const states = new Map<string, GroupState>()
  const step: Step = { states, firing: [], started: [], resolved: [] }
  for (const o of observed) {
    if (states.has(o.fingerprint)) continue
    const last = previous.get(o.fingerprint)
    const next: GroupState = last
      ? { ...last, ...o, at: t, keepFiringSince: null }
      : { ...o, state: 'pending', activeAt: t, since: null, keepFiringSince: null, at: t }
    if (next.state === 'pending' && t - next.activeAt >= timing.forMs) {
      next.state = 'firing'
      next.since = t
      step.started.push(next)
    }
    states.set(o.fingerprint, next)
    if (next.state === 'firing') step.firing.push(next)
  }
  for (const [fingerprint, last] of previous) {
    if (states.has(fingerprint) || last.state === 'pending') continue
    const keepSince = last.keepFiringSince ?? t
    if (t - keepSince < timing.keepFiringForMs) {
      const kept = { ...last, keepFiringSince: keepSince, at: t }
      states.set(fingerprint, kept)
      step.firing.push(kept)
    } else {
      step.resolved.push({ ...last, at: t })
    }
  }
  return step
}

/** resolveAll stops every firing group at `t` (the rule was deleted, disabled or changed). */
export function resolveAll(previous: ReadonlyMap<string, GroupState>, t: number): GroupState[] {
  return [...previous.values()].filter((s) => s.state === 'firing').map((s) => ({ ...s, at: t }))
}
