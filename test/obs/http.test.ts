import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
})
afterAll(() => t.close())

async function counter(labels: string): Promise<number> {
  const text = await t.metrics.registry.metrics()
  const line = text.split('\n').find((l) => l.startsWith(`vigil_http_requests_total{${labels}}`))
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('http metrics', () => {
  it('observeHttp() labels by route template, not by raw path', async () => {
    await t.app.request('/static/app.css', { headers: t.headers })
    await t.app.request('/static/htmx.min.js', { headers: t.headers })
    await t.app.request('/dashboard/logs', { headers: t.headers })
    expect(await counter('method="GET",route="/static/:file",status="200"')).toBe(2)
    expect(await counter('method="GET",route="/dashboard/logs",status="200"')).toBe(1)
    const text = await t.metrics.registry.metrics()
    expect(text).not.toContain('route="/static/app.css"')
    expect(text).not.toContain('route="/static/htmx.min.js"')
  })

  it('observeHttp() puts every unknown path under one "unmatched" label', async () => {
    await t.app.request('/wp-admin/setup.php', { headers: t.headers })
    await t.app.request('/api/v9/x/y/z', { headers: t.headers })
    expect(await counter('method="GET",route="unmatched",status="404"')).toBe(2)
    expect(await t.metrics.registry.metrics()).not.toContain('wp-admin')
  })

  it('observeHttp() records the status of errors and the method', async () => {
    await t.app.request('/static/nope.js', { headers: t.headers })
    await t.app.request('/healthz', { method: 'POST', headers: t.headers })
    expect(await counter('method="GET",route="/static/:file",status="404"')).toBe(1)
    expect(await counter('method="POST",route="unmatched",status="404"')).toBe(1)
  })

  it('observeHttp() fills the duration histogram by route', async () => {
    await t.app.request('/healthz', { headers: t.headers })
    const text = await t.metrics.registry.metrics()
    expect(text).toMatch(
      /vigil_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} 1/,
    )
    expect(text).toContain(
      'vigil_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}',
    )
  })

  it('observeHttp() logs method, route, status and duration; probes only at debug', async () => {
    await t.app.request('/dashboard/drift', { headers: t.headers })
    const line = t.lines.findLast((l) => l.msg === 'request')!
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/dashboard/drift',
      status: 200,
    })
    expect(typeof line.duration_ms).toBe('number')
    await t.app.request('/healthz', { headers: t.headers })
    expect(t.lines.findLast((l) => l.msg === 'request')).toMatchObject({
      level: 'debug',
      route: '/healthz',
    })
  })
})
