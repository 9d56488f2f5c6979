import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

// The route-table test (test/auth/access.test.ts) walks every route; this one pins down that
// the logs and events routes are in that table and need the scope they should.
const routes = [
  ['POST', '/api/v1/ingest/logs', 'ingest:write'],
  ['POST', '/api/v1/ingest/events', 'ingest:write'],
  ['POST', '/logs', 'ingest:write'],
  ['POST', '/metrics', 'ingest:write'],
  ['POST', '/events', 'ingest:write'],
  ['POST', '/gitopsd/events', 'ingest:write'],
  ['GET', '/api/v1/logs/services', 'logs:read'],
  ['GET', '/api/v1/logs/api', 'logs:read'],
  ['GET', '/api/v1/logs/api/stream', 'logs:read'],
  ['GET', '/ws/logs/api', 'logs:read'],
  ['GET', '/api/v1/events', 'events:read'],
] as const

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
})
afterAll(() => t.close())

describe('logs and events access', () => {
  it.each(routes)(
    '%s %s answers 401 without credentials and 403 without %s',
    async (method, path, scope) => {
      const init = (headers: Record<string, string>) => ({
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: method === 'GET' ? undefined : '{}',
      })
      expect((await t.app.request(path, init({}))).status).toBe(401)
      const other = scope === 'ingest:write' ? 'logs:read' : 'ingest:write'
      expect((await t.app.request(path, init(await bearer(t, [other])))).status).toBe(403)
      const allowed = await t.app.request(path, init(await bearer(t, [scope])))
      expect([401, 403]).not.toContain(allowed.status)
    },
  )

  it('lists every logs and events route in the app route table', () => {
    const table = new Set(t.app.routes.map((r) => `${r.method} ${r.path}`))
    for (const key of [
      'GET /api/v1/logs/:service',
      'GET /api/v1/logs/:service/stream',
      'GET /ws/logs/:service',
      'POST /gitopsd/events',
    ]) {
      expect(table).toContain(key)
    }
  })
})
