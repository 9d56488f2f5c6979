/**
 * The remediation API. Tasks: list and read (`remediation:read`), ask for one by hand and cancel
 * (`remediation:execute`), approve and reject (`remediation:approve`). External executors:
 * `GET /remediator/tasks` claims approved tasks for a named executor and `POST
 * /remediator/results` reports how they ended, both HMAC-signed with VIGIL_REMEDIATOR_SECRET
 * (the signature covers the body; the secret, not the executor name, authenticates).
 * `POST /executor/execute` runs one action now, through the same access policies and guards.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead, auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { SqlReplayStore } from '../auth/replay.ts'
import { requireSignature } from '../auth/signed-requests.ts'
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts'
import { clientAddress } from '../http/client.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import { parseJson, parseQuery, parseText } from '../http/validate.ts'
import {
  claimQuery,
  createInput,
  decisionInput,
  executeInput,
  listQuery,
  resultInput,
  taskId,
} from './params.ts'
import { presentTask } from './present.ts'
import type { Decider } from './service.ts'
import type { Requester, Task } from './types.ts'

function pathId(c: Context<AppEnv>): number {
  const id = taskId(c.req.param('id'))
  if (id === undefined) throw new NotFoundError(`no remediation task ${c.req.param('id')}`)
  return id
}

/** deciderOf is the principal of this request as a Decider. */
export function deciderOf(c: Context<AppEnv>): Decider {
  const p = c.var.principal
  return {
    name: p?.name ?? 'anonymous',
    actorType: p ? p.kind : 'anonymous',
    requestId: c.var.requestId,
    clientAddress: clientAddress(c),
  }
}

/** requesterOf is the principal of this request as a task's requester. */
export function requesterOf(c: Context<AppEnv>): Requester {
  const p = c.var.principal!
  return { kind: p.kind, name: p.name, role: p.role }
}

/** readDecision reads the optional `{comment}` of a decision (JSON or a form). */
async function readDecision(c: Context<AppEnv>): Promise<string | null> {
  const text = await c.req.text()
  if (text.trim() === '') return null
  const type = c.req.header('content-type') ?? ''
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text)
    return (
      parseText(JSON.stringify({ comment: form.get('comment') ?? undefined }), decisionInput)
        .comment || null
    )
  }
  return parseText(text, decisionInput).comment || null
}

/** listTasks reads one page of tasks for a validated query. */
export async function listTasks(c: Context<AppEnv>, q: z.output<typeof listQuery>) {
  const { store } = c.var.deps.remediation.service
  const cursor = readCursor(q.cursor)
  const snapshot = cursor?.snapshot ?? (await store.maxId())
  const rows = await store.list({
    states: q.state,
    incidentId: q.incident,
    beforeId: cursor?.id,
    upTo: snapshot,
    limit: q.limit + 1,
  })
  const page = pageOf(
    rows.map((t) => Object.assign(t, { ts: t.id })),
    q.limit,
    snapshot,
  )
  return { tasks: page.rows as Task[], has_more: page.has_more, next_cursor: page.next_cursor }
}

/** decide runs approve / reject / cancel for the API and the pages. */
export async function decide(
  c: Context<AppEnv>,
  verb: 'approve' | 'reject' | 'cancel',
  comment: string | null,
) {
  const { service } = c.var.deps.remediation
  const id = pathId(c)
  const task = await service[verb](id, deciderOf(c), comment)
  c.set('audited', true)
  return task
}

/**
 * proposeTask asks for a task by hand for the API and the pages: `approve: true` needs
 * remediation:approve, and an incident id must name an incident (its severity goes on the task).
 */
export async function proposeTask(c: Context<AppEnv>, input: z.output<typeof createInput>) {
  const principal = c.var.principal!
  if (input.approve && !grants(principal.permissions, 'remediation:approve'))
    throw new ForbiddenError('approve: true needs the permission remediation:approve', {
      details: { permission: 'remediation:approve' },
    })
  const { service } = c.var.deps.remediation
  const incident =
    input.incident_id === undefined
      ? undefined
      : await c.var.deps.incidents.get(input.incident_id).catch(() => {
          throw new NotFoundError(`incident_id: no incident ${input.incident_id}`)
        })
  const proposed = await service.propose(
    {
      action: input.action,
      params: input.params,
      reason: input.reason,
      requester: requesterOf(c),
      incidentId: incident?.id ?? null,
      severity: incident?.severity ?? null,
      priority: input.priority,
      idempotencyKey: input.idempotency_key,
      mode: 'approval',
    },
    { ...deciderOf(c), approve: input.approve },
  )
  c.set('audited', true)
  return proposed
}

function signed(): MiddlewareHandler<AppEnv> {
  let check: MiddlewareHandler | undefined
  return async (c, next) => {
    const { config, db, now } = c.var.deps
    if (config.remediation.secrets.length === 0)
      throw new UnauthorizedError(
        'external executors are not configured: set VIGIL_REMEDIATOR_SECRET on the server',
        { code: 'invalid_signature', details: { reason: 'not_configured' } },
      )
    check ??= requireSignature({
      secrets: () => c.var.deps.config.remediation.secrets,
      replay: new SqlReplayStore(db.client),
      now,
    })
    return check(c, next)
  }
}

/** remediationRoutes is mounted at the root of the app. */
export const remediationRoutes = new Hono<AppEnv>()
  .get('/api/v1/remediation/tasks', requires('remediation:read'), async (c) => {
    const q = parseQuery(c, listQuery)
    const page = await listTasks(c, q)
    await auditRead(c, 'remediation.query', { state: q.state, returned: page.tasks.length })
    return c.json({ ...page, tasks: page.tasks.map(presentTask) })
  })
  .post('/api/v1/remediation/tasks', requires('remediation:execute'), async (c) => {
    const { task, created } = await proposeTask(c, await parseJson(c, createInput))
    return c.json({ task: presentTask(task), created }, created ? 201 : 200)
  })
  .get('/api/v1/remediation/actions', requires('remediation:read'), (c) => {
    const { service } = c.var.deps.remediation
    return c.json({
      mode: service.settings.mode,
      actions: service.actionNames().map((name) => {
        const def = service.action(name)!
        return {
          name,
          summary: def.summary,
          idempotent: def.idempotent ?? false,
          timeout_ms: def.timeoutMs,
          params: z.toJSONSchema(def.params, { unrepresentable: 'any', io: 'input' }),
        }
      }),
    })
  })
  .get('/api/v1/remediation/tasks/:id', requires('remediation:read'), async (c) => {
    const task = await c.var.deps.remediation.service.get(pathId(c))
    await auditRead(c, 'remediation.read', { id: task.id })
    return c.json({ task: presentTask(task) })
  })
  .post('/api/v1/remediation/tasks/:id/approve', requires('remediation:approve'), async (c) => {
    const task = await decide(c, 'approve', await readDecision(c))
    return c.json({ task: presentTask(task) })
  })
  .post('/api/v1/remediation/tasks/:id/reject', requires('remediation:approve'), async (c) => {
    const task = await decide(c, 'reject', await readDecision(c))
    return c.json({ task: presentTask(task) })
  })
  .post('/api/v1/remediation/tasks/:id/cancel', requires('remediation:execute'), async (c) => {
    const task = await decide(c, 'cancel', await readDecision(c))
    return c.json({ task: presentTask(task) })
  })
  .post('/executor/execute', requires('remediation:execute'), async (c) => {
    const input = await parseJson(c, executeInput)
    const { service, executor } = c.var.deps.remediation
    const { task } = await service.propose(
      {
        action: input.actionType,
        params: input.actionParams,
        reason: input.reason ?? `requested by ${input.requestedBy} through /executor/execute`,
        requester: requesterOf(c),
        priority: 0,
        mode: 'approval',
      },
      { ...deciderOf(c), approve: true },
    )
    c.set('audited', true)
    const ran = task.state === 'approved' ? await executor.runNow(task.id) : undefined
    const ended = ran?.task ?? task
    const audit = await auditRequest(c, {
      action: 'remediation.execute',
      target: `task:${task.id}`,
      outcome: ended.state === 'succeeded' ? 'success' : 'failure',
      details: {
        requested_by: input.requestedBy,
        action: task.action,
        state: ended.state,
        ended_by_audit_seq: ran?.auditSeq,
      },
    })
    return c.json({
      success: ended.state === 'succeeded',
      auditId: audit.seq,
      result: presentTask(ended),
    })
  })
  .get('/remediator/tasks', requires('signed'), signed(), async (c) => {
    const q = parseQuery(c, claimQuery)
    const { executor, service } = c.var.deps.remediation
    const tasks = await executor.claimExternal(q.executor, q.limit)
    return c.json({
      mode: service.settings.mode,
      tasks: tasks.map((t) => ({
        ...presentTask(t),
        lease_until: t.leaseUntil && new Date(t.leaseUntil).toISOString(),
      })),
    })
  })
  .post('/remediator/results', requires('signed'), signed(), async (c) => {
    const input = await parseJson(c, resultInput)
    const { executor } = c.var.deps.remediation
    const task = await executor.reportExternal(input.executor, {
      taskId: input.task_id,
      success: input.success,
      message: input.message,
      output: input.output,
      durationMs: input.duration_ms,
    })
    if (!task)
      throw new NotFoundError(
        `task ${input.task_id} is not running under executor ${input.executor} (never claimed by it, already reported, or its lease ran out)`,
        { code: 'task_not_claimed' },
      )
    await auditRequest(c, {
      action: 'remediation.result',
      actor: `external:${input.executor}`,
      target: `task:${task.id}`,
      outcome: input.success ? 'success' : 'failure',
      details: { message: input.message, state: task.state },
    })
    return c.json({ task: presentTask(task) })
  })
