import { afterEach, describe, expect, it } from 'bun:test'
import { AnomalyService, serviceOptions } from '../../src/anomaly/service.ts'
import { registerDetectorMetrics } from '../../src/anomaly/metrics.ts'
import { createMetrics } from '../../src/obs/metrics.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'
import { gaussian } from './series.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock
const step = 10_000

/** points builds n samples 10 s apart ending a minute before the clock, noise around `level`. */
function points(n: number, level: number, seed = 7, at = clock - 60_000 - (n - 1) * step) {
  const noise = gaussian(seed)
  return Array.from({ length: n }, (_, i) => ({ t: at + i * step, v: level + noise() }))
}

async function ingest(
  app: TestApp,
  name: string,
  labels: Record<string, string>,
  list: { t: number; v: number }[],
) {
  const res = await app.app.request('/api/v1/ingest/metrics', {
    method: 'POST',
    headers: { ...app.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ samples: list.map((p) => ({ name, labels, value: p.v, ts: p.t })) }),
  })
  expect(res.status).toBe(200)
  await app.anomalies.idle()
}

async function get(app: TestApp, path: string, headers = app.headers) {
  const res = await app.app.request(path, { headers })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function metric(app: TestApp, line: string): Promise<number> {
  const text = await app.metrics.registry.metrics()
  const found = text.split('\n').find((l) => l.startsWith(line))
  return Number(found?.split(' ').at(-1) ?? NaN)
}

/** A steady series of 400 points with a spike at point 350. */
function withSpike() {
  const list = points(400, 50)
  list[350]!.v = 95
  return list
}

describe('the detector in the server', () => {
  it('scores ingested samples and stores the point where a series became anomalous', async () => {
    t = await makeApp({ now })
    const list = withSpike()
    // In three batches, as agents send them.
    for (let i = 0; i < 400; i += 150)
      await ingest(t, 'cpu_usage_percent', { host: 'a' }, list.slice(i, i + 150))
    const { status, body } = await get(t, '/api/v1/anomalies')
    expect(status).toBe(200)
    expect(body.anomalies).toHaveLength(1)
    const a = body.anomalies[0]
    expect(a.ts).toBe(new Date(list[350]!.t).toISOString())
    expect(a.series).toBe('cpu_usage_percent{host="a"}')
    expect(a.labels).toEqual({ __name__: 'cpu_usage_percent', host: 'a' })
    expect(a.component).toBe('spike')
    expect(a.value).toBe(95)
    expect(a.expected.low).toBeLessThan(95)
    expect(a.expected.high).toBeLessThan(95)
    expect(a.score).toBeGreaterThanOrEqual(0.5)
    expect(['low', 'medium', 'high', 'critical']).toContain(a.severity)
    expect(a.explanation).toContain('a spike: 95 where')
    expect(await metric(t, 'vigil_anomaly_points_scored_total')).toBe(400)
    expect(await metric(t, `vigil_anomalies_detected_total{severity="${a.severity}"}`)).toBe(1)
    expect(await metric(t, 'vigil_anomaly_series')).toBe(1)
    expect(await metric(t, 'vigil_anomaly_scoring_seconds_total')).toBeGreaterThan(0)
  })

  it('publishes samples and anomalies on the bus', async () => {
    t = await makeApp({ now })
    let samples = 0
    const heard: string[] = []
    t.bus.subscribe('samples', (batch) => (samples += batch.count))
    t.bus.subscribe('anomalies', (list) => heard.push(...list.map((a) => a.series)))
    await ingest(t, 'cpu_usage_percent', { host: 'a' }, withSpike())
    expect(samples).toBe(400)
    expect(heard).toEqual(['cpu_usage_percent{host="a"}'])
  })

  it('keeps quiet on a steady series and scores counters by their rate', async () => {
    t = await makeApp({ now })
    await ingest(t, 'cpu_usage_percent', { host: 'b' }, points(400, 50, 11))
    // A counter growing at a steady rate with a restart to zero stays quiet too.
    const counter = points(400, 0, 12).map((p, i) => ({ t: p.t, v: (i % 250) * 100 + p.v }))
    await ingest(t, 'http_requests_total', { host: 'b' }, counter)
    expect((await get(t, '/api/v1/anomalies')).body.anomalies).toEqual([])
    expect(await metric(t, 'vigil_anomaly_series')).toBe(2)
  })

  it('filters by series, severity and time, and pages with a cursor', async () => {
    t = await makeApp({ now })
    for (const host of ['a', 'b', 'c']) await ingest(t, 'cpu_usage_percent', { host }, withSpike())
    const all = (await get(t, '/api/v1/anomalies')).body
    expect(all.anomalies).toHaveLength(3)
    const one = await get(t, `/api/v1/anomalies?series=${encodeURIComponent('{host="b"}')}`)
    expect(one.body.anomalies.map((a: any) => a.labels.host)).toEqual(['b'])
    const later = await get(t, `/api/v1/anomalies?since=${withSpike()[351]!.t}`)
    expect(later.body.anomalies).toEqual([])
    const severity = all.body?.anomalies?.[0]?.severity ?? all.anomalies[0].severity
    const atLeast = await get(t, `/api/v1/anomalies?min_severity=${severity}`)
    expect(atLeast.body.anomalies.length).toBeGreaterThan(0)
    expect(
      atLeast.body.anomalies.every(
        (a: any) =>
          ['low', 'medium', 'high', 'critical'].indexOf(a.severity) >=
          ['low', 'medium', 'high', 'critical'].indexOf(severity),
      ),
    ).toBe(true)
    const first = await get(t, '/api/v1/anomalies?limit=2')
    expect(first.body.anomalies).toHaveLength(2)
    expect(first.body.has_more).toBe(true)
    const second = await get(t, `/api/v1/anomalies?limit=2&cursor=${first.body.next_cursor}`)
    expect(second.body.anomalies).toHaveLength(1)
    expect(second.body.has_more).toBe(false)
    const ids = [...first.body.anomalies, ...second.body.anomalies].map((a: any) => a.id)
    expect(new Set(ids).size).toBe(3)
  })

  it('refuses bad parameters with 400 and callers without anomalies:read', async () => {
    t = await makeApp({ now })
    for (const query of [
      'series=sum(cpu)',
      'series=%7Bhost%3D',
      'min_severity=huge',
      'limit=0',
      'since=yesterday',
      'cursor=nope',
    ]) {
      const { status, body } = await get(t, `/api/v1/anomalies?${query}`)
      expect(status, query).toBe(400)
      expect(body.error.message.length, query).toBeGreaterThan(0)
    }
    expect((await t.app.request('/api/v1/anomalies')).status).toBe(401)
    const metricsOnly = await bearer(t, ['metrics:read'])
    expect((await get(t, '/api/v1/anomalies', metricsOnly)).status).toBe(403)
  })

  it('scores only the series the include and exclude selectors choose', async () => {
    t = await makeApp({
      now,
      env: {
        VIGIL_ANOMALY_INCLUDE: 'cpu_usage_percent; {job="api"}',
        VIGIL_ANOMALY_EXCLUDE: '{host="skip"}',
      },
    })
    await ingest(t, 'cpu_usage_percent', { host: 'a' }, withSpike())
    await ingest(t, 'cpu_usage_percent', { host: 'skip' }, withSpike())
    await ingest(t, 'memory_used_bytes', { host: 'a' }, withSpike())
    await ingest(t, 'memory_used_bytes', { host: 'a', job: 'api' }, withSpike())
    const { body } = await get(t, '/api/v1/anomalies')
    expect(body.anomalies.map((a: any) => a.series).sort()).toEqual([
      'cpu_usage_percent{host="a"}',
      'memory_used_bytes{host="a", job="api"}',
    ])
    expect(await metric(t, 'vigil_anomaly_series')).toBe(2)
  })

  it('scores nothing when turned off, and the page says so', async () => {
    t = await makeApp({ now, env: { VIGIL_ANOMALY_ENABLED: 'false' } })
    await ingest(t, 'cpu_usage_percent', { host: 'a' }, withSpike())
    expect((await get(t, '/api/v1/anomalies')).body.anomalies).toEqual([])
    expect(await metric(t, 'vigil_anomaly_points_scored_total')).toBe(0)
    const page = await t.app.request('/dashboard/anomalies', { headers: t.headers })
    expect(await page.text()).toContain('The detector is off')
  })

  it('warms a series from its stored history after a restart', async () => {
    t = await makeApp({ now, env: { VIGIL_ANOMALY_ENABLED: 'false' } })
    const list = withSpike()
    list[350]!.v = list[349]!.v
    await ingest(t, 'cpu_usage_percent', { host: 'a' }, list.slice(0, 399))
    // A second detector, as after a restart: it has never seen the series.
    const restarted = new AnomalyService(
      t.db.client,
      t.engine,
      t.bus,
      { ...serviceOptions(t.config), enabled: true },
      now,
      t.logger,
      registerDetectorMetrics(createMetrics().registry),
    )
    const [id] = t.engine.index.match([{ name: 'host', op: '=', value: 'a' }])
    restarted.enqueue({ triples: new Float64Array([id!, list[399]!.t, 95]), count: 1 })
    await restarted.idle()
    const page = await restarted.query({ limit: 10 })
    expect(page.anomalies.map((a) => [a.ts, a.value])).toEqual([[list[399]!.t, 95]])
  })
})
