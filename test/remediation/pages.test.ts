import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { allowAllAccess, makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, login, origin, type Session } from '../helpers/auth.ts'
import { alert } from '../incidents/alerts.ts'

let t: TestApp
let operator: Session
let auditor: Session

beforeAll(async () => {
  t = await makeApp()
  await allowAllAccess(t)
  await addUser(t, 'ada', 'operator')
  await addUser(t, 'vic', 'auditor')
  operator = await login(t, 'ada', 'correct-horse-battery')
  auditor = await login(t, 'vic', 'correct-horse-battery')
})
afterAll(() => t.close())

const page = (path: string, s = operator) => t.app.request(path, { headers: { Cookie: s.cookie } })

const form = (path: string, fields: Record<string, string>, s = operator) =>
  t.app.request(path, {
    method: 'POST',
    headers: {
      Cookie: s.cookie,
      Origin: origin,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...fields }),
  })

const by = { name: 'test', actorType: 'token' as const }

async function propose(pod: string, incidentId?: number) {
  const { task } = await t.remediation.service.propose(
    {
      action: 'restart_pod',
      params: { namespace: 'prod', pod },
      reason: `crash loop of ${pod}`,
      requester: { kind: 'token', name: 'test' },
      incidentId: incidentId ?? null,
      mode: 'approval',
    },
    by,
  )
  return task
}

describe('remediation pages', () => {
  it('the queue says what to do when there are no tasks', async () => {
    const html = await (await page('/dashboard/remediation')).text()
    expect(html).toContain('id="no-tasks"')
    expect(html).toContain('Tasks come from RemediationPolicies acting on incidents')
  })

  it('the queue lists awaiting tasks first, with the decisions only for those who may take them', async () => {
    const done = await propose('api-0')
    await t.remediation.service.reject(done.id, by, 'not now')
    const waiting = await propose('api-1')
    expect(waiting.state).toBe('awaiting_approval')
    const html = await (await page('/dashboard/remediation')).text()
    expect(html).toContain('data-stream="/dashboard/remediation/stream"')
    const awaiting = html.indexOf('id="tasks-awaiting"')
    const finished = html.indexOf('id="tasks-finished"')
    expect(awaiting).toBeGreaterThan(-1)
    expect(html.indexOf(`data-task="${waiting.id}"`)).toBeGreaterThan(awaiting)
    expect(html.indexOf(`data-task="${waiting.id}"`)).toBeLessThan(finished)
    expect(html.indexOf(`data-task="${done.id}"`)).toBeGreaterThan(finished)
    expect(html).toContain(`formaction="/dashboard/remediation/${waiting.id}/approve"`)
    expect(html).toContain('Pod/prod/api-1')
    const readOnly = await (await page('/dashboard/remediation', auditor)).text()
    expect(readOnly).toContain(`data-task="${waiting.id}"`)
    expect(readOnly).not.toContain('/approve"')
    expect(readOnly).not.toContain('id="propose-form"')
  })

  it('approves through the form, audited, and shows a refused second approval as a flash', async () => {
    const task = await propose('api-2')
    const res = await form(`/dashboard/remediation/${task.id}/approve`, {
      comment: 'go',
      back: 'task',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/dashboard/remediation/${task.id}`)
    expect((await t.remediation.service.get(task.id)).state).not.toBe('awaiting_approval')
    const audit = (await t.audit.list({ limit: 100 })).entries.filter(
      (e) => e.target === `task:${task.id}`,
    )
    expect(audit.map((e) => `${e.action} ${e.actor}`)).toContain('remediation.task.approved ada')
    const again = await form(`/dashboard/remediation/${task.id}/approve`, { back: 'queue' })
    expect(again.status).toBe(409)
    const html = await again.text()
    expect(html).toContain('class="flash error"')
    expect(html).toContain('cannot approve it')
    expect(html).toContain('<h1>Remediation</h1>')
  })

  it('refuses a decision from someone without remediation:approve', async () => {
    const task = await propose('api-3')
    const res = await form(`/dashboard/remediation/${task.id}/approve`, {}, auditor)
    expect(res.status).toBe(403)
    expect((await t.remediation.service.get(task.id)).state).toBe('awaiting_approval')
  })

  it("a task's page shows the guard decisions and the dry-run output", async () => {
    const task = await propose('api-4')
    await t.db.client.execute({
      sql: 'UPDATE remediation_tasks SET dry_run = ? WHERE id = ?',
      args: [JSON.stringify({ kind: 'Pod', metadata: { name: 'api-4' } }), task.id],
    })
    const html = await (await page(`/dashboard/remediation/${task.id}`)).text()
    expect(html).toContain('id="guard-decisions"')
    expect(html).toContain(`data-guard="${task.guards[0]!.guard}"`)
    expect(html).toContain('✓')
    expect(html).toContain('AccessPolicy allow-all')
    expect(html).toContain('id="dry-run-output"')
    expect(html).toContain('&quot;name&quot;: &quot;api-4&quot;')
    expect(html).toContain('data-task=')
    expect(html).toContain(`formaction="/dashboard/remediation/${task.id}/reject"`)
    expect((await page('/dashboard/remediation/abc')).status).toBe(404)
  })

  it('the propose form creates a task and goes to its page; bad params are shown on the form', async () => {
    const res = await form('/dashboard/remediation/propose', {
      action: 'restart_pod',
      params: '{"namespace": "prod", "pod": "web-9"}',
      reason: 'stuck',
    })
    expect(res.status).toBe(303)
    const id = Number(/\/dashboard\/remediation\/(\d+)$/.exec(res.headers.get('location')!)![1])
    const task = await t.remediation.service.get(id)
    expect(task.target).toEqual({ kind: 'Pod', namespace: 'prod', name: 'web-9' })
    expect(task.requester.name).toBe('ada')
    const notJson = await form('/dashboard/remediation/propose', {
      action: 'restart_pod',
      params: '{namespace',
      reason: 'stuck',
    })
    expect(notJson.status).toBe(400)
    expect(await notJson.text()).toContain('params: not JSON')
    const wrong = await form('/dashboard/remediation/propose', {
      action: 'restart_pod',
      params: '{"namespace": "prod"}',
      reason: 'stuck',
    })
    expect(wrong.status).toBe(400)
    const html = await wrong.text()
    expect(html).toContain('id="propose-error"')
    expect(html).toContain('params.pod')
    expect(html).toContain('{&quot;namespace&quot;: &quot;prod&quot;}')
  })

  it("the incident page offers a proposal prefilled from the labels and lists the incident's tasks", async () => {
    await t.incidents.fire(
      alert({
        fingerprint: 'fp-crash',
        labels: { alertname: 'crash', namespace: 'prod', pod: 'api-7' },
      }),
    )
    const res = await t.app.request('/api/v1/incidents?limit=1', { headers: t.headers })
    const incidentId = ((await res.json()) as { incidents: { id: number }[] }).incidents[0]!.id
    const task = await propose('api-7', incidentId)
    const html = await (await page(`/dashboard/incidents/${incidentId}`)).text()
    expect(html).toContain('id="incident-propose"')
    expect(html).toContain('<option value="restart_pod" selected=""')
    expect(html).toContain('&quot;pod&quot;: &quot;api-7&quot;')
    expect(html).toContain(`name="incident_id" inputmode="numeric" value="${incidentId}"`)
    expect(html).toContain(`href="/dashboard/remediation/${task.id}"`)
    const queue = await (await page('/dashboard/remediation')).text()
    expect(queue).toContain(`href="/dashboard/incidents/${incidentId}"`)
  })

  it('the drift page proposes apply_manifest for a mismatch and delete_unexpected for an extra object', async () => {
    const { FindingsLedger } = await import('../../src/drift/findings-store.ts')
    const resource = (name: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'shop',
      name,
    })
    await new FindingsLedger(t.db.client).sync(
      [
        {
          category: 'drift',
          finding: {
            key: 'mismatch:/ConfigMap/shop/settings',
            type: 'mismatch',
            severity: 'medium',
            resource: resource('settings'),
            diffs: [
              { path: '/data/LOG_LEVEL', desired: 'info', live: 'debug', reason: 'value differs' },
            ],
            ownedElsewhere: [],
            revision: null,
            source: { file: 'shop/settings.yaml', line: 1 },
          },
        },
        {
          category: 'drift',
          finding: {
            key: 'unexpected:/ConfigMap/shop/leftover',
            type: 'unexpected',
            severity: 'low',
            resource: resource('leftover'),
            diffs: [],
            ownedElsewhere: [],
            revision: null,
            source: null,
          },
        },
      ],
      Date.now(),
    )
    const html = await (await page('/dashboard/drift')).text()
    expect(html).toContain('data-action="apply_manifest"')
    expect(html).toContain('&quot;LOG_LEVEL&quot;: &quot;info&quot;')
    expect(html).toContain('not the whole desired object (declared in shop/settings.yaml:1)')
    expect(html).toContain('data-action="delete_unexpected"')
    expect(html).toContain('&quot;name&quot;: &quot;leftover&quot;')
    const params =
      /data-finding="\d+"[^]*?name="action" value="delete_unexpected"[^]*?<textarea[^>]*>([^<]*)</
        .exec(html)![1]!
        .replaceAll('&quot;', '"')
    const res = await form('/dashboard/remediation/propose', {
      action: 'delete_unexpected',
      params,
      reason: 'left over',
    })
    expect(res.status).toBe(303)
    const readOnly = await (await page('/dashboard/drift', auditor)).text()
    expect(readOnly).not.toContain('data-action="apply_manifest"')
  })

  it('shows the remediation mode in the header of every page', async () => {
    const html = await (await page('/dashboard/incidents')).text()
    expect(html).toMatch(/id="remediation-mode"[^>]*>remediation: (dry run|enforce|off)</)
  })

  it('the stream sends a task event when a task changes', async () => {
    const res = await page('/dashboard/remediation/stream')
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    expect(text).toContain(': connected')
    const task = await propose('api-8')
    while (!text.includes('event: task')) text += decoder.decode((await reader.read()).value)
    expect(text).toContain(`"id":${task.id}`)
    t.incidents.closeStreams()
    for (;;) if ((await reader.read()).done) break
  })
})
