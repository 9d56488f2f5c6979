import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

describe('system routes', () => {
  it('GET /healthz answers 200 while the process runs', async () => {
    t = await makeApp()
    const res = await t.app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz answers 200 when the database is reachable and migrated', async () => {
    t = await makeApp()
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> }
    expect(body.status).toBe('ready')
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true)
  })

  it('GET /readyz answers 503 when migrations are pending', async () => {
    t = await makeApp()
    // Forget the latest migration: the database now lacks it, as after an upgrade of the binary.
    await t.db.client.execute(
      'DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)',
    )
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(503)
    const body = (await res.json()) as { checks: { migrations: { message: string } } }
    expect(body.checks.migrations.message).toBe('1 pending: run `vigil migrate`')
  })

  it('GET /readyz answers 503 when the database is closed', async () => {
    t = await makeApp()
    t.db.client.close()
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(503)
    expect(
      ((await res.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok,
    ).toBe(false)
  })

  it('GET /readyz answers 503 while draining for shutdown', async () => {
    t = await makeApp()
    t.lifecycle.draining = true
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('shutting down')
  })

  it('GET /metrics serves the Prometheus text format with build info and process metrics', async () => {
    t = await makeApp()
    await t.app.request('/healthz')
    const res = await t.app.request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
    const text = await res.text()
    expect(text).toMatch(
      /^vigil_build_info\{version="\d+\.\d+\.\d+",runtime="bun",runtime_version="[\d.]+"\} 1$/m,
    )
    expect(text).toContain('# TYPE vigil_http_requests_total counter')
    expect(text).toContain('# TYPE vigil_http_request_duration_seconds histogram')
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(text).toMatch(/^process_cpu_seconds_total [\d.e-]+/m)
  })

  it('GET /metrics needs the bearer token when VIGIL_METRICS_TOKEN is set', async () => {
    const secret = 'scrape-secret-0123456789'
    t = await makeApp({ env: { VIGIL_METRICS_TOKEN: secret } })
    expect((await t.app.request('/metrics')).status).toBe(401)
    const wrong = await t.app.request('/metrics', {
      headers: { Authorization: 'Bearer nope-nope-nope' },
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('VIGIL_METRICS_TOKEN')
    const right = await t.app.request('/metrics', {
      headers: { Authorization: `Bearer ${secret}` },
    })
    expect(right.status).toBe(200)
    expect(await right.text()).toContain('vigil_build_info')
  })
})
