/**
 * Plain types of remediation: tasks and their states, who asked, what an action is (the typed
 * registry's entries), what it touches and what it did. Times are epoch ms. No imports of stores
 * or the cluster client, so pure cores and fakes use them for free.
 */
import type { z } from 'zod'
import type { ActionName } from '../policy/kinds/remediation-policy.ts'
import type { Cluster } from '../k8s/types.ts'

export type { ActionName } from '../policy/kinds/remediation-policy.ts'

/** taskStates are where a task can be; the last five are final. */
export const taskStates = [
  'pending',
  'awaiting_approval',
  'approved',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
] as const

/** TaskState is one entry of `taskStates`. */
export type TaskState = (typeof taskStates)[number]

/** finalStates are the states a task never leaves. */
export const finalStates: readonly TaskState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]

/** Requester says who asked for a task: a person, an API token, or a RemediationPolicy. */
export interface Requester {
  kind: 'user' | 'token' | 'policy'
  /** The user name, the token name or the policy name. */
  name: string
  /** The role of a user (AccessPolicy subjects match on it). */
  role?: string | undefined
}

/** Target is the object an action changes. */
export interface Target {
  kind: string
  namespace?: string | undefined
  name: string
}

/** targetKey prints a target as `Kind/namespace/name` (or `Kind/name` when cluster-scoped). */
export function targetKey(target: Target): string {
  return target.namespace
    ? `${target.kind}/${target.namespace}/${target.name}`
    : `${target.kind}/${target.name}`
}

/**
 * Impact is what an action would touch, measured before it runs, for the blast-radius guard:
 * `affected` of `total` pods of a workload, or nodes of the cluster.
 */
export interface Impact {
  unit: 'pods' | 'nodes'
  affected: number
  total: number
  /** For node actions: how many nodes would stay schedulable afterwards. */
  schedulableAfter?: number
}

/** CommandSpec is one command `run_command` may run, from the config: an argv template, no shell. */
export interface CommandSpec {
  /** argv[0] is the program; `{{ param }}` in any element is replaced by a parameter. */
  argv: string[]
  timeoutMs: number
  /** Output beyond this many bytes is cut (and flagged). */
  maxOutputBytes: number
}

/** ActionContext is what an action gets to do its work. */
export interface ActionContext {
  cluster: Cluster
  /** dryRun sends every mutation with `dryRun=All`: the server validates and changes nothing. */
  dryRun: boolean
  signal: AbortSignal
  now: () => number
  /** The field manager of every write (`vigil`). */
  fieldManager: string
  /** Limits from the RemediationPolicy that proposed the task (scale bounds). */
  limits: { replicas?: { min?: number | undefined; max?: number | undefined } | undefined }
  /** The commands `run_command` may run, by name. */
  commands: Record<string, CommandSpec>
  /** sleep waits (or rejects when `signal` aborts); tests pass a fast one. */
  sleep(ms: number): Promise<void>
}

/** ActionOutput is what an action did (or, on a dry run, would do). */
export interface ActionOutput {
  /** One line for a person: "deleted pod prod/api-1". */
  message: string
  /** What the server answered: the object as stored or as it would be, command output, evictions. */
  output?: unknown
}

/** ActionDefinition is one entry of the typed registry; each lives in its own file. */
export interface ActionDefinition<P = Record<string, unknown>> {
  name: ActionName
  /** One line for the UI and --help. */
  summary: string
  /** The parameters, checked before anything else. */
  params: z.ZodType<P>
  /** target names the object the action changes. */
  target(params: P): Target
  /** impact measures the blast radius before any mutation (absent: one object, no guard). */
  impact?(ctx: ActionContext, params: P): Promise<Impact>
  /** run performs the change; with `ctx.dryRun` every request is a server-side dry run. */
  run(ctx: ActionContext, params: P): Promise<ActionOutput>
  /**
   * verify waits until the effect is visible in the cluster (rollout available, pod Ready, node
   * cordoned) or throws a VerificationError when `timeoutMs` passes. Never called on a dry run.
   */
  verify?(ctx: ActionContext, params: P, output: ActionOutput, timeoutMs: number): Promise<string>
  /** The default time the action (run plus verify) may take. */
  timeoutMs: number
  /**
   * idempotent says that running it twice has the effect of running it once (scale to N, cordon,
   * apply). A task interrupted in the middle of a non-idempotent mutation is failed, not retried.
   */
  idempotent?: boolean
}

/** TaskResult is how a task ended (or how its last attempt did). */
export interface TaskResult {
  message: string
  output?: unknown
  durationMs: number
  /** The guard that refused, when one did. */
  refusedBy?: string | undefined
  verified?: string | undefined
  /** True when only the server-side dry run ran (mode dry_run). */
  dryRun?: boolean | undefined
}

/** GuardDecision is one guard's verdict on a task, kept on the task for the UI and the audit. */
export interface GuardDecision {
  guard: string
  allowed: boolean
  reason: string
}

/** TaskLimits are the limits of the RemediationPolicy that proposed a task, kept on the task. */
export interface TaskLimits {
  maxPerHour?: number | undefined
  maxPerTargetPerHour?: number | undefined
  replicas?: { min?: number | undefined; max?: number | undefined } | undefined
  namespaces?: { allow?: string[] | undefined; deny?: string[] | undefined } | undefined
}

/**
 * TaskPhase is how far the current attempt got, written before each step so that a task found
 * running with an expired lease (its worker died) is resumed safely: `mutated` is verified, never
 * run again; `mutating` is retried only when the action is idempotent.
 */
export type TaskPhase = 'claimed' | 'guarded' | 'dry_run' | 'mutating' | 'mutated' | 'verifying'

/** Task is one remediation task as stored. */
export interface Task {
  id: number
  action: ActionName
  params: Record<string, unknown>
  target: Target
  priority: number
  requester: Requester
  reason: string
  incidentId: number | null
  /** The RemediationPolicy (and step index) that proposed it, for automatic tasks. */
  policy: string | null
  step: number | null
  idempotencyKey: string | null
  state: TaskState
  phase: TaskPhase | null
  /** The incident's severity, for AccessPolicy conditions. */
  severity: string | null
  limits: TaskLimits | null
  attempts: number
  maxAttempts: number
  /** Not before this time (backoff after a transient failure). */
  notBefore: number
  leaseOwner: string | null
  leaseUntil: number | null
  dryRun: unknown
  guards: GuardDecision[]
  result: TaskResult | null
  createdAt: number
  updatedAt: number
  /** When an unapproved task expires. */
  expiresAt: number | null
  startedAt: number | null
  /** When the cluster was (or was about to be) changed: rate limits count these. */
  mutatedAt: number | null
  finishedAt: number | null
  decidedBy: string | null
  decisionComment: string | null
}
