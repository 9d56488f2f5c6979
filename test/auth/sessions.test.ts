import { afterEach, describe, expect, it } from 'bun:test'
import { sessionAbsoluteMs, sessionIdleMs } from '../../src/auth/sessions.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, cookieFrom, login, origin } from '../helpers/auth.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

let clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock

async function setup() {
  clock = Date.parse('2026-11-22T10:00:00Z')
  t = await makeApp({ now })
  await addUser(t, 'ada', 'operator')
  return t
}

const page = (app: TestApp, cookie: string) =>
  app.app.request('/', { headers: { Cookie: cookie, Accept: 'text/html' } })

describe('sessions', () => {
  it('POST /login sets an HttpOnly, SameSite=Lax session cookie and redirects', async () => {
    const app = await setup()
    const res = await app.app.request('/login', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: 'ada',
        password: 'correct-horse-battery',
        next: '/dashboard/logs',
      }),
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard/logs')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))!
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).toContain('Path=/')
    expect(cookie).not.toContain('Secure')
    expect(cookie.split(';')[0]!.length).toBeGreaterThan('vigil_session='.length + 40)
  })

  it('POST /login marks the cookie Secure behind a TLS-terminating proxy it trusts', async () => {
    clock = Date.now()
    t = await makeApp({ env: { VIGIL_TRUST_PROXY: 'true' } })
    await addUser(t, 'ada', 'operator')
    const res = await t.app.request('/login', {
      method: 'POST',
      headers: {
        Origin: origin,
        'X-Forwarded-Proto': 'https',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ username: 'ada', password: 'correct-horse-battery' }),
    })
    expect(res.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))).toContain(
      'Secure',
    )
  })

  it('POST /login refuses a next= that leaves the site', async () => {
    const app = await setup()
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil']) {
      const res = await app.app.request('/login', {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'ada', password: 'correct-horse-battery', next }),
      })
      expect(res.headers.get('location')).toBe('/')
    }
  })

  it('gives a new session id at every login and ends the one the browser had', async () => {
    const app = await setup()
    const first = await login(app, 'ada', 'correct-horse-battery')
    const second = await login(app, 'ada', 'correct-horse-battery', { Cookie: first.cookie })
    expect(second.cookie).not.toBe(first.cookie)
    expect((await page(app, second.cookie)).status).toBe(200)
    expect((await page(app, first.cookie)).status).toBe(302)
  })

  it('POST /logout ends the session on the server: the old cookie is dead', async () => {
    const app = await setup()
    const s = await login(app, 'ada', 'correct-horse-battery')
    const res = await app.app.request('/logout', {
      method: 'POST',
      headers: { Cookie: s.cookie, Origin: origin, 'X-CSRF-Token': s.csrf },
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login')
    expect(res.headers.getSetCookie().join()).toMatch(/vigil_session=;.*Max-Age=0/)
    const again = await page(app, s.cookie)
    expect(again.status).toBe(302)
    expect(again.headers.get('location')).toStartWith('/login')
    const actions = (await app.audit.list({ limit: 10 })).entries.map((e) => e.action)
    expect(actions).toContain('auth.logout')
  })

  it('ends a session after 12 h without use', async () => {
    const app = await setup()
    const s = await login(app, 'ada', 'correct-horse-battery')
    clock += sessionIdleMs - 60_000
    expect((await page(app, s.cookie)).status).toBe(200)
    clock += sessionIdleMs - 60_000
    expect((await page(app, s.cookie)).status).toBe(200)
    clock += sessionIdleMs
    expect((await page(app, s.cookie)).status).toBe(302)
  })

  it('ends a session 7 days after login even when it is used all along', async () => {
    const app = await setup()
    const s = await login(app, 'ada', 'correct-horse-battery')
    const end = clock + sessionAbsoluteMs
    while (clock + 11 * 3600_000 < end) {
      clock += 11 * 3600_000
      expect((await page(app, s.cookie)).status).toBe(200)
    }
    clock = end
    expect((await page(app, s.cookie)).status).toBe(302)
  })

  it('ends every session of a user who is disabled', async () => {
    const app = await setup()
    const a = await login(app, 'ada', 'correct-horse-battery')
    const b = await login(app, 'ada', 'correct-horse-battery')
    await app.auth.users.setDisabled('ada', true)
    expect((await page(app, a.cookie)).status).toBe(302)
    expect((await page(app, b.cookie)).status).toBe(302)
    const res = await app.app.request('/login', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'ada', password: 'correct-horse-battery' }),
    })
    expect(res.status).toBe(401)
  })

  it('answers a wrong password with 401, the form again and an audited failure', async () => {
    const app = await setup()
    const res = await app.app.request('/login', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'ada', password: 'wrong-password-here' }),
    })
    expect(res.status).toBe(401)
    expect(cookieFrom(res)).toBeUndefined()
    expect(await res.text()).toContain('Wrong username or password.')
    const [entry] = (await app.audit.list({ limit: 1 })).entries
    expect(entry).toMatchObject({ action: 'auth.login', actor: 'ada', outcome: 'failure' })
  })
})

describe('csrf', () => {
  async function post(app: TestApp, s: { cookie: string }, headers: Record<string, string>) {
    return app.app.request('/dashboard/settings/users/ada/role', {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        'Content-Type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams({ role: 'viewer' }),
    })
  }

  async function adminSession() {
    const app = await setup()
    await addUser(app, 'root', 'admin')
    return { app, s: await login(app, 'root', 'correct-horse-battery') }
  }

  it('refuses a cookie-borne state change without the CSRF token', async () => {
    const { app, s } = await adminSession()
    const res = await post(app, s, { Origin: origin })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf')
    expect((await app.auth.users.get('ada')).role).toBe('operator')
  })

  it('refuses a cross-site request even with the right token', async () => {
    const { app, s } = await adminSession()
    expect(
      (await post(app, s, { Origin: 'https://evil.example', 'X-CSRF-Token': s.csrf })).status,
    ).toBe(403)
    expect(
      (await post(app, s, { 'Sec-Fetch-Site': 'cross-site', 'X-CSRF-Token': s.csrf })).status,
    ).toBe(403)
    expect((await app.auth.users.get('ada')).role).toBe('operator')
  })

  it('refuses a wrong token and accepts the right one, from the header or the form', async () => {
    const { app, s } = await adminSession()
    expect((await post(app, s, { Origin: origin, 'X-CSRF-Token': 'x'.repeat(43) })).status).toBe(
      403,
    )
    const ok = await post(app, s, {
      Origin: origin,
      'Sec-Fetch-Site': 'same-origin',
      'X-CSRF-Token': s.csrf,
    })
    expect(ok.status).toBe(200)
    expect((await app.auth.users.get('ada')).role).toBe('viewer')
    const form = await app.app.request('/dashboard/settings/users/ada/role', {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        Origin: origin,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ role: 'developer', _csrf: s.csrf }),
    })
    expect(form.status).toBe(200)
    expect((await app.auth.users.get('ada')).role).toBe('developer')
  })

  it('refuses a login form posted from another site', async () => {
    const app = await setup()
    const res = await app.app.request('/login', {
      method: 'POST',
      headers: {
        Origin: 'https://evil.example',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ username: 'ada', password: 'correct-horse-battery' }),
    })
    expect(res.status).toBe(403)
    expect(cookieFrom(res)).toBeUndefined()
  })
})
