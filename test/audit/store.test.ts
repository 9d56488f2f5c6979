import { afterEach, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { runCli } from '../../src/cli/index.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

async function seeded(n = 5) {
  t = await makeApp()
  for (let i = 1; i <= n; i++) {
    await t.audit.append({
      actor: i % 2 ? 'ada' : 'bob',
      actorType: 'user',
      action: i % 2 ? 'user.create' : 'auth.login',
      target: `user:u${i}`,
      outcome: 'success',
      details: { i },
    })
  }
  return t
}

async function cli(argv: string[], env: Record<string, string>) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, env)
  return { code, out, err }
}

describe('audit store', () => {
  it('append() chains entries in sequence, even when many arrive at once', async () => {
    const app = await seeded(0)
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        app.audit.append({
          actor: 'x',
          actorType: 'system',
          action: 'test',
          outcome: 'success',
          details: { i },
        }),
      ),
    )
    expect(await app.audit.verify()).toEqual({ ok: true, count: 40, lastSeq: 40 })
  })

  it('the database refuses UPDATE and DELETE on audit_log', async () => {
    const app = await seeded(3)
    await expect(app.db.client.execute("UPDATE audit_log SET actor = 'eve'")).rejects.toThrow(
      'audit_log is append-only: UPDATE refused',
    )
    await expect(app.db.client.execute('DELETE FROM audit_log')).rejects.toThrow(
      'audit_log is append-only: DELETE refused',
    )
    expect((await app.audit.verify()).ok).toBe(true)
  })

  it('verify() and `vigil audit verify` find a change made to the database file directly', async () => {
    const app = await seeded(5)
    const env = { VIGIL_DATA_DIR: app.dir }
    expect((await cli(['audit', 'verify'], env)).code).toBe(0)
    // Someone with the file drops the guard and rewrites history.
    const raw = createClient({ url: `file:${join(app.dir, 'vigil.db')}` })
    await raw.execute('DROP TRIGGER audit_log_no_update')
    await raw.execute("UPDATE audit_log SET actor = 'eve' WHERE seq = 3")
    raw.close()
    const verdict = await app.audit.verify()
    expect(verdict).toMatchObject({ ok: false, seq: 3 })
    const result = await cli(['audit', 'verify'], env)
    expect(result.code).toBe(1)
    expect(result.err).toBe(
      'audit trail broken at sequence 3: the record does not match its hash (it was changed)\n',
    )
  })

  it('verify() finds a deleted entry', async () => {
    const app = await seeded(5)
    const raw = createClient({ url: `file:${join(app.dir, 'vigil.db')}` })
    await raw.execute('DROP TRIGGER audit_log_no_delete')
    await raw.execute('DELETE FROM audit_log WHERE seq = 2')
    raw.close()
    expect(await app.audit.verify()).toMatchObject({ ok: false, seq: 2 })
  })

  it('list() filters by actor, action prefix and time, newest first, with a cursor', async () => {
    const app = await seeded(7)
    const byActor = await app.audit.list({ actor: 'ada', limit: 10 })
    expect(byActor.entries.map((e) => e.seq)).toEqual([7, 5, 3, 1])
    const byAction = await app.audit.list({ action: 'auth.', limit: 10 })
    expect(byAction.entries.every((e) => e.action === 'auth.login')).toBe(true)
    const page1 = await app.audit.list({ limit: 3 })
    expect(page1.entries.map((e) => e.seq)).toEqual([7, 6, 5])
    const page2 = await app.audit.list({ limit: 3, cursor: page1.nextCursor })
    expect(page2.entries.map((e) => e.seq)).toEqual([4, 3, 2])
    const last = await app.audit.list({ limit: 3, cursor: page2.nextCursor })
    expect(last.entries.map((e) => e.seq)).toEqual([1])
    expect(last.nextCursor).toBeUndefined()
    const like = await app.audit.list({ action: '%', limit: 10 })
    expect(like.entries).toEqual([])
  })
})

describe('audit api', () => {
  it('GET /api/v1/audit pages with next_cursor and refuses bad parameters with 400', async () => {
    const app = await seeded(4)
    const res = await app.app.request('/api/v1/audit?limit=2&actor=ada', { headers: app.headers })
    const body = (await res.json()) as {
      entries: { seq: number; time: string }[]
      has_more: boolean
      next_cursor: string
    }
    expect(body.entries.map((e) => e.seq)).toEqual([3, 1])
    expect(body.entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    expect(body.has_more).toBe(false)
    for (const q of ['limit=0', 'limit=5000', 'since=yesterday', 'cursor=-1']) {
      const bad = await app.app.request(`/api/v1/audit?${q}`, { headers: app.headers })
      expect(bad.status).toBe(400)
    }
  })

  it('records state changes made through the API, with the request id and actor', async () => {
    const app = await seeded(0)
    await app.app.request('/api/v1/users', {
      method: 'POST',
      headers: { ...app.headers, 'Content-Type': 'application/json', 'X-Request-Id': 'req-42' },
      body: JSON.stringify({ username: 'cyd', role: 'viewer', password: 'correct-horse-battery' }),
    })
    const [entry] = (await app.audit.list({ action: 'user.create', limit: 1 })).entries
    expect(entry).toMatchObject({
      actor: 'test-all',
      actorType: 'token',
      action: 'user.create',
      target: 'user:cyd',
      requestId: 'req-42',
    })
  })

  it('records a refused state change by a signed-in caller as denied', async () => {
    const app = await seeded(0)
    const { token } = await app.auth.tokens.create({
      name: 'weak',
      scopes: ['logs:read'],
      createdBy: 'test',
    })
    await app.app.request('/api/v1/tokens/test-all', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    })
    const [entry] = (await app.audit.list({ limit: 1 })).entries
    expect(entry).toMatchObject({ actor: 'weak', action: 'http.delete', outcome: 'denied' })
  })
})
