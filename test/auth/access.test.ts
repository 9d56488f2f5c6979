import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { permissions } from '../../src/auth/permissions.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

// The only routes anyone may call without credentials. Adding one here is a security decision.
const publicRoutes = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /static/:file',
  'GET /login',
  'POST /login',
  'POST /logout',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
]
// Routes that take no credentials but an HMAC signature of the body (external executors).
const signedRoutes = ['GET /remediator/tasks', 'POST /remediator/results']
// Routes any signed-in principal may call, whatever its permissions.
const authenticatedRoutes = ['POST /api/v1/auth/logout', 'GET /api/v1/auth/me']

const samples: Record<string, string> = {
  file: 'app.css',
  username: 'nobody',
  name: 'nothing',
}

let t: TestApp
let routes: { method: string; path: string; url: string; key: string }[]

beforeAll(async () => {
  t = await makeApp()
  const seen = new Set<string>()
  routes = []
  for (const r of t.app.routes) {
    if (r.method === 'ALL') continue
    const key = `${r.method} ${r.path}`
    if (seen.has(key)) continue
    seen.add(key)
    const url = r.path.replace(/:([a-z]+)(\{[^}]*\})?/g, (_, name: string) => samples[name] ?? 'x')
    routes.push({ method: r.method, path: r.path, url, key })
  }
})
afterAll(() => t.close())

function call(route: { method: string; url: string }, headers: Record<string, string> = {}) {
  return t.app.request(route.url, {
    method: route.method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
    body: route.method === 'GET' ? undefined : '{}',
  })
}

describe('access control over the route table', () => {
  it('finds the routes to walk, including every public one', () => {
    expect(routes.length).toBeGreaterThan(20)
    for (const key of publicRoutes) expect(routes.map((r) => r.key)).toContain(key)
  })

  it('answers 401 in our error shape to every non-public route without credentials', async () => {
    const open: string[] = []
    for (const route of routes) {
      const res = await call(route)
      if (publicRoutes.includes(route.key)) continue
      if (signedRoutes.includes(route.key)) continue
      if (res.status !== 401) open.push(`${route.key} -> ${res.status}`)
      else
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    }
    expect(open).toEqual([])
  })

  it('answers 403 to every permissioned route for a token without that permission', async () => {
    // One token per permission, holding every other one: each permissioned route must refuse
    // exactly the token that lacks the permission it declares, naming it.
    const needs = new Map<string, string[]>()
    for (const missing of permissions) {
      const headers = await bearer(
        t,
        permissions.filter((p) => p !== missing),
      )
      const checked = routes.filter(
        (r) => ![...publicRoutes, ...authenticatedRoutes, ...signedRoutes].includes(r.key),
      )
      const answers = await Promise.all(
        checked.map(async (route) => {
          const res = await call(route, headers)
          if (res.status !== 403) return undefined
          const body = (await res.json()) as { error: { details?: { permission?: string } } }
          return body.error.details?.permission === missing ? route.key : undefined
        }),
      )
      for (const key of answers) if (key) needs.set(key, [...(needs.get(key) ?? []), missing])
    }
    const unguarded = routes
      .map((r) => r.key)
      .filter((k) => !publicRoutes.includes(k) && !authenticatedRoutes.includes(k))
      .filter((k) => !signedRoutes.includes(k))
      .filter((k) => needs.get(k)?.length !== 1)
    expect(unguarded).toEqual([])
  }, 60_000)

  it('answers 401 invalid_signature to every signed route without a valid signature', async () => {
    for (const key of signedRoutes) {
      const route = routes.find((r) => r.key === key)!
      expect(route).toBeDefined()
      const res = await call(route)
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_signature',
      )
    }
  })

  it('lets a token with every permission past the guard on every route', async () => {
    const headers = await bearer(t, [...permissions])
    const refused: string[] = []
    for (const route of routes) {
      if (signedRoutes.includes(route.key)) continue
      const res = await call(route, headers)
      if (res.status === 401 || res.status === 403) refused.push(`${route.key} -> ${res.status}`)
    }
    // /logout is a browser route and /api/v1/auth/refresh needs a refresh token: both are
    // public and answer on their own terms.
    expect(refused.filter((r) => !r.startsWith('POST /api/v1/auth/refresh'))).toEqual([])
  })

  it('redirects a browser without a session to the login page, keeping where it was going', async () => {
    const res = await t.app.request('/dashboard/logs?x=1', { headers: { Accept: 'text/html' } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard%2Flogs%3Fx%3D1')
  })

  it('refuses a route that declares no access, for everyone', async () => {
    const fresh = await makeApp()
    let ran = false
    fresh.app.get('/test/undeclared', (c) => {
      ran = true
      return c.text('should never run')
    })
    const headers = await bearer(fresh, [...permissions])
    const res = await fresh.app.request('/test/undeclared', { headers })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('declares no access rule')
    expect(ran).toBe(false)
    fresh.close()
  })

  it('answers 401 for a malformed Authorization header and for unknown tokens', async () => {
    for (const value of ['Basic abc', 'Bearer', 'Bearer vgl_nope', 'Bearer not.a.jwt']) {
      const res = await t.app.request('/api/v1/audit', { headers: { Authorization: value } })
      expect(res.status).toBe(401)
    }
  })
})
