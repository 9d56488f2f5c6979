import { afterEach, describe, expect, it } from 'bun:test'
import { signPayload } from '../../src/auth/signature.ts'
import { allowAllAccess, makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

const secret = 'executor-secret-0123456789'
let t: TestApp
afterEach(() => t?.close())

async function app(env: Record<string, string> = {}) {
  t = await makeApp({
    env: { VIGIL_REMEDIATION_MODE: 'enforce', VIGIL_REMEDIATOR_SECRET: secret, ...env },
  })
  return t
}

const allowAll = allowAllAccess

async function call(
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await t.app.request(path, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: { 'Content-Type': 'application/json', ...(options.headers ?? t.headers) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const restart = {
  action: 'restart_pod',
  params: { namespace: 'prod', pod: 'api-1' },
  reason: 'OOM',
}

describe('the task API', () => {
  it('creates a task that waits for approval, lists it, and approves it', async () => {
    await app()
    await allowAll(t)
    const created = await call('/api/v1/remediation/tasks', { body: restart })
    expect(created.status).toBe(201)
    expect(created.body.task).toMatchObject({
      action: 'restart_pod',
      state: 'awaiting_approval',
      target: { kind: 'Pod', namespace: 'prod', name: 'api-1' },
      requester: { kind: 'token', name: 'test-all' },
    })
    const id = created.body.task.id
    const list = await call('/api/v1/remediation/tasks?state=awaiting_approval')
    expect(list.body.tasks.map((x: { id: number }) => x.id)).toEqual([id])
    const approved = await call(`/api/v1/remediation/tasks/${id}/approve`, {
      body: { comment: 'looks right' },
    })
    expect(approved.status).toBe(200)
    expect(approved.body.task).toMatchObject({ state: 'approved', decision_comment: 'looks right' })
    const again = await call(`/api/v1/remediation/tasks/${id}/reject`, { body: {} })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('invalid_task_state')
    expect(again.body.error.message).toMatch(/^task \d+ is approved; only a task that is pending/)
  })

  it('rejects a task no AccessPolicy allows, with the reason, at once', async () => {
    await app()
    const created = await call('/api/v1/remediation/tasks', { body: restart })
    expect(created.status).toBe(201)
    expect(created.body.task.state).toBe('rejected')
    expect(created.body.task.result.message).toBe(
      'refused by access_policy: no AccessPolicy allows restart_pod on Pod prod/api-1 for token:test-all',
    )
  })

  it('answers 400 in our shape for bad input and stores nothing', async () => {
    await app()
    const cases: [unknown, RegExp][] = [
      [{ ...restart, action: 'nuke' }, /unknown action "nuke"/],
      [{ ...restart, params: { namespace: 'prod' } }, /params\.pod/],
      [{ ...restart, params: { namespace: 'Prod!', pod: 'a' } }, /params\.namespace/],
      [{ action: 'restart_pod', params: {} }, /reason/],
    ]
    for (const [body, message] of cases) {
      const res = await call('/api/v1/remediation/tasks', { body })
      expect(res.status).toBe(400)
      expect(res.body.error.message).toMatch(message)
    }
    expect((await call('/api/v1/remediation/tasks')).body.tasks).toEqual([])
    expect((await call('/api/v1/remediation/tasks/999')).status).toBe(404)
    expect((await call('/api/v1/remediation/tasks?state=bogus')).status).toBe(400)
  })

  it('needs remediation:approve to approve, also through approve: true', async () => {
    await app()
    await allowAll(t)
    const headers = await bearer(t, ['remediation:execute', 'remediation:read'])
    const created = await call('/api/v1/remediation/tasks', { body: restart, headers })
    const id = created.body.task.id
    expect(
      (await call(`/api/v1/remediation/tasks/${id}/approve`, { body: {}, headers })).status,
    ).toBe(403)
    const self = await call('/api/v1/remediation/tasks', {
      body: { ...restart, approve: true },
      headers,
    })
    expect(self.status).toBe(403)
    expect(self.body.error.message).toBe('approve: true needs the permission remediation:approve')
    // Cancelling needs execute only.
    const cancelled = await call(`/api/v1/remediation/tasks/${id}/cancel`, { body: {}, headers })
    expect(cancelled.body.task.state).toBe('cancelled')
  })

  it('lists the actions with their parameter schemas and the mode', async () => {
    await app()
    const { body } = await call('/api/v1/remediation/actions')
    expect(body.mode).toBe('enforce')
    expect(body.actions.map((a: { name: string }) => a.name)).toContain('drain_node')
    const restartPod = body.actions.find((a: { name: string }) => a.name === 'restart_pod')
    expect(restartPod.params.properties).toHaveProperty('pod')
  })
})

describe('external executors', () => {
  function signed(path: string, body: string, key = secret, header?: string) {
    header ??= signPayload(key, body, Date.now() / 1000).header
    return t.app.request(path, {
      method: body === '' ? 'GET' : 'POST',
      headers: { 'X-Vigil-Signature': header, 'Content-Type': 'application/json' },
      body: body === '' ? undefined : body,
    })
  }

  it('hands approved tasks to a signed executor and takes its signed result', async () => {
    await app({ VIGIL_REMEDIATION_WORKERS: '0' })
    await allowAll(t)
    const created = await call('/api/v1/remediation/tasks', { body: { ...restart, approve: true } })
    expect(created.body.task.state).toBe('approved')
    const claim = await signed('/remediator/tasks?executor=edge-1', '')
    expect(claim.status).toBe(200)
    const { tasks, mode } = (await claim.json()) as { tasks: any[]; mode: string }
    expect(mode).toBe('enforce')
    expect(tasks.map((x) => [x.id, x.state])).toEqual([[created.body.task.id, 'running']])
    // Nothing more to hand out.
    await Bun.sleep(1100) // the replay window is per (second, body): a new second, a new request
    const empty = await signed('/remediator/tasks?executor=edge-1', '')
    expect(((await empty.json()) as { tasks: unknown[] }).tasks).toEqual([])

    const report = JSON.stringify({
      task_id: tasks[0].id,
      executor: 'edge-1',
      success: true,
      message: 'pod deleted by edge-1',
      duration_ms: 42,
    })
    const wrongExecutor = await signed('/remediator/results', report.replace('edge-1', 'edge-2'))
    expect(wrongExecutor.status).toBe(404)
    const header = signPayload(secret, report, Date.now() / 1000).header
    const res = await signed('/remediator/results', report, secret, header)
    expect(res.status).toBe(200)
    const done = ((await res.json()) as { task: any }).task
    expect(done).toMatchObject({ state: 'succeeded', result: { message: 'pod deleted by edge-1' } })
    // The same signed request again is a replay.
    const replay = await signed('/remediator/results', report, secret, header)
    expect(replay.status).toBe(401)
    const { entries } = await t.audit.list({ limit: 100 })
    const actions = entries.filter((e) => e.target === `task:${done.id}`).map((e) => e.action)
    expect(actions).toContain('remediation.task.handed')
    expect(actions).toContain('remediation.result')
  })

  it('refuses unsigned, badly signed and unconfigured requests', async () => {
    await app()
    const bad = await signed('/remediator/tasks?executor=x', '', 'wrong-secret-0123456789')
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as any).error.details.reason).toBe('mismatch')
    const none = await t.app.request('/remediator/tasks?executor=x')
    expect(none.status).toBe(401)
    t.close()
    t = await makeApp()
    const off = await t.app.request('/remediator/tasks?executor=x')
    expect(((await off.json()) as any).error.message).toMatch(/VIGIL_REMEDIATOR_SECRET/)
  })

  it('POST /executor/execute runs through the access policies and guards and says how it ended', async () => {
    await app({ VIGIL_REMEDIATION_MODE: 'off' })
    await allowAll(t)
    const res = await call('/executor/execute', {
      body: {
        actionType: 'restart_pod',
        actionParams: { namespace: 'prod', pod: 'api-1' },
        requestedBy: 'chatops:bob',
      },
    })
    expect(res.status).toBe(200)
    expect(res.body.success).toBe(false)
    expect(res.body.result.state).toBe('rejected')
    expect(res.body.result.result.message).toBe(
      'refused by mode: remediation is off (VIGIL_REMEDIATION_MODE=off)',
    )
    expect(res.body.auditId).toBeNumber()
    const { entries } = await t.audit.list({ limit: 100 })
    const record = entries.find((e) => e.seq === res.body.auditId)!
    expect(record).toMatchObject({ action: 'remediation.execute', outcome: 'failure' })
    expect(record.details).toMatchObject({ requested_by: 'chatops:bob' })
    const invalid = await call('/executor/execute', {
      body: { actionType: 'restart_pod', actionParams: {}, requestedBy: 'x' },
    })
    expect(invalid.status).toBe(400)
  })
})
