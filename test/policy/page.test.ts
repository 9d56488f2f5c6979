import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PolicyFileLoader } from '../../src/policy/index.ts'
import { addUser, bearer, login, origin, type Session } from '../helpers/auth.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
let ops: Session
const evalAt = Date.parse('2026-11-22T10:00:00Z')
const file = () => join(t.dir, 'rules.yaml')

const yaml = (name: string, extra = '') =>
  `apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: ${name}}\nspec:\n  expr: up == 0\n  severity: high\n${extra}`

beforeAll(async () => {
  t = await makeApp()
  writeFileSync(file(), yaml('from-file'))
  await new PolicyFileLoader(t.policies, t.audit, t.logger, [file()], Date.now).load()
  for (const name of ['cpu', 'quiet']) {
    const res = await t.app.request('/api/v1/policies', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/yaml' },
      body: yaml(name),
    })
    expect(res.status).toBe(201)
  }
  await t.app.request('/api/v1/policies/AlertRule/quiet', {
    method: 'PATCH',
    headers: { ...t.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ enabled: false }),
  })
  t.policies.status.report('AlertRule', 'cpu', {
    status: 'firing',
    lastEvalAt: evalAt,
    durationMs: 12,
    matches: 3,
    openIncidents: 2,
  })
  t.policies.status.report('AlertRule', 'cpu', { pendingTasks: 1 })
  await addUser(t, 'ops', 'operator')
  ops = await login(t, 'ops', 'correct-horse-battery')
})
afterAll(() => t.close())

function form(path: string, fields: Record<string, string>, session = ops) {
  return t.app.request(path, {
    method: 'POST',
    headers: {
      Cookie: session.cookie,
      Origin: origin,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
  })
}

describe('policy status and pages', () => {
  it('GET /ui/policies lists every policy with source, status, evaluation, counts; disabled and not-yet-reported ones', async () => {
    const res = await t.app.request('/ui/policies', { headers: t.headers })
    expect(res.status).toBe(200)
    const body = await res.json()
    const by = Object.fromEntries(body.policies.map((p: { name: string }) => [p.name, p]))
    expect(by.cpu).toMatchObject({
      kind: 'AlertRule',
      source: 'api',
      enabled: true,
      status: 'firing',
      last_eval_at: '2026-11-22T10:00:00.000Z',
      duration_ms: 12,
      matches: 3,
      violations: 0,
      open_incidents: 2,
      pending_tasks: 1,
    })
    expect(by.quiet).toMatchObject({ enabled: false, status: 'disabled' })
    expect(by['from-file']).toMatchObject({
      source: 'file',
      file: file(),
      status: 'ok',
      last_eval_at: null,
    })
    expect(body.files).toMatchObject({ paths: [file()], files: 1, policies: 1, problems: [] })
  })

  it('GET /dashboard/policies shows the table, file policies marked "from file", counts linked', async () => {
    const res = await t.app.request('/dashboard/policies', { headers: { Cookie: ops.cookie } })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>Policies</h1>')
    expect(html).not.toContain('This page is not built yet.')
    expect(html).toContain('aria-current="page">Policies')
    const row = (name: string) => {
      const start = html.indexOf(`<tr data-policy="AlertRule/${name}">`)
      return html.slice(start, html.indexOf('</tr>', start))
    }
    expect(row('from-file')).toContain('from file')
    expect(row('cpu')).toContain('data-status="firing"')
    expect(row('cpu')).toContain('2026-11-22 10:00:00')
    expect(row('cpu')).toContain('href="/dashboard/incidents?rule=cpu">2</a>')
    expect(row('quiet')).toContain('data-status="disabled"')
    expect(html).toContain('href="/dashboard/policies/new"')
  })

  it('GET /dashboard/policies/{kind}/{name} shows the YAML and the history; a file policy is read-only', async () => {
    const res = await t.app.request('/dashboard/policies/AlertRule/quiet', {
      headers: { Cookie: ops.cookie },
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('expr: up == 0')
    expect(html).toContain('<tr data-version="2"><td class="num">2</td><td>disabled</td>')
    expect(html).toContain('<tr data-version="1"><td class="num">1</td><td>created</td>')
    expect(html).toContain('>Enable</button>')
    const fromFile = await (
      await t.app.request('/dashboard/policies/AlertRule/from-file', {
        headers: { Cookie: ops.cookie },
      })
    ).text()
    expect(fromFile).toContain(`Loaded from <code>${file()}</code>: read-only here`)
    expect(fromFile).not.toContain('/edit"')
    expect(
      (
        await t.app.request('/dashboard/policies/AlertRule/nope', {
          headers: { Cookie: ops.cookie },
        })
      ).status,
    ).toBe(404)
  })

  it('the pages and /ui/policies answer 403 without policies:read', async () => {
    const viewer = await bearer(t, ['dashboards:read'], 'viewer-token')
    for (const path of [
      '/dashboard/policies',
      '/dashboard/policies/AlertRule/cpu',
      '/ui/policies',
    ]) {
      const res = await t.app.request(path, { headers: viewer })
      expect(res.status).toBe(403)
    }
    await addUser(t, 'dev', 'developer')
    const dev = await login(t, 'dev', 'correct-horse-battery')
    expect(
      (await t.app.request('/dashboard/policies', { headers: { Cookie: dev.cookie } })).status,
    ).toBe(403)
    const html = await (await t.app.request('/', { headers: { Cookie: dev.cookie } })).text()
    expect(html).not.toContain('href="/dashboard/policies"')
  })

  it('the editor creates a policy from YAML with the CSRF token and redirects to it; problems come back with lines', async () => {
    const editor = await (
      await t.app.request('/dashboard/policies/new', { headers: { Cookie: ops.cookie } })
    ).text()
    expect(editor).toContain('<textarea name="yaml"')
    expect(editor).toContain(`name="_csrf" value="${ops.csrf}"`)
    const bad = await form('/dashboard/policies/save', { yaml: yaml('made-here', '  fro: 1m\n') })
    expect(bad.status).toBe(400)
    const page = await bad.text()
    expect(page).toContain('line 7: <code>spec.fro</code> unknown field')
    expect(page).toContain('fro: 1m')
    const ok = await form('/dashboard/policies/save', { yaml: yaml('made-here') })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/dashboard/policies/AlertRule/made-here')
    expect(await t.policies.get('AlertRule', 'made-here')).toMatchObject({
      createdBy: 'ops',
      version: 1,
    })
    const [entry] = (await t.audit.list({ action: 'policy.create', actor: 'ops', limit: 5 }))
      .entries
    expect(entry!.actorType).toBe('user')
  })

  it('the editor updates with the version it loaded (a stale one is a 409) and the toggle disables', async () => {
    const edit = await (
      await t.app.request('/dashboard/policies/AlertRule/made-here/edit', {
        headers: { Cookie: ops.cookie },
      })
    ).text()
    expect(edit).toContain('name="version" value="1"')
    const fields = { kind: 'AlertRule', name: 'made-here', version: '1' }
    const saved = await form('/dashboard/policies/save', {
      ...fields,
      yaml: yaml('made-here', '  for: 2m\n'),
    })
    expect(saved.status).toBe(303)
    const stale = await form('/dashboard/policies/save', {
      ...fields,
      yaml: yaml('made-here', '  for: 3m\n'),
    })
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('is at version 2, not 1')
    const off = await form('/dashboard/policies/AlertRule/made-here/enabled', {
      enabled: 'false',
      version: '2',
    })
    expect(off.status).toBe(303)
    expect((await t.policies.get('AlertRule', 'made-here')).enabled).toBe(false)
  })

  it('form posts without the CSRF token are refused and change nothing', async () => {
    const res = await t.app.request('/dashboard/policies/save', {
      method: 'POST',
      headers: {
        Cookie: ops.cookie,
        Origin: origin,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ yaml: yaml('sneaky') }),
    })
    expect(res.status).toBe(403)
    expect((await t.policies.list()).some((p) => p.name === 'sneaky')).toBe(false)
  })
})
