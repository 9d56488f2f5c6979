import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'
import { gaussian } from './series.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock
const step = 10_000
const last = clock - 60_000

/** Stores 400 steady points 10 s apart ending at `last`. */
async function history(app: TestApp, name: string, labels: Record<string, string>, level = 50) {
  const noise = gaussian(3)
  const samples = Array.from({ length: 400 }, (_, i) => ({
    name,
    labels,
    value: level + noise(),
    ts: last - (399 - i) * step,
  }))
  const res = await app.app.request('/api/v1/ingest/metrics', {
    method: 'POST',
    headers: { ...app.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ samples }),
  })
  expect(res.status).toBe(200)
  await app.anomalies.idle()
}

async function detect(app: TestApp, body: unknown, headers = app.headers) {
  const res = await app.app.request('/api/v1/detect-anomaly', {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const at = (k: number) => new Date(last + k * step).toISOString()

describe('POST /api/v1/detect-anomaly', () => {
  it('scores points against the stored history of the matching series', async () => {
    t = await makeApp({ now })
    await history(t, 'cpu_usage', { pod: 'api-1', namespace: 'web' })
    const quiet = await detect(t, {
      metrics: [
        { metric_type: 'cpu_usage', value: 50.3, timestamp: at(1), labels: { pod: 'api-1' } },
      ],
    })
    expect(quiet.status).toBe(200)
    expect(quiet.body).toMatchObject({
      is_anomaly: false,
      severity: 'none',
      recommended_action: 'none',
      anomalies: [],
    })
    expect(quiet.body.results[0]).toMatchObject({
      series: 'cpu_usage{namespace="web", pod="api-1"}',
      history_points: 400,
      is_anomaly: false,
    })
    expect(quiet.body.confidence).toBeLessThan(0.5)

    const high = await detect(t, {
      metrics: [
        { metric_type: 'cpu_usage', value: 95, timestamp: at(1), labels: { pod: 'api-1' } },
      ],
    })
    expect(high.body.is_anomaly).toBe(true)
    expect(high.body.confidence).toBeGreaterThanOrEqual(0.5)
    expect(['low', 'medium', 'high', 'critical']).toContain(high.body.severity)
    const [a] = high.body.anomalies
    expect(a).toMatchObject({ metric_type: 'cpu_usage', value: 95, component: 'spike' })
    expect(a.expected.high).toBeLessThan(95)
    expect(a.explanation).toContain('a spike: 95 where')
    // A single spike of CPU is not sustained: no scale-up, just a look.
    expect(high.body.recommended_action).toBe('investigate')
    // Nothing the caller brings is stored.
    const stored = await t.app.request('/api/v1/anomalies', { headers: t.headers })
    expect(((await stored.json()) as { anomalies: unknown[] }).anomalies).toEqual([])
  })

  it('recommends from the documented table: sustained high CPU scales up, errors roll back', async () => {
    t = await makeApp({ now })
    await history(t, 'cpu_usage', { pod: 'api-1' })
    await history(t, 'http_errors_per_second', { service: 'api' }, 2)
    const sustained = await detect(t, {
      metrics: Array.from({ length: 5 }, (_, k) => ({
        metric_type: 'cpu_usage',
        value: 90 + k * 0.7,
        timestamp: at(k + 1),
        labels: { pod: 'api-1' },
      })),
    })
    expect(sustained.body.is_anomaly).toBe(true)
    // One high point is worth a look; three in a row are sustained.
    const actions = sustained.body.results.map((a: any) => a.recommended_action)
    expect(actions.slice(0, 2)).toEqual(['investigate', 'investigate'])
    expect(actions.slice(2)).toEqual(['scale_up', 'scale_up', 'scale_up'])
    expect(sustained.body.recommended_action).toBe('scale_up')
    const errors = await detect(t, {
      metrics: [
        {
          metric_type: 'http_errors_per_second',
          value: 40,
          timestamp: at(1),
          labels: { service: 'api' },
        },
      ],
    })
    expect(errors.body).toMatchObject({
      is_anomaly: true,
      recommended_action: 'rollback_deployment',
    })
  })

  it('says when a series has no history instead of guessing', async () => {
    t = await makeApp({ now })
    const { status, body } = await detect(t, {
      metrics: [{ metric_type: 'never_seen', value: 1e9, labels: { pod: 'x' } }],
    })
    expect(status).toBe(200)
    expect(body.is_anomaly).toBe(false)
    expect(body.results[0]).toMatchObject({ history_points: 0, series: 'never_seen{pod="x"}' })
    expect(body.results[0].explanation).toContain('not enough history: 0 stored points')
  })

  it('refuses malformed requests with 400 in the error shape, and callers without anomalies:read', async () => {
    t = await makeApp({ now })
    for (const body of [
      {},
      { metrics: [] },
      { metrics: [{ metric_type: 'bad name', value: 1 }] },
      { metrics: [{ metric_type: 'cpu', value: 'high' }] },
      { metrics: [{ metric_type: 'cpu', value: 1, timestamp: 'yesterday' }] },
      { metrics: [{ metric_type: 'cpu', value: 1, labels: { 'a-b': 'x' } }] },
      { metrics: Array.from({ length: 1001 }, () => ({ metric_type: 'cpu', value: 1 })) },
    ]) {
      const res = await detect(t, body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.body.error.code).toBe('invalid_request')
    }
    const bad = await t.app.request('/api/v1/detect-anomaly', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/json' },
      body: '{"metrics": [',
    })
    expect(bad.status).toBe(400)
    const ingestOnly = await bearer(t, ['ingest:write'])
    expect(
      (await detect(t, { metrics: [{ metric_type: 'cpu', value: 1 }] }, ingestOnly)).status,
    ).toBe(403)
  })
})

describe('GET /api/v1/anomalies/overlay', () => {
  it('returns the expected band and the stored anomalies of a selector’s series', async () => {
    t = await makeApp({ now })
    await history(t, 'cpu_usage', { pod: 'api-1' })
    const spike = {
      samples: [{ name: 'cpu_usage', labels: { pod: 'api-1' }, value: 99, ts: last + step }],
    }
    await t.app.request('/api/v1/ingest/metrics', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(spike),
    })
    await t.anomalies.idle()
    const q = new URLSearchParams({
      query: 'cpu_usage{pod="api-1"}',
      start: String(last - 3600_000),
      end: String(clock),
    })
    const res = await t.app.request(`/api/v1/anomalies/overlay?${q}`, { headers: t.headers })
    expect(res.status).toBe(200)
    const { series } = (await res.json()) as { series: any[] }
    expect(series).toHaveLength(1)
    expect(series[0].anomalies.map((a: any) => a.value)).toEqual([99])
    expect(series[0].band.length).toBeGreaterThan(100)
    for (const [ts, low, high] of series[0].band) {
      expect(ts).toBeGreaterThanOrEqual(last - 3600_000)
      expect(low).toBeLessThan(high)
    }
    const sum = new URLSearchParams({ query: 'sum(cpu_usage)', start: '0', end: String(clock) })
    const none = await t.app.request(`/api/v1/anomalies/overlay?${sum}`, { headers: t.headers })
    expect(await none.json()).toEqual({ series: [], note: 'bands need a plain series selector' })
  })
})
