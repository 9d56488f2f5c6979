import { afterAll, beforeAll, describe, expect, it, test } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'
import { get, post } from '../helpers/records.ts'
import { alert, Clock } from './alerts.ts'

let t: TestApp
const clock = new Clock()

beforeAll(async () => {
  t = await makeApp({ now: clock.now })
})
afterAll(() => t.close())

type Body = Record<string, any>

async function fired(fingerprint: string, over = {}): Promise<number> {
  await t.incidents.fire(alert({ fingerprint, ...over }))
  const { body } = await get<Body>(t, '/api/v1/incidents?status=open')
  return body.incidents.find((i: Body) => i.fingerprint === fingerprint).id
}

describe('/api/v1/incidents', () => {
  it('acknowledges and resolves with the actor on the timeline and in the audit log', async () => {
    const id = await fired('fp-ack')
    const ack = await post(t, `/api/v1/incidents/${id}/ack`, { note: 'looking' })
    expect(ack.status).toBe(200)
    expect((await ack.json()).incident).toMatchObject({
      status: 'acknowledged',
      acknowledged_by: 'test-all',
    })
    const note = await post(t, `/api/v1/incidents/${id}/notes`, { text: 'restarted web-1' })
    expect(note.status).toBe(201)
    const res = await t.app.request(`/api/v1/incidents/${id}/resolve`, {
      method: 'POST',
      headers: t.headers,
    })
    expect(res.status).toBe(200)
    const { body } = await get<Body>(t, `/api/v1/incidents/${id}`)
    expect(body.incident).toMatchObject({ status: 'resolved', resolved_by: 'test-all' })
    expect(body.timeline.map((e: Body) => [e.kind, e.actor])).toEqual([
      ['triggered', 'rule:high-cpu'],
      ['acknowledged', 'test-all'],
      ['note', 'test-all'],
      ['resolved', 'test-all'],
    ])
    expect(body.timeline[1].message).toContain('looking')
    expect(body.deliveries).toEqual([])
    const audit = await t.audit.list({ limit: 50 })
    const mine = audit.entries.filter((e) => e.target === String(id)).map((e) => e.action)
    expect(mine.sort()).toEqual(['incident.acknowledge', 'incident.note', 'incident.resolve'])
  })

  test.each([
    ['ack', 'acknowledged', 'already acknowledged'],
    ['ack', 'resolved', 'cannot be acknowledged'],
    ['resolve', 'resolved', 'already resolved'],
  ])('POST /%s of an %s incident is a 409 that says why', async (action, status, why) => {
    const id = await fired(`fp-409-${action}-${status}`)
    await post(t, `/api/v1/incidents/${id}/${status === 'acknowledged' ? 'ack' : 'resolve'}`, {})
    const res = await post(t, `/api/v1/incidents/${id}/${action}`, {})
    expect(res.status).toBe(409)
    const body = (await res.json()) as Body
    expect(body.error.code).toBe('invalid_transition')
    expect(body.error.message).toContain(why)
  })

  it('answers 404 for an incident that does not exist', async () => {
    expect((await get(t, '/api/v1/incidents/99999')).status).toBe(404)
    expect((await get(t, '/api/v1/incidents/abc')).status).toBe(404)
  })

  it('filters by status, severity and rule and pages newest first', async () => {
    await fired('fp-page-1', { rule: 'paging', severity: 'low' })
    await fired('fp-page-2', { rule: 'paging', severity: 'low' })
    await fired('fp-page-3', { rule: 'paging', severity: 'critical' })
    const first = await get<Body>(t, '/api/v1/incidents?rule=paging&limit=2')
    expect(first.body.incidents.map((i: Body) => i.fingerprint)).toEqual(['fp-page-3', 'fp-page-2'])
    const next = await get<Body>(
      t,
      `/api/v1/incidents?rule=paging&limit=2&cursor=${first.body.next_cursor}`,
    )
    expect(next.body.incidents.map((i: Body) => i.fingerprint)).toEqual(['fp-page-1'])
    expect(next.body.has_more).toBe(false)
    const low = await get<Body>(t, '/api/v1/incidents?rule=paging&severity=low')
    expect(low.body.incidents).toHaveLength(2)
  })

  test.each([
    ['/api/v1/incidents?status=sleeping', 'status'],
    ['/api/v1/incidents?limit=0', 'limit'],
    ['/api/v1/incidents?cursor=nope', 'cursor'],
  ])('GET %s is a 400 naming %s', async (path, name) => {
    const res = await get<Body>(t, path)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toContain(name)
  })

  it('opens an incident by hand and refuses a bad one with 400', async () => {
    const res = await post(t, '/api/v1/incidents', {
      title: 'Checkout is slow',
      severity: 'medium',
      labels: { service: 'checkout' },
    })
    expect(res.status).toBe(201)
    const { incident } = (await res.json()) as Body
    expect(incident).toMatchObject({ status: 'triggered', rule: null, source: { kind: 'manual' } })
    expect((await post(t, '/api/v1/incidents', { title: '', severity: 'medium' })).status).toBe(400)
    expect((await post(t, '/api/v1/incidents', { title: 'x', severity: 'dire' })).status).toBe(400)
    expect((await post(t, `/api/v1/incidents/${incident.id}/notes`, { text: ' ' })).status).toBe(
      400,
    )
  })

  it('needs incidents:read to read and incidents:write to change (401 / 403)', async () => {
    const id = await fired('fp-perm')
    expect((await t.app.request('/api/v1/incidents')).status).toBe(401)
    expect((await t.app.request(`/api/v1/incidents/${id}`)).status).toBe(401)
    const reader = await bearer(t, ['incidents:read'])
    expect((await get(t, `/api/v1/incidents/${id}`, reader)).status).toBe(200)
    expect((await post(t, `/api/v1/incidents/${id}/ack`, {}, reader)).status).toBe(403)
    expect((await post(t, '/api/v1/silences', {}, reader)).status).toBe(403)
    const other = await bearer(t, ['metrics:read'])
    expect((await get(t, '/api/v1/incidents', other)).status).toBe(403)
    expect((await get(t, '/api/v1/silences', other)).status).toBe(403)
    expect((await get<Body>(t, `/api/v1/incidents/${id}`)).body.incident.status).toBe('triggered')
  })
})
