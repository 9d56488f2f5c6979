/**
 * The remediation service: the one way a task comes to be and is decided. A proposal (by a
 * person, a token, a RemediationPolicy or an external caller) is checked against its action's
 * schema, stored `pending`, evaluated against the AccessPolicies (default deny) and then waits
 * for approval, or is approved at once (`mode: auto`, or a person who may approve and asks to),
 * or is rejected with the reason. Approve, reject and cancel are conditional transitions, so two
 * people deciding at once cannot both win. Every step is an audit record, every change is told
 * to `changed` (the bus: the queue page, the incident's timeline).
 */
import type { AuditStore } from '../audit/store.ts'
import type { ActorType } from '../audit/types.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import type { Logger } from '../obs/logger.ts'
import type { AccessVerdict } from './guards.ts'
import type { RemediationMetrics } from './metrics.ts'
import type { RemediationSettings } from './settings.ts'
import type { TaskStore } from './store.ts'
import {
  finalStates,
  targetKey,
  type ActionDefinition,
  type ActionName,
  type Requester,
  type Task,
  type TaskLimits,
  type TaskState,
} from './types.ts'

/** Proposal is a task to propose. */
export interface Proposal {
  action: string
  params: Record<string, unknown>
  reason: string
  requester: Requester
  incidentId?: number | null | undefined
  policy?: string | null | undefined
  step?: number | null | undefined
  idempotencyKey?: string | null | undefined
  priority?: number | undefined
  severity?: string | null | undefined
  limits?: TaskLimits | null | undefined
  /** auto: approved once the access policies allow it; approval: waits for a person. */
  mode: 'auto' | 'approval'
}

/** Decider is who decides (approve, reject, cancel) and how to audit them. */
export interface Decider {
  name: string
  actorType: ActorType
  requestId?: string | undefined
  clientAddress?: string | undefined
}

/** ServiceDeps are the service's collaborators. */
export interface ServiceDeps {
  store: TaskStore
  settings: RemediationSettings
  actions: Record<ActionName, ActionDefinition<any>>
  access: (task: Task) => Promise<AccessVerdict>
  audit: AuditStore
  changed: (task: Task) => void
  /** wake tells the executor that a task was approved. */
  wake: () => void
  metrics: RemediationMetrics
  now: () => number
  logger: Logger
}

/** RemediationService proposes and decides tasks. */
export class RemediationService {
  constructor(private readonly deps: ServiceDeps) {}

  /** store gives read access to the tasks. */
  get store(): TaskStore {
    return this.deps.store
  }

  /** settings are the remediation settings in force. */
  get settings(): RemediationSettings {
    return this.deps.settings
  }

  /** action returns the registry entry of an action name, or undefined. */
  action(name: string): ActionDefinition<any> | undefined {
    return Object.hasOwn(this.deps.actions, name)
      ? this.deps.actions[name as ActionName]
      : undefined
  }

  /** actionNames lists the registered actions. */
  actionNames(): ActionName[] {
    return Object.keys(this.deps.actions) as ActionName[]
  }

  /**
   * propose stores a task and evaluates it. Invalid action or params are a ValidationError (400)
   * and store nothing. With an idempotency key already used, the existing task comes back.
   */
  async propose(
    p: Proposal,
    by: Decider & { approve?: boolean },
  ): Promise<{ task: Task; created: boolean }> {
    const def = this.action(p.action)
    if (!def)
      throw new ValidationError(
        `action: unknown action ${JSON.stringify(p.action)}; one of ${this.actionNames().join(', ')}`,
        { code: 'unknown_action' },
      )
    const parsed = def.params.safeParse(p.params)
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`)
      throw new ValidationError(why.join('; '), {
        code: 'invalid_params',
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) },
      })
    }
    const now = this.deps.now()
    const { task, created } = await this.deps.store.insert(
      {
        action: def.name,
        params: parsed.data as Record<string, unknown>,
        target: def.target(parsed.data),
        priority: p.priority ?? 5,
        requester: p.requester,
        reason: p.reason,
        incidentId: p.incidentId ?? null,
        policy: p.policy ?? null,
        step: p.step ?? null,
        idempotencyKey: p.idempotencyKey ?? null,
        severity: p.severity ?? null,
        limits: p.limits ?? null,
        maxAttempts: this.deps.settings.maxAttempts,
        expiresAt: now + this.deps.settings.approvalTtlMs,
      },
      now,
    )
    if (!created) return { task, created }
    this.deps.metrics.proposed(task.action, task.requester.kind)
    await this.record(task, by, 'remediation.task.proposed', 'success', {
      reason: p.reason,
      params: task.params,
      requester: `${task.requester.kind}:${task.requester.name}`,
    })
    this.deps.changed(task)

    const access = await this.deps.access(task)
    await this.record(
      task,
      by,
      'remediation.task.evaluated',
      access.allowed ? 'success' : 'denied',
      {
        allowed: access.allowed,
        reason: access.reason,
        applied_policies: access.appliedPolicies,
      },
    )
    const guard = { guard: 'access_policy', allowed: access.allowed, reason: access.reason }
    if (!access.allowed) {
      this.deps.metrics.refused('access_policy')
      const rejected = await this.deps.store.transition(task.id, ['pending'], 'rejected', now, {
        decidedBy: 'access_policy',
        result: {
          message: `refused by access_policy: ${access.reason}`,
          durationMs: 0,
          refusedBy: 'access_policy',
        },
        guards: [guard],
        finished: true,
      })
      this.deps.metrics.finished(task.action, 'rejected')
      return this.told(rejected ?? task, created)
    }
    if (p.mode === 'auto' || by.approve) {
      const approved = await this.deps.store.transition(task.id, ['pending'], 'approved', now, {
        decidedBy: p.mode === 'auto' ? `policy:${p.policy ?? 'auto'}` : by.name,
        guards: [guard],
      })
      await this.record(task, by, 'remediation.task.approved', 'success', {
        by: p.mode === 'auto' ? `policy ${p.policy} (mode: auto)` : by.name,
      })
      this.deps.wake()
      return this.told(approved ?? task, created)
    }
    const waiting = await this.deps.store.transition(
      task.id,
      ['pending'],
      'awaiting_approval',
      now,
      {
        guards: [guard],
      },
    )
    return this.told(waiting ?? task, created)
  }

  /** approve lets a waiting task run. */
  approve(id: number, by: Decider, comment: string | null): Promise<Task> {
    return this.decide(id, ['awaiting_approval'], 'approved', by, comment)
  }

  /** reject ends a waiting task without running it. */
  reject(id: number, by: Decider, comment: string | null): Promise<Task> {
    return this.decide(id, ['pending', 'awaiting_approval'], 'rejected', by, comment)
  }

  /** cancel ends a task that has not started. */
  cancel(id: number, by: Decider, comment: string | null): Promise<Task> {
    return this.decide(id, ['pending', 'awaiting_approval', 'approved'], 'cancelled', by, comment)
  }

  /** get reads a task or throws NotFoundError. */
  async get(id: number): Promise<Task> {
    const task = await this.deps.store.get(id)
    if (!task) throw new NotFoundError(`no remediation task ${id}`)
    return task
  }

  private async decide(
    id: number,
    from: TaskState[],
    to: TaskState,
    by: Decider,
    comment: string | null,
  ): Promise<Task> {
    const before = await this.get(id)
    const now = this.deps.now()
    const final = (finalStates as readonly string[]).includes(to)
    const after = await this.deps.store.transition(id, from, to, now, {
      decidedBy: by.name,
      decisionComment: comment,
      ...(final
        ? {
            finished: true,
            result: {
              message: `${to} by ${by.name}${comment ? `: ${comment}` : ''}`,
              durationMs: 0,
            },
          }
        : {}),
    })
    const verb = { approved: 'approve', rejected: 'reject', cancelled: 'cancel' }[to as string]
    if (!after) {
      const current = (await this.deps.store.get(id)) ?? before
      await this.record(current, by, `remediation.task.${to}`, 'failure', {
        state: current.state,
        comment,
      })
      throw new ConflictError(
        `task ${id} is ${current.state.replace('_', ' ')}; only a task that is ` +
          `${from.map((s) => s.replace('_', ' ')).join(' or ')} can be ${to} (cannot ${verb} it)`,
        { code: 'invalid_task_state', details: { state: current.state } },
      )
    }
    await this.record(after, by, `remediation.task.${to}`, 'success', { comment })
    if (final) this.deps.metrics.finished(after.action, to)
    if (to === 'approved') this.deps.wake()
    this.deps.changed(after)
    return after
  }

  private told(task: Task, created: boolean): { task: Task; created: boolean } {
    this.deps.changed(task)
    return { task, created }
  }

  private async record(
    task: Task,
    by: Decider,
    action: string,
    outcome: 'success' | 'failure' | 'denied',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.append({
      actor: by.name,
      actorType: by.actorType,
      action,
      target: `task:${task.id}`,
      outcome,
      requestId: by.requestId,
      clientAddress: by.clientAddress,
      details: {
        action: task.action,
        target: targetKey(task.target),
        incident: task.incidentId,
        policy: task.policy,
        ...details,
      },
    })
  }
}
