import { afterAll, beforeAll, describe, expect, it, test } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { get, post } from '../helpers/records.ts'
import { startReceiver, until, type Receiver } from '../notify/receiver.ts'
import { alert, Clock } from './alerts.ts'

const hour = 3_600_000
let t: TestApp
let receiver: Receiver
const clock = new Clock()
const loops = new AbortController()
let running: Promise<void>

beforeAll(async () => {
  t = await makeApp({ now: clock.now })
  receiver = startReceiver()
  const res = await post(t, '/api/v1/channels', {
    name: 'hook',
    type: 'webhook',
    config: { url: receiver.url, secret: 'a-webhook-secret-of-some-length' },
  })
  expect(res.status).toBe(201)
  running = t.notifier.run(loops.signal)
})
afterAll(async () => {
  loops.abort()
  await running
  receiver.stop()
  t.close()
})

type Body = Record<string, any>
const iso = (ms: number) => new Date(ms).toISOString()

async function silence(body: Body) {
  return post(t, '/api/v1/silences', { comment: 'deploying', ...body })
}

async function incidentOf(fingerprint: string): Promise<Body> {
  const { body } = await get<Body>(t, '/api/v1/incidents?limit=500')
  const found = body.incidents.find((i: Body) => i.fingerprint === fingerprint)
  return (await get<Body>(t, `/api/v1/incidents/${found.id}`)).body
}

const events = (b: Body) => b.deliveries.map((d: Body) => d.event)

describe('/api/v1/silences', () => {
  test.each<[string, Body, string]>([
    ['no matchers', { matchers: [], duration: '1h' }, 'at least one matcher'],
    [
      'a regex that does not compile',
      { matchers: [{ name: 'a', op: '=~', value: '(' }], duration: '1h' },
      'invalid regex',
    ],
    [
      'an unknown operator',
      { matchers: [{ name: 'a', op: '==', value: 'b' }], duration: '1h' },
      'op',
    ],
    [
      'an end before the start',
      {
        matchers: [{ name: 'a', op: '=', value: 'b' }],
        starts_at: iso(clock.t + hour),
        ends_at: iso(clock.t + 1000),
      },
      'after starts_at',
    ],
    [
      'neither end nor duration',
      { matchers: [{ name: 'a', op: '=', value: 'b' }] },
      'ends_at or duration',
    ],
    [
      'more than the maximum',
      { matchers: [{ name: 'a', op: '=', value: 'b' }], duration: '31d' },
      'at most 30d',
    ],
    [
      'no comment',
      { matchers: [{ name: 'a', op: '=', value: 'b' }], duration: '1h', comment: '' },
      'comment',
    ],
  ])('POST with %s is a 400', async (_name, body, why) => {
    const res = await silence(body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as Body).error.message).toContain(why)
  })

  it('does not notify an incident its labels silence, and notifies once the silence is expired', async () => {
    const res = await silence({
      matchers: [{ name: 'service', op: '=', value: 'checkout' }],
      duration: '2h',
    })
    expect(res.status).toBe(201)
    const s = ((await res.json()) as Body).silence
    expect(s).toMatchObject({ state: 'active', created_by: 'test-all' })
    await t.incidents.fire(alert({ fingerprint: 'fp-muted', labels: { service: 'checkout' } }))
    await t.incidents.fire(alert({ fingerprint: 'fp-loud', labels: { service: 'search' } }))
    const muted = await incidentOf('fp-muted')
    expect(muted.incident).toMatchObject({ silenced: true, silence_id: s.id })
    expect(muted.timeline.map((e: Body) => e.kind)).toEqual(['triggered', 'silenced'])
    expect(muted.deliveries).toEqual([])
    const loud = await incidentOf('fp-loud')
    expect(events(loud)).toEqual(['triggered'])
    await until(() => receiver.hits.some((h) => h.body.includes('fp-loud')))
    expect(receiver.hits.some((h) => h.body.includes('fp-muted'))).toBe(false)

    const del = await t.app.request(`/api/v1/silences/${s.id}`, {
      method: 'DELETE',
      headers: t.headers,
    })
    expect(del.status).toBe(200)
    expect(((await del.json()) as Body).silence).toMatchObject({
      state: 'expired',
      expired_by: 'test-all',
    })
    const after = await incidentOf('fp-muted')
    expect(after.incident.silenced).toBe(false)
    expect(after.timeline.map((e: Body) => e.kind)).toEqual([
      'triggered',
      'silenced',
      'unsilenced',
      'notified',
    ])
    expect(events(after)).toEqual(['triggered'])
    const again = await t.app.request(`/api/v1/silences/${s.id}`, {
      method: 'DELETE',
      headers: t.headers,
    })
    expect(again.status).toBe(409)
    const audit = (await t.audit.list({ limit: 100 })).entries.map((e) => e.action)
    expect(audit).toContain('silence.create')
    expect(audit).toContain('silence.expire')
  })

  it('mutes a silenced incident only until the silence ends, by the clock', async () => {
    await silence({ matchers: [{ name: 'service', op: '=~', value: 'batch-.*' }], duration: '1h' })
    const a = alert({ fingerprint: 'fp-batch', labels: { service: 'batch-nightly' } })
    await t.incidents.fire(a)
    expect((await incidentOf('fp-batch')).incident.silenced).toBe(true)
    await t.incidents.resolve(a)
    expect(events(await incidentOf('fp-batch'))).toEqual([])
    clock.advance(2 * hour)
    const since = clock.t
    await t.incidents.fire({ ...a, at: since, since })
    const reopened = await incidentOf('fp-batch')
    expect(reopened.incident).toMatchObject({ status: 'triggered', silenced: false })
    expect(events(reopened)).toEqual(['triggered'])
  })

  it('treats a silence that starts later as a maintenance window', async () => {
    const starts = clock.t + hour
    await silence({
      matchers: [{ name: 'env', op: '!=', value: 'prod' }],
      starts_at: iso(starts),
      duration: '1h',
    })
    const { body } = await get<Body>(t, '/api/v1/silences')
    expect(body.silences[0]).toMatchObject({ state: 'pending', starts_at: iso(starts) })
    const a = alert({ fingerprint: 'fp-staging', labels: { env: 'staging' } })
    await t.incidents.fire(a)
    expect((await incidentOf('fp-staging')).incident.silenced).toBe(false)
    clock.advance(hour + 1)
    await t.incidents.fire({ ...a, at: clock.t })
    const inWindow = await incidentOf('fp-staging')
    expect(inWindow.incident.silenced).toBe(true)
    await post(t, `/api/v1/incidents/${inWindow.incident.id}/ack`, {})
    expect(events(await incidentOf('fp-staging'))).toEqual(['triggered'])
  })

  it('notifies the acknowledgement and the resolution of an incident that is not silenced', async () => {
    await t.incidents.fire(
      alert({ fingerprint: 'fp-notify', labels: { service: 'pay', env: 'prod' } }),
    )
    const { incident } = await incidentOf('fp-notify')
    await post(t, `/api/v1/incidents/${incident.id}/ack`, {})
    await post(t, `/api/v1/incidents/${incident.id}/resolve`, {})
    const done = await incidentOf('fp-notify')
    expect(events(done)).toEqual(['triggered', 'acknowledged', 'resolved'])
    await until(async () =>
      (await incidentOf('fp-notify')).deliveries.every((d: Body) => d.status === 'delivered'),
    )
  })

  it('stops the reminders of an incident notified before a silence began', async () => {
    await t.incidents.fire(
      alert({ fingerprint: 'fp-remind', labels: { service: 'mail', env: 'prod' } }),
    )
    const { incident } = await incidentOf('fp-remind')
    const tracked = async () =>
      Number(
        (
          await t.db.client.execute({
            sql: 'SELECT count(*) AS n FROM notify_incidents WHERE incident_id = ?',
            args: [String(incident.id)],
          })
        ).rows[0]!.n,
      )
    expect(await tracked()).toBe(1)
    const res = await silence({
      matchers: [{ name: 'service', op: '=', value: 'mail' }],
      comment: 'mail relay maintenance',
      duration: '1h',
    })
    expect(res.status).toBe(201)
    expect((await incidentOf('fp-remind')).incident.silenced).toBe(true)
    expect(await tracked()).toBe(0)
  })
})
