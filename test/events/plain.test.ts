import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { get, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const clock = Date.parse('2026-11-22T10:00:00Z')

async function setup() {
  t = await makeApp({ now: () => clock })
  return t
}

describe('plain ingest', () => {
  it('POST /logs stores {"value":{level,msg,service,host}} as a line with a host label', async () => {
    const app = await setup()
    const res = await post(app, '/logs', {
      value: { level: 'WARNING', msg: 'disk almost full', service: 'backup', host: 'nas', pid: 12 },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 0 })
    await app.logs.drain()
    const { body } = await get<{ logs: Record<string, unknown>[] }>(app, '/api/v1/logs/backup')
    expect(body.logs[0]).toMatchObject({
      level: 'warn',
      message: 'disk almost full',
      labels: { host: 'nas', pid: '12' },
    })
  })

  it('POST /logs answers 400 with the reason when the line is refused', async () => {
    const app = await setup()
    const res = await post(app, '/logs', { value: { msg: 'who am I' } })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { details: { errors: { reason: string }[] } } }
    expect(body.error.details.errors[0]!.reason).toBe('missing_service')
    expect((await post(app, '/logs', { msg: 'no value' })).status).toBe(400)
  })

  it('POST /metrics turns each numeric field into a series labelled by the string fields', async () => {
    const app = await setup()
    const res = await post(app, '/metrics', {
      value: { cpu_percent: 12.5, mem_bytes: 1024, healthy: true, host: 'a', 'bad-name': 1 },
    })
    expect(res.status).toBe(200)
    const reply = (await res.json()) as { accepted: number; errors: { reason: string }[] }
    expect(reply.accepted).toBe(3)
    expect(reply.errors.map((e) => e.reason)).toEqual(['invalid_name'])
    const q = encodeURIComponent('cpu_percent{host="a"}')
    const { body } = await get<{ series: { points: number[][] }[] }>(
      app,
      `/api/v1/metrics/query?query=${q}&start=${clock - 60_000}&end=${clock}&step=60s`,
    )
    expect(body.series[0]!.points.at(-1)).toEqual([clock, 12.5])
  })

  it('POST /events stores a single event', async () => {
    const app = await setup()
    const res = await post(app, '/events', {
      value: { source: 'ci', kind: 'deploy', subject: 'api', message: 'v2 out' },
    })
    expect(res.status).toBe(200)
    await app.events.drain()
    const { body } = await get<{ events: Record<string, unknown>[] }>(app, '/api/v1/events')
    expect(body.events[0]).toMatchObject({ source: 'ci', kind: 'deploy', severity: 'info' })
  })

  it('POST /gitopsd/events stores a drift report as source gitopsd, kind drift.<type>', async () => {
    const app = await setup()
    const res = await post(app, '/gitopsd/events', {
      type: 'mismatch',
      severity: 'warning',
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'api' },
      details: { field: 'spec.replicas', want: 3, got: 1 },
    })
    expect(res.status).toBe(200)
    await app.events.drain()
    const { body } = await get<{ events: Record<string, unknown>[] }>(
      app,
      '/api/v1/events?source=gitopsd&kind=drift.mismatch',
    )
    expect(body.events[0]).toMatchObject({
      source: 'gitopsd',
      kind: 'drift.mismatch',
      severity: 'warning',
      subject: 'Deployment/prod/api',
      attributes: {
        resource: { kind: 'Deployment', namespace: 'prod', name: 'api' },
        details: { field: 'spec.replicas' },
      },
    })
    const bad = await post(app, '/gitopsd/events', { type: 'exploded', resource: {} })
    expect(bad.status).toBe(400)
  })
})
