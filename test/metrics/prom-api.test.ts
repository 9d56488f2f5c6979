import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

// Two hosts, a counter rising 10/s on a and 20/s on b, and a gauge, every 10 s for 10 minutes.
const clock = Date.parse('2026-11-22T10:00:00Z')
const start = clock - 600_000
let t: TestApp
let auth: Record<string, string>

beforeAll(async () => {
  t = await makeApp({ now: () => clock })
  auth = await bearer(t, ['ingest:write', 'metrics:read'])
  const samples = []
  for (let i = 0; i <= 60; i++) {
    const ts = start + i * 10_000
    samples.push({
      name: 'http_requests_total',
      labels: { host: 'a', code: '200' },
      value: i * 100,
      ts,
    })
    samples.push({
      name: 'http_requests_total',
      labels: { host: 'b', code: '200' },
      value: i * 200,
      ts,
    })
    samples.push({ name: 'temperature_celsius', labels: { host: 'a' }, value: 20 + (i % 2), ts })
  }
  const res = await t.app.request('/api/v1/ingest/metrics', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ samples }),
  })
  expect(res.status).toBe(200)
})
afterAll(() => t.close())

async function get(path: string) {
  const res = await t.app.request(path, { headers: auth })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const seconds = (ms: number) => ms / 1000

describe('prometheus api', () => {
  it('/query_range returns a matrix: rate of a counter, by host', async () => {
    const q = encodeURIComponent('sum by (host) (rate(http_requests_total[1m]))')
    const { status, body } = await get(
      `/prometheus/api/v1/query_range?query=${q}&start=${seconds(clock - 120_000)}&end=${seconds(clock)}&step=60`,
    )
    expect(status).toBe(200)
    expect(body.status).toBe('success')
    expect(body.data.resultType).toBe('matrix')
    const byHost = Object.fromEntries(body.data.result.map((r: any) => [r.metric.host, r.values]))
    // 100 per 10 s on a is 10/s; 200 per 10 s on b is 20/s; three steps: -120 s, -60 s, 0.
    expect(byHost.a).toEqual([
      [seconds(clock - 120_000), '10'],
      [seconds(clock - 60_000), '10'],
      [seconds(clock), '10'],
    ])
    expect(byHost.b.map((v: [number, string]) => v[1])).toEqual(['20', '20', '20'])
    expect(body.data.result[0].metric.__name__).toBeUndefined()
  })

  it('/query returns a vector at one time, accepting a form POST like Grafana', async () => {
    const res = await t.app.request('/prometheus/api/v1/query', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        query: 'max_over_time(temperature_celsius[5m])',
        time: String(seconds(clock)),
      }),
    })
    const body = (await res.json()) as any
    expect(body.data).toEqual({
      resultType: 'vector',
      result: [{ metric: { host: 'a' }, value: [seconds(clock), '21'] }],
    })
  })

  it('/series, /labels and /label/<name>/values list what is stored', async () => {
    const series = await get(
      `/prometheus/api/v1/series?match[]=${encodeURIComponent('http_requests_total{host="b"}')}`,
    )
    expect(series.body.data).toEqual([{ __name__: 'http_requests_total', code: '200', host: 'b' }])
    expect((await get('/prometheus/api/v1/labels')).body.data).toEqual(['__name__', 'code', 'host'])
    expect((await get('/prometheus/api/v1/label/__name__/values')).body.data).toEqual([
      'http_requests_total',
      'temperature_celsius',
    ])
    const hosts = await get(`/prometheus/api/v1/label/host/values?match[]=temperature_celsius`)
    expect(hosts.body.data).toEqual(['a'])
  })

  it.each([
    ['histogram_quantile(0.9, x)', 'unsupported function "histogram_quantile"'],
    ['rate(x[5m:1m])', 'subquer'],
    ['sum(x', 'parse error'],
  ])('answers %s with 400 bad_data naming the problem', async (query, fragment) => {
    const { status, body } = await get(
      `/prometheus/api/v1/query?query=${encodeURIComponent(query)}`,
    )
    expect(status).toBe(400)
    expect(body.status).toBe('error')
    expect(body.errorType).toBe('bad_data')
    expect(body.error).toContain(fragment)
  })

  it('refuses bad parameters the way Prometheus does', async () => {
    const missing = await get('/prometheus/api/v1/query_range?query=up&start=1&end=2')
    expect(missing.body.error).toContain('step')
    const points = await get('/prometheus/api/v1/query_range?query=up&start=0&end=100000&step=1')
    expect(points.body.error).toContain('exceeded maximum resolution of 11000 points')
    const time = await get('/prometheus/api/v1/query?query=up&time=noon')
    expect(time.body.error).toContain('cannot parse "noon"')
  })

  it('needs metrics:read', async () => {
    const res = await t.app.request('/prometheus/api/v1/query?query=up')
    expect(res.status).toBe(401)
    const writer = await bearer(t, ['ingest:write'])
    expect(
      (await t.app.request('/prometheus/api/v1/query?query=up', { headers: writer })).status,
    ).toBe(403)
  })

  it('GET /api/v1/metrics/query gives the dashboard numbers in ms, and reads by a person are audited', async () => {
    const q = encodeURIComponent('temperature_celsius')
    const { body } = await get(
      `/api/v1/metrics/query?query=${q}&start=${clock - 60_000}&end=${clock}&step=30s`,
    )
    expect(body.series).toEqual([
      {
        labels: { __name__: 'temperature_celsius', host: 'a' },
        points: [
          [clock - 60_000, 20],
          [clock - 30_000, 21],
          [clock, 20],
        ],
      },
    ])
    expect((await get('/api/v1/metrics/names')).body.names).toEqual([
      'http_requests_total',
      'temperature_celsius',
    ])
  })
})
