/**
 * The executor: a pool of workers that claim approved tasks (priority first, with a lease the
 * worker renews), pass them through the guards, send the exact change as a server-side dry run,
 * then, in `enforce` mode and only while this process still leads and still holds the task's
 * lease, make the change and verify it. Transient failures are retried with exponential backoff;
 * each attempt has the action's timeout. Every step is written on the task before it is taken
 * (`phase`), so a task whose worker died is resumed without running a change twice: one that
 * `mutated` is only verified, one interrupted while `mutating` is retried only when its action is
 * idempotent. On shutdown, workers stop claiming and in-flight tasks get a grace period (30 s),
 * after which they are released for another worker.
 *
 * It is one long file on purpose: every path that ends a task (the worker's, `runNow` and the
 * external executors') goes through the same private `end`, `refuse` and `reserve`, and the
 * crash-safety argument (which phase is written before which step) reads top to bottom here.
 */
import type { AuditStore } from '../audit/store.ts'
import type { Incident } from '../incidents/types.ts'
import type { Cluster } from '../k8s/types.ts'
import type { Logger } from '../obs/logger.ts'
import { preflight, rateChecks, rateDecision, refusalOf, type AccessVerdict } from './guards.ts'
import type { RemediationMetrics } from './metrics.ts'
import type { RemediationSettings } from './settings.ts'
import type { TaskStore } from './store.ts'
import {
  targetKey,
  type ActionContext,
  type ActionDefinition,
  type ActionName,
  type ActionOutput,
  type GuardDecision,
  type Task,
  type TaskResult,
  type TaskState,
} from './types.ts'

/** Leader is what the executor needs of leader election. */
export interface Leader {
  isLeader(): boolean
  /** confirm re-checks with the backing store, right before a mutation. */
  confirm(): Promise<boolean>
}

/** ExecutorDeps are the executor's collaborators. */
export interface ExecutorDeps {
  store: TaskStore
  settings: RemediationSettings
  actions: Record<ActionName, ActionDefinition<any>>
  /** cluster connects (once, lazily) to the cluster the actions act on. */
  cluster: () => Promise<Cluster>
  leader: Leader
  /** access evaluates the AccessPolicies for a task (again, at execution time). */
  access: (task: Task) => Promise<AccessVerdict>
  incident: (id: number) => Promise<Incident | undefined>
  audit: AuditStore
  /** changed is told about every change of a task (bus, SSE, incident timeline). */
  changed: (task: Task) => void
  /** isTransient says whether a failure may pass if tried again. */
  isTransient: (err: unknown) => boolean
  identity: string
  now: () => number
  logger: Logger
  metrics: RemediationMetrics
  /** The first backoff after a transient failure (doubled per attempt, up to 5 min). */
  backoffMs?: number
  /** How long in-flight tasks may take after shutdown begins (default 30 s). */
  graceMs?: number
  /** How often an idle worker looks for work (default 1 s; `wake()` is immediate). */
  pollMs?: number
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** LeaseLostError stops a task whose lease (or leadership) was lost before it mutated. */
class LeaseLostError extends Error {
  override name = 'LeaseLostError'
}

const fieldManager = 'vigil'

/** Executor runs tasks with `workers` concurrent workers. */
export class Executor {
  private readonly wakers = new Set<() => void>()
  private readonly hard = new AbortController()
  private readonly owner: (worker: number) => string

  constructor(private readonly deps: ExecutorDeps) {
    this.owner = (worker) => `${deps.identity}#${worker}`
  }

  /** The audit record that ended each task run by `runNow`, for its caller. */
  private readonly direct = new Map<number, number>()

  /**
   * runNow claims one approved task and runs it in this call (POST /executor/execute); it
   * returns the task as it ended and the sequence number of the audit record that ended it.
   */
  async runNow(id: number): Promise<{ task: Task; auditSeq: number | undefined }> {
    const owner = `${this.deps.identity}#direct`
    const claimed = await this.deps.store.claim(
      owner,
      this.deps.now(),
      this.deps.settings.leaseMs,
      {
        id,
      },
    )
    const task = claimed ?? (await this.deps.store.get(id))
    if (!claimed || !task) return { task: task!, auditSeq: undefined }
    this.direct.set(id, 0)
    try {
      const ended = await this.execute(task, owner)
      return { task: ended, auditSeq: this.direct.get(id) || undefined }
    } finally {
      this.direct.delete(id)
    }
  }

  /**
   * claimExternal hands up to `limit` approved tasks to the external executor `name`, after the
   * guards that need no cluster (mode, access policy, namespaces, evidence) and, in enforce mode,
   * the rate limits, which it reserves. Refused tasks end with their reason and are not handed.
   * The executor must report each with `reportExternal` before the lease (10 × the task lease).
   */
  async claimExternal(name: string, limit: number): Promise<Task[]> {
    const owner = `external:${name}`
    const { store, settings } = this.deps
    const leaseMs = settings.leaseMs * 10
    const out: Task[] = []
    while (out.length < limit) {
      const task = await store.claim(owner, this.deps.now(), leaseMs, { external: true })
      if (!task) break
      const started = this.deps.now()
      const result = (message: string, extra: Partial<TaskResult> = {}): TaskResult => ({
        message,
        durationMs: this.deps.now() - started,
        ...extra,
      })
      const incident =
        task.incidentId === null ? undefined : await this.deps.incident(task.incidentId)
      const access = await this.deps.access(task)
      const guards = preflight({
        task,
        settings,
        now: started,
        incident,
        access,
        impact: undefined,
      })
      const refusal = refusalOf(guards)
      await this.record(task, 'remediation.task.evaluated', refusal ? 'denied' : 'success', {
        guards,
        executor: owner,
      })
      if (refusal) {
        await this.refuse(task, owner, refusal, guards, result)
        continue
      }
      if (settings.mode === 'enforce') {
        const reserved = await this.reserve(task, owner, guards)
        if (reserved === 'lost') continue
        if (reserved) {
          await this.refuse(task, owner, reserved.refusal, reserved.guards, result)
          continue
        }
      } else await store.setPhase(task.id, owner, 'guarded', this.deps.now(), { guards })
      const handed = (await store.get(task.id)) ?? task
      await this.record(handed, 'remediation.task.handed', 'success', { executor: owner })
      this.deps.changed(handed)
      out.push(handed)
    }
    return out
  }

  /**
   * reportExternal ends a task an external executor ran: succeeded or failed with its message.
   * Undefined when the task is not running under that executor's lease (never claimed by it,
   * already reported, or expired).
   */
  async reportExternal(
    name: string,
    report: {
      taskId: number
      success: boolean
      message: string
      output?: unknown
      durationMs?: number
    },
  ): Promise<Task | undefined> {
    const owner = `external:${name}`
    const task = await this.deps.store.get(report.taskId)
    if (!task || task.leaseOwner !== owner || task.state !== 'running') return undefined
    const durationMs = report.durationMs ?? this.deps.now() - (task.startedAt ?? this.deps.now())
    try {
      return await this.end(task, owner, report.success ? 'succeeded' : 'failed', {
        message: report.message || (report.success ? 'done' : 'failed'),
        output: report.output,
        durationMs,
        ...(this.deps.settings.mode !== 'enforce' ? { dryRun: true } : {}),
      })
    } catch {
      return undefined
    }
  }

  /** wake makes idle workers look for work now (a task was just approved). */
  wake(): void {
    for (const w of this.wakers) w()
  }

  /**
   * run starts the workers and returns once they stopped: after `signal` aborts, no new claim
   * is made; in-flight tasks get the grace period, then their work is aborted and released.
   */
  async run(signal: AbortSignal): Promise<void> {
    const workers = Array.from({ length: this.deps.settings.workers }, (_, i) =>
      this.worker(i + 1, signal),
    )
    if (workers.length === 0) return
    const onAbort = () => {
      this.wake()
      const timer = setTimeout(() => this.hard.abort(), this.deps.graceMs ?? 30_000)
      void Promise.all(workers).then(() => clearTimeout(timer))
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    try {
      await Promise.all(workers)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  private async worker(n: number, signal: AbortSignal): Promise<void> {
    const owner = this.owner(n)
    while (!signal.aborted) {
      let task: Task | undefined
      try {
        await this.expire()
        if (this.deps.leader.isLeader() && (await this.deps.store.hasRunnable(this.deps.now())))
          task = await this.deps.store.claim(owner, this.deps.now(), this.deps.settings.leaseMs)
      } catch (err) {
        this.deps.logger.error('remediation: cannot claim a task', { err })
      }
      if (task) {
        try {
          await this.execute(task, owner)
        } catch (err) {
          this.deps.logger.warn('remediation: task ended without its lease', { task: task.id, err })
        }
        continue
      }
      await this.idle(signal)
    }
  }

  private lastExpiry = 0

  private async expire(): Promise<void> {
    const now = this.deps.now()
    if (now - this.lastExpiry < 15_000) return
    this.lastExpiry = now
    for (const task of await this.deps.store.expire(now, `external:%`)) {
      await this.record(task, 'remediation.task.expired', 'failure', {
        message: task.result?.message,
      })
      this.deps.metrics.finished(task.action, 'expired')
      this.deps.changed(task)
    }
  }

  private idle(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, this.deps.pollMs ?? 1000)
      this.wakers.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }

  /**
   * execute runs one claimed task to its end (or hands it back). Exposed for `/executor/execute`,
   * which runs a task it just created and approved in the request.
   */
  async execute(task: Task, owner: string): Promise<Task> {
    const { store, settings } = this.deps
    const started = this.deps.now()
    const lost = new AbortController()
    const timeout = new AbortController()
    const renewEvery = Math.max(100, Math.floor(settings.leaseMs / 3))
    const renewer = setInterval(() => {
      store.renew(task.id, owner, this.deps.now(), settings.leaseMs).then(
        (held) => held || lost.abort(new LeaseLostError('the lease of the task was lost')),
        () => {},
      )
    }, renewEvery)
    const def = this.deps.actions[task.action]
    const timer = setTimeout(
      () => timeout.abort(new Error(`timed out after ${def?.timeoutMs ?? 0} ms`)),
      def?.timeoutMs ?? 60_000,
    )
    const signal = AbortSignal.any([lost.signal, timeout.signal, this.hard.signal])
    const result = (message: string, extra: Partial<TaskResult> = {}): TaskResult => ({
      message,
      durationMs: this.deps.now() - started,
      ...extra,
    })
    let phase = task.phase
    try {
      this.deps.changed(task)
      if (!def)
        return await this.end(task, owner, 'failed', result(`unknown action ${task.action}`))
      const parsed = def.params.safeParse(task.params)
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`)
        return await this.end(task, owner, 'failed', result(`invalid params: ${why.join('; ')}`))
      }
      const params = parsed.data
      if (task.attempts > task.maxAttempts + 2)
        return await this.end(
          task,
          owner,
          'failed',
          result(
            `claimed ${task.attempts} times without finishing (its workers stopped or died each ` +
              `time); given up after ${task.maxAttempts} attempts`,
          ),
        )
      let ctx: ActionContext
      try {
        ctx = await this.context(task, signal, true)
      } catch (err) {
        // Before the guards: a refusal that needs no cluster (mode off, access) still refuses.
        const early = await this.earlyRefusal(task)
        if (early) return await this.refuse(task, owner, early.refusal, early.guards, result)
        return await this.failure(task, owner, err, 'connecting to the cluster', result, undefined)
      }

      if (phase === 'mutated' || phase === 'verifying') {
        // A worker died after the change: never change again, only verify.
        return await this.verify(
          task,
          owner,
          def,
          ctx,
          params,
          task.result ?? { message: '' },
          result,
        )
      }
      if (phase === 'mutating' && !def.idempotent) {
        return await this.end(
          task,
          owner,
          'failed',
          result(
            `interrupted while changing the cluster (attempt ${task.attempts - 1}); not retried ` +
              `because ${task.action} is not idempotent and the outcome is unknown: check ` +
              `${targetKey(task.target)} by hand`,
          ),
        )
      }

      // 1. The guards that need no change: mode, access policy, namespaces, evidence, blast radius.
      const incident =
        task.incidentId === null ? undefined : await this.deps.incident(task.incidentId)
      const access = await this.deps.access(task)
      const impact = def.impact ? await def.impact(ctx, params) : undefined
      const guards = preflight({ task, settings, now: this.deps.now(), incident, access, impact })
      const refusal = refusalOf(guards)
      await this.record(task, 'remediation.task.evaluated', refusal ? 'denied' : 'success', {
        guards,
        impact,
        applied_policies: access.appliedPolicies,
      })
      if (refusal) return await this.refuse(task, owner, refusal, guards, result)

      // 2. The exact change as a server-side dry run.
      let dry: ActionOutput
      try {
        dry = await def.run(ctx, params)
      } catch (err) {
        if (signal.aborted) throw err
        return await this.failure(task, owner, err, 'dry run', result, guards)
      }
      if (
        !(await store.setPhase(task.id, owner, 'dry_run', this.deps.now(), { dryRun: dry, guards }))
      )
        throw new LeaseLostError('the lease of the task was lost')
      phase = 'dry_run'
      await this.record(task, 'remediation.task.dry_run', 'success', { message: dry.message })
      if (settings.mode !== 'enforce') {
        return await this.end(
          task,
          owner,
          'succeeded',
          result(`dry run only (VIGIL_REMEDIATION_MODE=${settings.mode}): ${dry.message}`, {
            output: dry.output,
            dryRun: true,
          }),
        )
      }

      // 3. Still the leader, still our lease, within the rate limits: mark it mutating.
      if (!(await this.deps.leader.confirm()))
        throw new LeaseLostError('this process is no longer the leader')
      const reserved = await this.reserve(task, owner, guards)
      if (reserved === 'lost') throw new LeaseLostError('the lease of the task was lost')
      if (reserved) return await this.refuse(task, owner, reserved.refusal, reserved.guards, result)
      phase = 'mutating'

      // 4. The change.
      let out: ActionOutput
      try {
        out = await def.run({ ...ctx, dryRun: false }, params)
      } catch (err) {
        if (signal.aborted && !timeout.signal.aborted) throw err
        return await this.failure(task, owner, err, 'the change', result, undefined)
      }
      await store.setPhase(task.id, owner, 'mutated', this.deps.now(), {
        result: result(out.message, { output: out.output }),
      })
      phase = 'mutated'
      await this.record(task, 'remediation.task.executed', 'success', { message: out.message })

      // 5. Verification.
      return await this.verify(task, owner, def, { ...ctx, dryRun: false }, params, out, result)
    } catch (err) {
      if (err instanceof LeaseLostError || lost.signal.aborted) {
        this.deps.logger.warn('remediation: task stopped, its lease was lost', {
          task: task.id,
          phase,
          reason: (err as Error).message,
        })
        this.deps.metrics.lost()
        return (await store.get(task.id)) ?? task
      }
      if (this.hard.signal.aborted) {
        // Shutdown: hand it back. Before the change, the attempt does not count; after it, the
        // lease is left to expire so that the next worker resumes from `phase`.
        if (phase !== 'mutating' && phase !== 'mutated')
          await store.retry(task.id, owner, this.deps.now(), this.deps.now(), { release: true })
        else await store.abandon(task.id, owner, this.deps.now())
        return (await store.get(task.id)) ?? task
      }
      if (timeout.signal.aborted)
        return await this.end(
          task,
          owner,
          'failed',
          result(`${task.action} timed out after ${def!.timeoutMs} ms (${phase ?? 'claimed'})`),
        )
      this.deps.logger.error('remediation: task failed unexpectedly', { task: task.id, err })
      return await this.end(
        task,
        owner,
        'failed',
        result(`internal error: ${(err as Error).message}`),
      )
    } finally {
      clearInterval(renewer)
      clearTimeout(timer)
    }
  }

  /** earlyRefusal runs the guards that need no cluster; the refusal, if one refuses. */
  private async earlyRefusal(
    task: Task,
  ): Promise<{ refusal: GuardDecision; guards: GuardDecision[] } | undefined> {
    const incident =
      task.incidentId === null ? undefined : await this.deps.incident(task.incidentId)
    const access = await this.deps.access(task)
    const guards = preflight({
      task,
      settings: this.deps.settings,
      now: this.deps.now(),
      incident,
      access,
      impact: undefined,
    }).filter((g) => g.guard !== 'blast_radius')
    const refusal = refusalOf(guards)
    return refusal ? { refusal, guards } : undefined
  }

  /**
   * reserve marks the task mutating if the lease is ours and every rate limit holds (one atomic
   * update). Undefined when reserved; 'lost' without the lease; else the refusal and decisions.
   */
  private async reserve(
    task: Task,
    owner: string,
    guards: GuardDecision[],
  ): Promise<undefined | 'lost' | { refusal: GuardDecision; guards: GuardDecision[] }> {
    const checks = rateChecks(task, this.deps.settings)
    const passed = checks.map((c) => ({
      guard: c.guard,
      allowed: true,
      reason: `within ${c.limit} ${c.what}`,
    }))
    const reserved = await this.deps.store.reserve(task.id, owner, this.deps.now(), checks, [
      ...guards,
      ...passed,
    ])
    if (reserved.ok) return undefined
    if ('lost' in reserved) return 'lost'
    const decisions = checks.map((c, i) => rateDecision(c, reserved.counts[i]!))
    // The counts were read after the update refused; if they moved meanwhile, name the tightest.
    const refusal = refusalOf(decisions) ?? {
      guard: 'rate_limit',
      allowed: false,
      reason: 'a rate limit was reached by concurrent changes while this one was being reserved',
    }
    return { refusal, guards: [...guards, ...decisions.filter((d) => d.allowed), refusal] }
  }

  private async verify(
    task: Task,
    owner: string,
    def: ActionDefinition<any>,
    ctx: ActionContext,
    params: unknown,
    out: ActionOutput,
    result: (message: string, extra?: Partial<TaskResult>) => TaskResult,
  ): Promise<Task> {
    if (!def.verify)
      return this.end(task, owner, 'succeeded', result(out.message, { output: out.output }))
    try {
      const verified = await def.verify({ ...ctx, dryRun: false }, params, out, def.timeoutMs)
      await this.record(task, 'remediation.task.verified', 'success', { verified })
      return await this.end(
        task,
        owner,
        'succeeded',
        result(out.message, { output: out.output, verified }),
      )
    } catch (err) {
      if (ctx.signal.aborted && !(err as Error).name?.includes('Verification')) throw err
      return this.end(
        task,
        owner,
        'failed',
        result(`changed, but verification failed: ${(err as Error).message}`, {
          output: out.output,
        }),
      )
    }
  }

  private async failure(
    task: Task,
    owner: string,
    err: unknown,
    during: string,
    result: (message: string, extra?: Partial<TaskResult>) => TaskResult,
    guards: GuardDecision[] | undefined,
  ): Promise<Task> {
    const message = `${during} failed: ${(err as Error).message}`
    if (this.deps.isTransient(err) && task.attempts < task.maxAttempts) {
      const base = this.deps.backoffMs ?? 2_000
      const delay = Math.min(300_000, base * 2 ** (task.attempts - 1)) * (0.8 + Math.random() * 0.4)
      const now = this.deps.now()
      await this.deps.store.retry(task.id, owner, now + Math.round(delay), now, {
        result: result(`${message}; retrying in ${Math.round(delay / 1000)} s`),
      })
      await this.record(task, 'remediation.task.retry', 'failure', {
        message,
        attempt: task.attempts,
        delay_ms: Math.round(delay),
      })
      this.deps.metrics.retried(task.action)
      const again = (await this.deps.store.get(task.id)) ?? task
      this.deps.changed(again)
      return again
    }
    return this.end(task, owner, 'failed', result(message), guards)
  }

  private async refuse(
    task: Task,
    owner: string,
    refusal: GuardDecision,
    guards: GuardDecision[],
    result: (message: string, extra?: Partial<TaskResult>) => TaskResult,
  ): Promise<Task> {
    this.deps.metrics.refused(refusal.guard)
    return this.end(
      task,
      owner,
      'rejected',
      result(`refused by ${refusal.guard}: ${refusal.reason}`, { refusedBy: refusal.guard }),
      guards,
      `guard:${refusal.guard}`,
    )
  }

  private async end(
    task: Task,
    owner: string,
    state: TaskState,
    result: TaskResult,
    guards?: GuardDecision[],
    decidedBy?: string,
  ): Promise<Task> {
    const done = await this.deps.store.finish(task.id, owner, state, result, this.deps.now(), {
      ...(guards ? { guards } : {}),
      ...(decidedBy ? { decidedBy } : {}),
    })
    if (!done) throw new LeaseLostError('the lease of the task was lost before it could finish')
    const action =
      state === 'succeeded'
        ? 'remediation.task.succeeded'
        : state === 'rejected'
          ? 'remediation.task.refused'
          : 'remediation.task.failed'
    await this.record(done, action, state === 'succeeded' ? 'success' : 'failure', {
      message: result.message,
      duration_ms: result.durationMs,
      ...(result.refusedBy ? { refused_by: result.refusedBy } : {}),
    })
    this.deps.metrics.finished(task.action, state, result.durationMs)
    this.deps.changed(done)
    return done
  }

  private async context(task: Task, signal: AbortSignal, dryRun: boolean): Promise<ActionContext> {
    const sleep = this.deps.sleep ?? abortableSleep
    // run_command needs no cluster; every other action does, so a missing one fails them.
    const cluster =
      task.action === 'run_command' ? (undefined as unknown as Cluster) : await this.deps.cluster()
    return {
      cluster,
      dryRun,
      signal,
      now: this.deps.now,
      fieldManager,
      limits: { replicas: task.limits?.replicas },
      commands: this.deps.settings.commands,
      sleep: (ms) => sleep(ms, signal),
    }
  }

  private async record(
    task: Task,
    action: string,
    outcome: 'success' | 'failure' | 'denied',
    details: Record<string, unknown>,
  ): Promise<void> {
    const entry = await this.deps.audit.append({
      actor: `executor:${this.deps.identity}`,
      actorType: 'system',
      action,
      target: `task:${task.id}`,
      outcome,
      details: {
        action: task.action,
        target: targetKey(task.target),
        incident: task.incidentId,
        policy: task.policy,
        attempt: task.attempts,
        ...details,
      },
    })
    if (this.direct.has(task.id)) this.direct.set(task.id, entry.seq)
  }
}

/** abortableSleep waits `ms`, or rejects as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
