/**
 * Remediation: tasks proposed by people, tokens and RemediationPolicies, decided through the
 * AccessPolicies and approvals, run by the executor behind the guards (mode, namespaces, stale
 * evidence, blast radius, server-side dry run, rate limits, anti-flapping, leadership and the
 * task's lease), verified, and audited at every step. `createRemediation` wires it; `run` starts
 * the executor's workers.
 */
import type { AuditStore } from '../audit/store.ts'
import type { Bus } from '../bus.ts'
import type { Incident } from '../incidents/types.ts'
import type { Cluster } from '../k8s/types.ts'
import type { Logger } from '../obs/logger.ts'
import type { Registry } from 'prom-client'
import type { Client } from '@libsql/client'
import { Executor, type Leader } from './executor.ts'
import type { AccessVerdict } from './guards.ts'
import { registerRemediationMetrics } from './metrics.ts'
import { RemediationService } from './service.ts'
import type { RemediationSettings } from './settings.ts'
import { TaskStore } from './store.ts'
import { WriteQueue } from '../db/serial.ts'
import { targetKey, type ActionDefinition, type ActionName, type Task } from './types.ts'
import type { PolicyService } from '../policy/service.ts'
import { evaluateAccess, type Severity } from './access.ts'
import { actingKinds, planRemediation } from './planner.ts'

export { remediationRoutes } from './routes.ts'
export { remediationPageRoutes } from './page.tsx'
export { remediationStreamRoutes } from './stream.ts'
export { RemediationService } from './service.ts'
export { Executor } from './executor.ts'
export { TaskStore } from './store.ts'

/** Remediation is the wired domain: the service (proposals, decisions) and the executor. */
export interface Remediation {
  service: RemediationService
  executor: Executor
  store: TaskStore
  run(signal: AbortSignal): Promise<void>
}

/** RemediationDeps are what createRemediation needs. */
export interface RemediationDeps {
  client: Client
  settings: RemediationSettings
  actions: Record<ActionName, ActionDefinition<any>>
  isTransient: (err: unknown) => boolean
  cluster: () => Promise<Cluster>
  leader: Leader
  access: (task: Task) => Promise<AccessVerdict>
  incident: (id: number) => Promise<Incident | undefined>
  /** note appends to an incident's timeline (what its tasks did). */
  note: (incidentId: number, actor: string, text: string) => Promise<unknown>
  audit: AuditStore
  bus: Bus
  registry: Registry
  identity: string
  now: () => number
  logger: Logger
  backoffMs?: number
  pollMs?: number
  graceMs?: number
}

const noted = new Set([
  'awaiting_approval',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'expired',
])

/** createRemediation wires the store, the service and the executor. */
export function createRemediation(deps: RemediationDeps): Remediation {
  // The store and the audit records of remediation share one queue: the workers' writes never
  // wait on each other in SQLite's busy handler.
  const queue = new WriteQueue()
  const store = new TaskStore(deps.client, queue)
  const audit: AuditStore = {
    ...deps.audit,
    append: (input) => queue.run(() => deps.audit.append(input)),
  }
  const metrics = registerRemediationMetrics(deps.registry, store)
  const changed = (task: Task) => {
    deps.bus.publish('tasks', task)
    if (task.incidentId === null || !noted.has(task.state) || task.phase === 'claimed') return
    const how = task.result?.message ? `: ${task.result.message}` : ''
    const text = `remediation task #${task.id} ${task.action} on ${targetKey(task.target)} ${task.state.replace('_', ' ')}${how}`
    deps.note(task.incidentId, 'remediation', text).catch((err) =>
      deps.logger.warn('remediation: cannot note the incident', {
        incident: task.incidentId,
        err,
      }),
    )
  }
  const executor = new Executor({
    store,
    settings: deps.settings,
    actions: deps.actions,
    cluster: deps.cluster,
    leader: deps.leader,
    access: deps.access,
    incident: deps.incident,
    audit,
    changed,
    isTransient: deps.isTransient,
    identity: deps.identity,
    now: deps.now,
    logger: deps.logger,
    metrics,
    ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    ...(deps.graceMs !== undefined ? { graceMs: deps.graceMs } : {}),
  })
  const service = new RemediationService({
    store,
    settings: deps.settings,
    actions: deps.actions,
    access: deps.access,
    audit,
    changed,
    wake: () => executor.wake(),
    metrics,
    now: deps.now,
    logger: deps.logger,
  })
  return { service, executor, store, run: (signal) => executor.run(signal) }
}

/** accessOf evaluates a task against the enabled AccessPolicies of the store, at `now`. */
export function accessOf(
  policies: PolicyService,
  now: () => number,
): (task: Task) => Promise<AccessVerdict> {
  return async (task) =>
    evaluateAccess(
      (await policies.enabled('AccessPolicy')).map((p) => ({
        name: p.metadata.name,
        spec: p.spec,
      })),
      {
        subject: task.requester,
        action: task.action,
        resource: task.target,
        severity: (task.severity ?? undefined) as Severity | undefined,
        at: now(),
      },
    )
}

/**
 * proposeOnIncidents makes the enabled RemediationPolicies act on incidents: each firing
 * (triggered, repeated, reopened) is planned (matching, escalation steps, rendered params) and
 * every proposal is stored through the service, one incident change at a time. A proposal that
 * cannot be made (a template rendered empty, params the action refuses) is logged and audited.
 */
export function proposeOnIncidents(
  bus: Bus,
  policies: PolicyService,
  remediation: Remediation,
  audit: AuditStore,
  logger: Logger,
  now: () => number,
): () => void {
  // One incident change at a time, in order.
  const order = new WriteQueue()
  return bus.subscribe('incidents', (change) => {
    // Notes, acknowledgements and resolutions (remediation's own notes among them) never act:
    // no read of the policies for them.
    if (!actingKinds.includes(change.kind)) return
    void order.run(async () => {
      try {
        const enabled = await policies.enabled('RemediationPolicy')
        if (enabled.length === 0) return
        const named = enabled.map((p) => ({ name: p.metadata.name, spec: p.spec }))
        const history = await remediation.store.proposedFor(change.incident.id)
        const plan = planRemediation(named, change, history, now())
        for (const e of plan.errors) {
          logger.warn('remediation: cannot propose', { ...e })
          await audit.append({
            actor: `policy:${e.policy}`,
            actorType: 'system',
            action: 'remediation.task.proposed',
            target: `incident:${e.incidentId}`,
            outcome: 'failure',
            details: { step: e.step, reason: e.reason },
          })
        }
        for (const p of plan.proposals) {
          const by = { name: `policy:${p.policy}`, actorType: 'system' as const }
          await remediation.service
            .propose(
              {
                action: p.action,
                params: p.params,
                reason: p.reason,
                requester: { kind: 'policy', name: p.policy },
                incidentId: p.incidentId,
                policy: p.policy,
                step: p.step,
                idempotencyKey: p.idempotencyKey,
                priority: p.priority,
                severity: change.incident.severity,
                limits: {
                  maxPerHour: p.limits.max_per_hour,
                  maxPerTargetPerHour: p.limits.max_per_target_per_hour,
                  replicas: p.limits.replicas,
                  namespaces: p.namespaces,
                },
                mode: p.mode,
              },
              by,
            )
            .catch(async (err: Error) => {
              logger.warn('remediation: the policy proposed an invalid task', {
                policy: p.policy,
                incident: p.incidentId,
                err,
              })
              await audit.append({
                actor: by.name,
                actorType: 'system',
                action: 'remediation.task.proposed',
                target: `incident:${p.incidentId}`,
                outcome: 'failure',
                details: { action: p.action, params: p.params, reason: err.message },
              })
            })
        }
      } catch (err) {
        logger.error('remediation: planning failed', { incident: change.incident.id, err })
      }
    })
  })
}
