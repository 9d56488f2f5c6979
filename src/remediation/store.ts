/**
 * SQL over `remediation_tasks`; returns domain types. Every change of state is one conditional
 * UPDATE (`WHERE state IN (...)`, `AND lease_owner = ?`), so two people deciding at once, or two
 * workers (threads, processes, replicas) claiming at once, cannot both win: the loser's update
 * matches no row. Claims take a lease that the worker renews; a task whose lease expired is
 * claimable again, with its `phase` saying how far the dead worker got.
 *
 * Past the usual length on purpose: every statement that changes a task's state or lease is here,
 * so their conditions (state, owner, lease) can be checked against each other in one read.
 */
import type { Client, Row } from '@libsql/client'
import { queuedClient, type WriteQueue } from '../db/serial.ts'
import type {
  GuardDecision,
  Requester,
  Task,
  TaskLimits,
  TaskPhase,
  TaskResult,
  TaskState,
  Target,
} from './types.ts'
import type { ActionName } from './types.ts'

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : JSON.parse(String(v))

function toTask(r: Row): Task {
  return {
    id: Number(r.id),
    action: String(r.action) as ActionName,
    params: JSON.parse(String(r.params)) as Record<string, unknown>,
    target: {
      kind: String(r.target_kind),
      namespace: str(r.target_namespace) ?? undefined,
      name: String(r.target_name),
    },
    priority: Number(r.priority),
    requester: {
      kind: String(r.requester_kind) as Requester['kind'],
      name: String(r.requester_name),
      role: str(r.requester_role) ?? undefined,
    },
    reason: String(r.reason),
    incidentId: num(r.incident_id),
    policy: str(r.policy),
    step: num(r.step),
    idempotencyKey: str(r.idempotency_key),
    state: String(r.state) as TaskState,
    phase: str(r.phase) as TaskPhase | null,
    severity: str(r.severity),
    limits: json<TaskLimits>(r.limits),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    notBefore: Number(r.not_before),
    leaseOwner: str(r.lease_owner),
    leaseUntil: num(r.lease_until),
    dryRun: json<unknown>(r.dry_run),
    guards: JSON.parse(String(r.guards)) as GuardDecision[],
    result: json<TaskResult>(r.result),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    expiresAt: num(r.expires_at),
    startedAt: num(r.started_at),
    mutatedAt: num(r.mutated_at),
    finishedAt: num(r.finished_at),
    decidedBy: str(r.decided_by),
    decisionComment: str(r.decision_comment),
  }
}

/** NewTask is what a proposal stores; the store adds the id, state `pending` and the times. */
export type NewTask = Pick<
  Task,
  | 'action'
  | 'params'
  | 'target'
  | 'priority'
  | 'requester'
  | 'reason'
  | 'incidentId'
  | 'policy'
  | 'step'
  | 'idempotencyKey'
  | 'severity'
  | 'limits'
  | 'maxAttempts'
  | 'expiresAt'
>

/** TaskStore reads and changes tasks. */
export class TaskStore {
  private readonly client: Pick<Client, 'execute' | 'batch'>

  /** With a `queue`, every statement waits its turn behind the others of this process. */
  constructor(client: Client, queue?: WriteQueue) {
    this.client = queue ? queuedClient(client, queue) : client
  }

  /**
   * insert stores a new pending task. With an idempotency key already used, nothing is stored
   * and the existing task comes back with `created: false`.
   */
  async insert(t: NewTask, now: number): Promise<{ task: Task; created: boolean }> {
    const res = await this.client.execute({
      sql: `INSERT INTO remediation_tasks (action, params, target_kind, target_namespace,
          target_name, priority, requester_kind, requester_name, requester_role, reason,
          incident_id, policy, step, idempotency_key, state, severity, limits, max_attempts,
          not_before, created_at, updated_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
      args: [
        t.action,
        JSON.stringify(t.params),
        t.target.kind,
        t.target.namespace ?? null,
        t.target.name,
        t.priority,
        t.requester.kind,
        t.requester.name,
        t.requester.role ?? null,
        t.reason,
        t.incidentId,
        t.policy,
        t.step,
        t.idempotencyKey,
        t.severity,
        t.limits ? JSON.stringify(t.limits) : null,
        t.maxAttempts,
        now,
        now,
        now,
        t.expiresAt,
      ],
    })
    if (res.rows[0]) return { task: toTask(res.rows[0]), created: true }
    const existing = await this.client.execute({
      sql: 'SELECT * FROM remediation_tasks WHERE idempotency_key = ?',
      args: [t.idempotencyKey],
    })
    return { task: toTask(existing.rows[0]!), created: false }
  }

  /** get reads one task. */
  async get(id: number): Promise<Task | undefined> {
    const res = await this.client.execute({
      sql: 'SELECT * FROM remediation_tasks WHERE id = ?',
      args: [id],
    })
    return res.rows[0] ? toTask(res.rows[0]) : undefined
  }

  /** list reads tasks newest first; `beforeId` pages; `states` and `incidentId` filter. */
  async list(q: {
    states?: readonly TaskState[] | undefined
    incidentId?: number | undefined
    beforeId?: number | undefined
    /** The snapshot of a first page: no task above this id. */
    upTo?: number | undefined
    limit: number
  }): Promise<Task[]> {
    const where: string[] = []
    const args: (string | number)[] = []
    if (q.states?.length) {
      where.push(`state IN (${q.states.map(() => '?').join(', ')})`)
      args.push(...q.states)
    }
    if (q.incidentId !== undefined) (where.push('incident_id = ?'), args.push(q.incidentId))
    if (q.beforeId !== undefined) (where.push('id < ?'), args.push(q.beforeId))
    if (q.upTo !== undefined) (where.push('id <= ?'), args.push(q.upTo))
    args.push(q.limit)
    const res = await this.client.execute({
      sql: `SELECT * FROM remediation_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT ?`,
      args,
    })
    return res.rows.map(toTask)
  }

  /** maxId is the largest task id (0 when none): the snapshot of a first page. */
  async maxId(): Promise<number> {
    const res = await this.client.execute(
      'SELECT coalesce(max(id), 0) AS id FROM remediation_tasks',
    )
    return Number(res.rows[0]?.id ?? 0)
  }

  /** countByState counts the tasks in each state. */
  async countByState(): Promise<Partial<Record<TaskState, number>>> {
    const res = await this.client.execute(
      'SELECT state, count(*) AS n FROM remediation_tasks GROUP BY state',
    )
    return Object.fromEntries(res.rows.map((r) => [String(r.state), Number(r.n)]))
  }

  /**
   * transition moves a task from one of `from` to `to` (with the given columns), and returns it,
   * or undefined when it was not in one of those states (someone else decided first).
   */
  async transition(
    id: number,
    from: readonly TaskState[],
    to: TaskState,
    now: number,
    set: {
      decidedBy?: string
      decisionComment?: string | null
      result?: TaskResult
      guards?: GuardDecision[]
      finished?: boolean
    } = {},
  ): Promise<Task | undefined> {
    const cols = ['state = ?', 'updated_at = ?']
    const args: (string | number | null)[] = [to, now]
    if (set.decidedBy !== undefined) (cols.push('decided_by = ?'), args.push(set.decidedBy))
    if (set.decisionComment !== undefined)
      (cols.push('decision_comment = ?'), args.push(set.decisionComment))
    if (set.result) (cols.push('result = ?'), args.push(JSON.stringify(set.result)))
    if (set.guards) (cols.push('guards = ?'), args.push(JSON.stringify(set.guards)))
    if (set.finished) (cols.push('finished_at = ?', 'lease_owner = NULL'), args.push(now))
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET ${cols.join(', ')}
        WHERE id = ? AND state IN (${from.map(() => '?').join(', ')}) RETURNING *`,
      args: [...args, id, ...from],
    })
    return res.rows[0] ? toTask(res.rows[0]) : undefined
  }

  /**
   * claim takes the next runnable task for `owner` with a lease until `now + leaseMs`: an
   * approved one whose backoff is over, or a running one whose lease expired (its worker died),
   * by priority then age. One UPDATE ... WHERE id = (SELECT ...): atomic under the write lock.
   * `external` claims only for external executors (they never take a task a worker started).
   */
  async claim(
    owner: string,
    now: number,
    leaseMs: number,
    options: { external?: boolean; actions?: readonly string[]; id?: number } = {},
  ): Promise<Task | undefined> {
    const runnable = options.id
      ? `id = ${Math.trunc(options.id)} AND state = 'approved'`
      : options.external
        ? `state = 'approved' AND not_before <= ?1`
        : `((state = 'approved' AND not_before <= ?1) OR (state = 'running' AND lease_until < ?1
          AND lease_owner NOT LIKE 'external:%'))`
    const actionFilter = options.actions?.length
      ? `AND action IN (${options.actions.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ')})`
      : ''
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET state = 'running', lease_owner = ?2, lease_until = ?3,
          attempts = attempts + 1, started_at = coalesce(started_at, ?1), updated_at = ?1,
          phase = CASE WHEN state = 'running' THEN phase ELSE 'claimed' END
        WHERE id = (SELECT id FROM remediation_tasks WHERE ${runnable} ${actionFilter}
          ORDER BY priority, id LIMIT 1) RETURNING *`,
      args: [now, owner, now + leaseMs],
    })
    return res.rows[0] ? toTask(res.rows[0]) : undefined
  }

  /** hasRunnable tells, with a read only, whether `claim` could find something now. */
  async hasRunnable(now: number): Promise<boolean> {
    const res = await this.client.execute({
      sql: `SELECT 1 FROM remediation_tasks WHERE (state = 'approved' AND not_before <= ?1)
          OR (state = 'running' AND lease_until < ?1 AND lease_owner NOT LIKE 'external:%')
        LIMIT 1`,
      args: [now],
    })
    return res.rows.length > 0
  }

  /** renew extends a held lease; false when the lease is no longer ours (taken over or ended). */
  async renew(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET lease_until = ?
        WHERE id = ? AND lease_owner = ? AND state = 'running' AND lease_until >= ?`,
      args: [now + leaseMs, id, owner, now],
    })
    return res.rowsAffected === 1
  }

  /** setPhase records progress of the current attempt; false when the lease is not ours. */
  async setPhase(
    id: number,
    owner: string,
    phase: TaskPhase,
    now: number,
    set: { dryRun?: unknown; guards?: GuardDecision[]; result?: TaskResult } = {},
  ): Promise<boolean> {
    const cols = ['phase = ?', 'updated_at = ?']
    const args: (string | number | null)[] = [phase, now]
    if (set.dryRun !== undefined) (cols.push('dry_run = ?'), args.push(JSON.stringify(set.dryRun)))
    if (set.guards) (cols.push('guards = ?'), args.push(JSON.stringify(set.guards)))
    if (set.result) (cols.push('result = ?'), args.push(JSON.stringify(set.result)))
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET ${cols.join(', ')}
        WHERE id = ? AND lease_owner = ? AND state = 'running' AND lease_until >= ?`,
      args: [...args, id, owner, now],
    })
    return res.rowsAffected === 1
  }

  /**
   * reserve is the last step before a mutation, one conditional UPDATE (atomic under the write
   * lock, so concurrent workers and replicas count each other exactly): while the lease is ours
   * and every rate check holds (fewer than `limit` other tasks matching its filter changed the
   * cluster in the last hour), it marks the task `mutating` with `mutated_at = now`. Otherwise it
   * says why: the lease was lost, or the counts of each check (the caller names the refusal).
   */
  async reserve(
    id: number,
    owner: string,
    now: number,
    checks: readonly { filter: CountFilter; limit: number }[],
    guards: GuardDecision[],
  ): Promise<{ ok: true } | { ok: false; lost: true } | { ok: false; counts: number[] }> {
    const since = now - 3_600_000
    const counted = checks.map((c) => this.countSql(c.filter, since, id))
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET phase = 'mutating', mutated_at = ?, updated_at = ?,
          guards = ?
        WHERE id = ? AND lease_owner = ? AND state = 'running' AND lease_until >= ?
          ${counted.map((c) => `AND (${c.sql}) < ?`).join(' ')}`,
      args: [
        now,
        now,
        JSON.stringify(guards),
        id,
        owner,
        now,
        ...counted.flatMap((c, i) => [...c.args, checks[i]!.limit]),
      ],
    })
    if (res.rowsAffected === 1) return { ok: true }
    const held = await this.client.execute({
      sql: `SELECT 1 FROM remediation_tasks
        WHERE id = ? AND lease_owner = ? AND state = 'running' AND lease_until >= ?`,
      args: [id, owner, now],
    })
    if (held.rows.length === 0) return { ok: false, lost: true }
    const counts: number[] = []
    for (const c of counted) {
      const r = await this.client.execute({ sql: c.sql, args: c.args })
      counts.push(Number(r.rows[0]!.n))
    }
    return { ok: false, counts }
  }

  private countSql(filter: CountFilter, since: number, id: number) {
    const clauses = ['mutated_at >= ?', 'id != ?']
    const args: (string | number)[] = [since, id]
    for (const [col, value] of Object.entries(filter) as [keyof CountFilter, string][]) {
      clauses.push(`${columnOf[col]} = ?`)
      args.push(value)
    }
    return {
      sql: `SELECT count(*) AS n FROM remediation_tasks WHERE ${clauses.join(' AND ')}`,
      args,
    }
  }

  /** finish ends a running task in a final state; false when the lease is not ours. */
  async finish(
    id: number,
    owner: string,
    state: TaskState,
    result: TaskResult,
    now: number,
    set: { guards?: GuardDecision[]; decidedBy?: string } = {},
  ): Promise<Task | undefined> {
    const cols = ['state = ?', 'result = ?', 'finished_at = ?', 'updated_at = ?']
    const args: (string | number | null)[] = [state, JSON.stringify(result), now, now]
    if (set.guards) (cols.push('guards = ?'), args.push(JSON.stringify(set.guards)))
    if (set.decidedBy) (cols.push('decided_by = ?'), args.push(set.decidedBy))
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET ${cols.join(', ')}, lease_until = NULL
        WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING *`,
      args: [...args, id, owner],
    })
    return res.rows[0] ? toTask(res.rows[0]) : undefined
  }

  /**
   * retry hands a running task back to the queue after a transient failure, not before
   * `notBefore`; with `release` the attempt does not count (graceful shutdown before mutating).
   */
  async retry(
    id: number,
    owner: string,
    notBefore: number,
    now: number,
    set: { result?: TaskResult; release?: boolean } = {},
  ): Promise<boolean> {
    const res = await this.client.execute({
      sql: `UPDATE remediation_tasks SET state = 'approved', lease_owner = NULL, lease_until = NULL,
          phase = NULL, mutated_at = NULL, not_before = ?, updated_at = ?,
          attempts = attempts - ?, result = coalesce(?, result)
        WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      args: [
        notBefore,
        now,
        set.release ? 1 : 0,
        set.result ? JSON.stringify(set.result) : null,
        id,
        owner,
      ],
    })
    return res.rowsAffected === 1
  }

  /**
   * abandon ends our lease now but leaves the task running with its phase, so that the next
   * worker resumes it at once (shutdown in the middle of a change).
   */
  async abandon(id: number, owner: string, now: number): Promise<void> {
    await this.client.execute({
      sql: `UPDATE remediation_tasks SET lease_until = ?, updated_at = ?
        WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      args: [now - 1, now, id, owner],
    })
  }

  /**
   * expire ends the tasks still waiting for a decision past their `expires_at` (expired), and
   * the tasks handed to an external executor (owner like `externalOwners`) that did not report
   * before their lease ran out (failed).
   */
  async expire(now: number, externalOwners: string): Promise<Task[]> {
    const [waiting, handed] = await this.client.batch(
      [
        {
          sql: `UPDATE remediation_tasks SET state = 'expired', finished_at = ?1, updated_at = ?1,
              result = json_object('message', 'no decision before the approval expired',
                'durationMs', 0)
            WHERE state IN ('pending', 'awaiting_approval') AND expires_at IS NOT NULL
              AND expires_at < ?1 RETURNING *`,
          args: [now],
        },
        {
          sql: `UPDATE remediation_tasks SET state = 'failed', finished_at = ?1, updated_at = ?1,
              result = json_object('message', 'the external executor ' || lease_owner ||
                ' did not report a result before its lease ran out; check the target by hand',
                'durationMs', ?1 - coalesce(started_at, ?1))
            WHERE state = 'running' AND lease_owner LIKE ?2 AND lease_until < ?1 RETURNING *`,
          args: [now, externalOwners],
        },
      ],
      'write',
    )
    return [...waiting!.rows, ...handed!.rows].map(toTask)
  }

  /** proposedFor reads what policies already proposed for an incident (for escalation). */
  async proposedFor(incidentId: number): Promise<
    {
      policy: string
      step: number
      incidentId: number
      createdAt: number
      idempotencyKey: string | null
    }[]
  > {
    const res = await this.client.execute({
      sql: `SELECT policy, step, created_at, idempotency_key FROM remediation_tasks
        WHERE incident_id = ? AND policy IS NOT NULL ORDER BY id LIMIT 1000`,
      args: [incidentId],
    })
    return res.rows.map((r) => ({
      policy: String(r.policy),
      step: Number(r.step ?? 0),
      incidentId,
      createdAt: Number(r.created_at),
      idempotencyKey: str(r.idempotency_key),
    }))
  }
}

/** CountFilter narrows a count of recent mutations. */
export interface CountFilter {
  action?: string
  namespace?: string
  policy?: string
  targetKind?: string
  targetName?: string
}

const columnOf: Record<keyof CountFilter, string> = {
  action: 'action',
  namespace: 'target_namespace',
  policy: 'policy',
  targetKind: 'target_kind',
  targetName: 'target_name',
}
