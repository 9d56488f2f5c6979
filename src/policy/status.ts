/**
 * The in-memory status of policies: what the subsystems that evaluate them (alert evaluator,
 * compliance scanner, remediation) last reported. Each report merges into the last, so one
 * subsystem can report the evaluation and another the pending tasks. Lost on restart, by design:
 * the next evaluation reports again.
 */
import type { PolicyKind } from './kinds/index.ts'

/** evalStatuses are what an evaluation can say of a policy. */
export const evalStatuses = ['ok', 'firing', 'violated', 'error'] as const

/** EvalStatus is one of evalStatuses. */
export type EvalStatus = (typeof evalStatuses)[number]

/** PolicyStatus is the last known state of one policy's evaluation. */
export interface PolicyStatus {
  status: EvalStatus
  /** When it was last evaluated (ms since the epoch). */
  lastEvalAt: number | null
  durationMs: number | null
  /** What it matched last time: firing series, matched incidents, checked objects. */
  matches: number
  violations: number
  openIncidents: number
  pendingTasks: number
  /** Why, when status is `error`. */
  message: string | null
}

/** StatusReport is what a subsystem reports; absent fields keep their last value. */
export type StatusReport = Partial<PolicyStatus>

/** initialStatus is a policy's status until something reports. */
export const initialStatus: PolicyStatus = {
  status: 'ok',
  lastEvalAt: null,
  durationMs: null,
  matches: 0,
  violations: 0,
  openIncidents: 0,
  pendingTasks: 0,
  message: null,
}

/** PolicyStatusRegistry holds the reported status of every policy, by kind and name. */
export class PolicyStatusRegistry {
  private readonly statuses = new Map<string, PolicyStatus>()

  /** report merges a report into the status of a policy. */
  report(kind: PolicyKind, name: string, report: StatusReport): void {
    const key = `${kind}/${name}`
    const defined = Object.fromEntries(Object.entries(report).filter(([, v]) => v !== undefined))
    const next = { ...(this.statuses.get(key) ?? initialStatus), ...defined }
    if (next.status !== 'error' && report.message === undefined) next.message = null
    this.statuses.set(key, next)
  }

  /** get returns the status of a policy (`initialStatus` until something reports). */
  get(kind: PolicyKind, name: string): PolicyStatus {
    return this.statuses.get(`${kind}/${name}`) ?? initialStatus
  }

  /** forget drops the status of a deleted policy. */
  forget(kind: PolicyKind, name: string): void {
    this.statuses.delete(`${kind}/${name}`)
  }
}
