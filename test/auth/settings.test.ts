import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, login, origin, type Session } from '../helpers/auth.ts'

let t: TestApp
let s: Session
beforeAll(async () => {
  t = await makeApp()
  await addUser(t, 'root', 'admin')
  s = await login(t, 'root', 'correct-horse-battery')
})
afterAll(() => t.close())

function post(path: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one)
  return t.app.request(path, {
    method: 'POST',
    headers: {
      Cookie: s.cookie,
      Origin: origin,
      'HX-Request': 'true',
      'X-CSRF-Token': s.csrf,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body,
  })
}

describe('settings pages', () => {
  it('GET /dashboard/settings lists users and tokens for an admin, with the CSRF token for htmx', async () => {
    const res = await t.app.request('/dashboard/settings', { headers: { Cookie: s.cookie } })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h2>Users</h2>')
    expect(html).toContain('<h2>API tokens</h2>')
    expect(html).toContain('data-user="root"')
    expect(html).toContain(
      `hx-headers:inherited="{&quot;X-CSRF-Token&quot;:&quot;${s.csrf}&quot;}"`,
    )
  })

  it('adding a user without a password shows a generated one once', async () => {
    const res = await post('/dashboard/settings/users', {
      username: 'dee',
      role: 'developer',
      password: '',
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toStartWith('<section class="panel" id="users"')
    const secret = /data-secret="true">([^<]+)</.exec(html)?.[1]
    expect(secret).toMatch(/^\S{24}$/)
    expect(await t.auth.users.authenticate('dee', secret!)).toMatchObject({
      username: 'dee',
      role: 'developer',
    })
    const again = await t.app.request('/dashboard/settings', { headers: { Cookie: s.cookie } })
    expect(await again.text()).not.toContain(secret!)
  })

  it('a refused change re-renders the section with the reason and a 400', async () => {
    const res = await post('/dashboard/settings/users', {
      username: 'eve',
      role: 'viewer',
      password: 'short',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('password must be at least 12 characters (got 5)')
    await expect(t.auth.users.get('eve')).rejects.toThrow('no user eve')
  })

  it('creating a token shows it once; revoking it marks it revoked', async () => {
    const res = await post('/dashboard/settings/tokens', {
      name: 'ci',
      scopes: ['ingest:write', 'logs:read'],
      expires: '7d',
    })
    const html = await res.text()
    const token = /data-secret="true">(vgl_[^<]+)</.exec(html)?.[1]
    expect(token).toBeDefined()
    expect(html).toContain('ingest:write, logs:read')
    const revoked = await (await post('/dashboard/settings/tokens/ci/revoke', {})).text()
    expect(revoked).toContain('Revoked ci.')
    expect(revoked).toMatch(/data-token="ci" class="revoked"/)
  })

  it('a developer sees no Settings in the navigation and gets 403 from the page', async () => {
    await addUser(t, 'dev', 'developer')
    const dev = await login(t, 'dev', 'correct-horse-battery')
    const home = await (await t.app.request('/', { headers: { Cookie: dev.cookie } })).text()
    expect(home).not.toContain('href="/dashboard/settings"')
    expect(home).toContain('href="/dashboard/logs"')
    expect(home).not.toContain('href="/dashboard/audit"')
    const res = await t.app.request('/dashboard/settings', { headers: { Cookie: dev.cookie } })
    expect(res.status).toBe(403)
  })

  it('a plain form post with the _csrf field keeps every value of a repeated field', async () => {
    const body = new URLSearchParams({ name: 'plain', _csrf: s.csrf })
    body.append('scopes', 'logs:read')
    body.append('scopes', 'metrics:read')
    const res = await t.app.request('/dashboard/settings/tokens', {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        Origin: origin,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body,
    })
    expect(res.status).toBe(200)
    const token = (await t.auth.tokens.list()).find((x) => x.name === 'plain')
    expect(token?.scopes).toEqual(['logs:read', 'metrics:read'])
  })
})
