import { afterEach, describe, expect, it } from 'bun:test'
import { accessTokenSeconds } from '../../src/auth/jwt.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, bearer } from '../helpers/auth.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

let clock = 0
const now = () => clock

async function setup(env: Record<string, string> = {}) {
  clock = Date.parse('2026-11-22T10:00:00Z')
  t = await makeApp({ now, env })
  await addUser(t, 'ada', 'operator')
  await addUser(t, 'bob', 'viewer')
  return t
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

async function apiLogin(
  app: TestApp,
  username: string,
  password = 'correct-horse-battery',
  headers = {},
) {
  return app.app.request('/api/v1/auth/login', json({ username, password }, headers))
}

describe('api tokens', () => {
  it('lets a token do what its scopes allow and nothing else', async () => {
    const app = await setup()
    const reader = await bearer(app, ['audit:read'])
    expect((await app.app.request('/api/v1/audit', { headers: reader })).status).toBe(200)
    const denied = await app.app.request('/api/v1/users', { headers: reader })
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'this needs the permission users:manage',
        details: { permission: 'users:manage' },
      },
    })
    const manager = await bearer(app, ['users:manage'])
    const users = (await (await app.app.request('/api/v1/users', { headers: manager })).json()) as {
      users: { username: string }[]
    }
    expect(users.users.map((u) => u.username)).toEqual(['ada', 'bob'])
  })

  it('POST /api/v1/tokens shows the token once, stores only its hash, and it works at once', async () => {
    const app = await setup()
    const res = await app.app.request(
      '/api/v1/tokens',
      json(
        { name: 'agent-1', scopes: ['ingest:write', 'metrics:read'], expires: '30d' },
        app.headers,
      ),
    )
    expect(res.status).toBe(201)
    const body = (await res.json()) as { token: string; expiresAt: number; scopes: string[] }
    expect(body.token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/)
    expect(body.expiresAt).toBe(clock + 30 * 86_400_000)
    const stored = await app.db.client.execute('SELECT token_hash FROM api_tokens WHERE name = ?', [
      'agent-1',
    ])
    expect(String(stored.rows[0]!.token_hash)).toMatch(/^[0-9a-f]{64}$/)
    expect(
      JSON.stringify((await app.db.client.execute('SELECT * FROM api_tokens')).rows),
    ).not.toContain(body.token)
    const listed = await (await app.app.request('/api/v1/tokens', { headers: app.headers })).text()
    expect(listed).not.toContain(body.token)
    const me = await app.app.request('/api/v1/auth/me', {
      headers: { Authorization: `Bearer ${body.token}` },
    })
    expect(await me.json()).toMatchObject({
      name: 'agent-1',
      kind: 'token',
      permissions: ['ingest:write', 'metrics:read'],
    })
  })

  it('refuses unknown scopes, duplicate names and expiry in the past with 4xx, storing nothing', async () => {
    const app = await setup()
    const bad = await app.app.request(
      '/api/v1/tokens',
      json({ name: 'x', scopes: ['root'] }, app.headers),
    )
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('unknown scope(s): root')
    const past = await app.app.request(
      '/api/v1/tokens',
      json({ name: 'y', scopes: ['logs:read'], expires: '2020-01-01T00:00:00Z' }, app.headers),
    )
    expect(past.status).toBe(400)
    await app.app.request(
      '/api/v1/tokens',
      json({ name: 'dup', scopes: ['logs:read'] }, app.headers),
    )
    const dup = await app.app.request(
      '/api/v1/tokens',
      json({ name: 'dup', scopes: ['logs:read'] }, app.headers),
    )
    expect(dup.status).toBe(409)
    const names = (await app.auth.tokens.list()).map((t) => t.name)
    expect(names.sort()).toEqual(['dup', 'test-all'])
  })

  it('stops accepting a token once revoked or expired, and records its last use', async () => {
    const app = await setup()
    const { token } = await app.auth.tokens.create({
      name: 'short',
      scopes: ['audit:read'],
      expiresAt: clock + 3600_000,
      createdBy: 'test',
    })
    const auth = { Authorization: `Bearer ${token}` }
    expect((await app.app.request('/api/v1/audit', { headers: auth })).status).toBe(200)
    expect((await app.auth.tokens.list()).find((t) => t.name === 'short')!.lastUsedAt).toBe(clock)
    clock += 3600_000
    const expired = await app.app.request('/api/v1/audit', { headers: auth })
    expect(expired.status).toBe(401)
    expect(await expired.text()).toContain('invalid, expired or revoked')
    const other = await app.auth.tokens.create({
      name: 'other',
      scopes: ['audit:read'],
      createdBy: 'test',
    })
    const revoke = await app.app.request('/api/v1/tokens/other', {
      method: 'DELETE',
      headers: app.headers,
    })
    expect(revoke.status).toBe(200)
    const res = await app.app.request('/api/v1/audit', {
      headers: { Authorization: `Bearer ${other.token}` },
    })
    expect(res.status).toBe(401)
  })
})

describe('jwt', () => {
  it('POST /api/v1/auth/login returns an access token that works for 15 minutes', async () => {
    const app = await setup()
    const res = await apiLogin(app, 'ada')
    expect(res.status).toBe(200)
    const pair = (await res.json()) as {
      accessToken: string
      refreshToken: string
      expiresIn: number
    }
    expect(pair.expiresIn).toBe(accessTokenSeconds)
    const auth = { Authorization: `Bearer ${pair.accessToken}` }
    expect(
      await (await app.app.request('/api/v1/auth/me', { headers: auth })).json(),
    ).toMatchObject({
      name: 'ada',
      role: 'operator',
      via: 'jwt',
    })
    clock += accessTokenSeconds * 1000 - 1000
    expect((await app.app.request('/api/v1/auth/me', { headers: auth })).status).toBe(200)
    clock += 1000
    const expired = await app.app.request('/api/v1/auth/me', { headers: auth })
    expect(expired.status).toBe(401)
    expect(await expired.text()).toContain('refresh it or log in again')
  })

  it('rotates the refresh token on use; reusing an old one ends the whole login', async () => {
    const app = await setup()
    const first = (await (await apiLogin(app, 'ada')).json()) as { refreshToken: string }
    const r1 = await app.app.request(
      '/api/v1/auth/refresh',
      json({ refreshToken: first.refreshToken }),
    )
    expect(r1.status).toBe(200)
    const second = (await r1.json()) as { accessToken: string; refreshToken: string }
    expect(second.refreshToken).not.toBe(first.refreshToken)
    const reuse = await app.app.request(
      '/api/v1/auth/refresh',
      json({ refreshToken: first.refreshToken }),
    )
    expect(reuse.status).toBe(401)
    expect(((await reuse.json()) as { error: { code: string } }).error.code).toBe(
      'refresh_token_reused',
    )
    // The family is revoked: the token issued by the legitimate refresh is dead too.
    const after = await app.app.request(
      '/api/v1/auth/refresh',
      json({ refreshToken: second.refreshToken }),
    )
    expect(after.status).toBe(401)
  })

  it('POST /api/v1/auth/logout revokes the refresh token', async () => {
    const app = await setup()
    const pair = (await (await apiLogin(app, 'ada')).json()) as {
      accessToken: string
      refreshToken: string
    }
    const out = await app.app.request(
      '/api/v1/auth/logout',
      json({ refreshToken: pair.refreshToken }, { Authorization: `Bearer ${pair.accessToken}` }),
    )
    expect(out.status).toBe(200)
    expect(
      (await app.app.request('/api/v1/auth/refresh', json({ refreshToken: pair.refreshToken })))
        .status,
    ).toBe(401)
  })

  it('refuses the tokens of a user who is then disabled', async () => {
    const app = await setup()
    const pair = (await (await apiLogin(app, 'ada')).json()) as {
      accessToken: string
      refreshToken: string
    }
    await app.auth.users.setDisabled('ada', true)
    const me = await app.app.request('/api/v1/auth/me', {
      headers: { Authorization: `Bearer ${pair.accessToken}` },
    })
    expect(me.status).toBe(401)
    expect(
      (await app.app.request('/api/v1/auth/refresh', json({ refreshToken: pair.refreshToken })))
        .status,
    ).toBe(401)
  })

  it('answers malformed login bodies with 400, not 500', async () => {
    const app = await setup()
    const notJson = await app.app.request('/api/v1/auth/login', { method: 'POST', body: '{nope' })
    expect(notJson.status).toBe(400)
    const missing = await app.app.request('/api/v1/auth/login', json({ username: 'ada' }))
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('password')
  })
})

describe('login throttling', () => {
  it('answers 429 with Retry-After after 5 failures, even for the right password', async () => {
    const app = await setup()
    for (let i = 0; i < 5; i++)
      expect((await apiLogin(app, 'ada', 'wrong-password-xx')).status).toBe(401)
    const limited = await apiLogin(app, 'ada')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const denied = (await app.audit.list({ limit: 1 })).entries[0]
    expect(denied).toMatchObject({ action: 'auth.login', actor: 'ada', outcome: 'denied' })
  })

  it('never locks out another account, nor the same account from another address', async () => {
    const app = await setup({ VIGIL_TRUST_PROXY: 'true' })
    const from = (ip: string) => ({ 'X-Forwarded-For': ip })
    for (let i = 0; i < 8; i++) await apiLogin(app, 'ada', 'wrong-password-xx', from('203.0.113.7'))
    expect((await apiLogin(app, 'ada', 'correct-horse-battery', from('203.0.113.7'))).status).toBe(
      429,
    )
    expect((await apiLogin(app, 'bob', 'correct-horse-battery', from('203.0.113.7'))).status).toBe(
      200,
    )
    expect((await apiLogin(app, 'ada', 'correct-horse-battery', from('198.51.100.2'))).status).toBe(
      200,
    )
  })

  it('lets the account in again once the delay has passed, and the delay doubles', async () => {
    const app = await setup()
    for (let i = 0; i < 6; i++) {
      clock += 10_000
      await apiLogin(app, 'ada', 'wrong-password-xx')
    }
    // Six failures: the sixth came after the 1 s delay of the fifth; now 2 s, then 4 s.
    expect((await apiLogin(app, 'ada')).headers.get('retry-after')).toBe('2')
    clock += 10_000
    await apiLogin(app, 'ada', 'wrong-password-xx')
    expect((await apiLogin(app, 'ada')).headers.get('retry-after')).toBe('4')
    clock += 4_000
    expect((await apiLogin(app, 'ada')).status).toBe(200)
  })
})
