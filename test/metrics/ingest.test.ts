import { afterEach, describe, expect, it } from 'bun:test'
import { gzipSync } from 'node:zlib'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock

async function setup(env: Record<string, string> = {}) {
  t = await makeApp({ now, env })
  return { app: t, auth: await bearer(t, ['ingest:write', 'metrics:read']) }
}

function post(
  app: TestApp,
  auth: Record<string, string>,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.app.request('/api/v1/ingest/metrics', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json', ...headers },
    body: (typeof body === 'string' || body instanceof Uint8Array
      ? body
      : JSON.stringify(body)) as BodyInit,
  })
}

async function rejectedCount(app: TestApp, reason: string): Promise<number> {
  const text = await app.metrics.registry.metrics()
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`vigil_ingest_rejected_total{reason="${reason}"}`))
  return Number(line?.split(' ').at(-1) ?? -1)
}

const ok = {
  name: 'cpu_usage_percent',
  labels: { host: 'a' },
  value: 12.5,
  ts: '2026-11-22T09:59:00Z',
}

describe('ingest', () => {
  it('POST /api/v1/ingest/metrics stores samples and answers with counts', async () => {
    const { app, auth } = await setup()
    const res = await post(app, auth, {
      samples: [ok, { ...ok, value: 13, ts: clock - 1000 }, { name: 'up', value: 1 }],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ accepted: 3, rejected: 0, errors: [] })
    const stored = await app.engine.select({
      matchers: [{ name: '__name__', op: '=', value: 'cpu_usage_percent' }],
      start: 0,
      end: clock,
    })
    expect(stored[0]!.samples).toEqual([
      { t: Date.parse('2026-11-22T09:59:00Z'), v: 12.5 },
      { t: clock - 1000, v: 13 },
    ])
    const up = await app.engine.select({
      matchers: [{ name: '__name__', op: '=', value: 'up' }],
      start: 0,
      end: clock,
    })
    expect(up[0]!.samples).toEqual([{ t: clock, v: 1 }])
  })

  it.each([
    ['invalid_name', { ...ok, name: '1cpu' }],
    ['invalid_label_name', { ...ok, labels: { 'bad-name': 'x' } }],
    ['invalid_label_name', { ...ok, labels: { __secret: 'x' } }],
    ['invalid_label_value', { ...ok, labels: { host: 5 } }],
    [
      'too_many_labels',
      { ...ok, labels: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${i}`, 'v'])) },
    ],
    ['name_too_long', { ...ok, name: 'm'.repeat(129) }],
    ['label_value_too_long', { ...ok, labels: { host: '€'.repeat(342) } }],
    ['invalid_utf8', { ...ok, labels: { host: 'a\ud800b' } }],
    ['invalid_value', { ...ok, value: 'lots' }],
    ['invalid_value', { ...ok, value: null }],
    ['too_old', { ...ok, ts: clock - 16 * 86_400_000 }],
    ['too_far_in_future', { ...ok, ts: clock + 11 * 60_000 }],
    ['invalid_timestamp', { ...ok, ts: 'yesterday' }],
    ['missing_name', { ...ok, name: undefined }],
    [
      'duplicate_label',
      {
        ...ok,
        labels: [
          { name: 'host', value: 'a' },
          { name: 'host', value: 'b' },
        ],
      },
    ],
  ])(
    'refuses a sample with reason %s, keeps the good ones, counts the reason',
    async (reason, bad) => {
      const { app, auth } = await setup()
      const before = await rejectedCount(app, reason)
      const res = await post(app, auth, { samples: [ok, bad] })
      expect(res.status).toBe(200)
      const body = (await res.json()) as {
        accepted: number
        rejected: number
        errors: { index: number; reason: string }[]
      }
      expect(body.accepted).toBe(1)
      expect(body.rejected).toBe(1)
      expect(body.errors[0]).toMatchObject({ index: 1, reason })
      expect(await rejectedCount(app, reason)).toBe(before + 1)
    },
  )

  it('answers 400 in the error shape with the reasons when nothing was accepted', async () => {
    const { app, auth } = await setup()
    const res = await post(app, auth, { samples: [{ ...ok, name: '1x' }] })
    expect(res.status).toBe(400)
    const body = (await res.json()) as {
      error: { code: string; details: { rejected: number; errors: unknown[] } }
    }
    expect(body.error.code).toBe('no_samples_accepted')
    expect(body.error.details.rejected).toBe(1)
  })

  it.each([
    ['not JSON', '{"samples": [', 'malformed_body'],
    ['no samples field', { values: [] }, 'malformed_body'],
    ['samples not an array', { samples: 5 }, 'malformed_body'],
  ])('answers 400 for a malformed body (%s) and stores nothing', async (_, body, code) => {
    const { app, auth } = await setup()
    const res = await post(app, auth, body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(app.engine.index.size).toBe(0)
  })

  it('accepts gzip, and refuses a body that inflates past the limit with 413', async () => {
    const { app, auth } = await setup({ VIGIL_INGEST_MAX_BODY: '64KiB' })
    const small = gzipSync(JSON.stringify({ samples: [ok] }))
    expect((await post(app, auth, small, { 'Content-Encoding': 'gzip' })).status).toBe(200)
    // 1 MiB of zeros compresses to about 1 KiB.
    const bomb = gzipSync(JSON.stringify({ samples: [{ ...ok, name: 'x'.repeat(1024 * 1024) }] }))
    expect(bomb.length).toBeLessThan(10_000)
    const res = await post(app, auth, bomb, { 'Content-Encoding': 'gzip' })
    expect(res.status).toBe(413)
    expect(await res.text()).toContain('VIGIL_INGEST_MAX_BODY')
    const broken = await post(app, auth, new Uint8Array([1, 2, 3, 4]), {
      'Content-Encoding': 'gzip',
    })
    expect(broken.status).toBe(400)
    const br = await post(app, auth, small, { 'Content-Encoding': 'br' })
    expect(br.status).toBe(415)
  })

  it('answers 429 with Retry-After once a token reaches its active series limit', async () => {
    const { app, auth } = await setup({ VIGIL_INGEST_MAX_SERIES_PER_TOKEN: '2' })
    const many = { samples: ['a', 'b', 'c'].map((host) => ({ ...ok, labels: { host } })) }
    const res = await post(app, auth, many)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
    expect(await res.text()).toContain('VIGIL_INGEST_MAX_SERIES_PER_TOKEN')
    expect(app.engine.index.size).toBe(0)
  })

  it('answers 503 with Retry-After when more samples wait for the disk than allowed', async () => {
    const { app, auth } = await setup({ VIGIL_INGEST_MAX_QUEUED: '1000' })
    const big = {
      samples: Array.from({ length: 1001 }, (_, i) => ({ ...ok, labels: { host: `h${i}` } })),
    }
    const res = await post(app, auth, big)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('overloaded')
    expect(await rejectedCount(app, 'overloaded')).toBe(1001)
    expect(app.engine.index.size).toBe(0)
  })

  it('needs the ingest:write scope', async () => {
    const { app } = await setup()
    const reader = await bearer(app, ['metrics:read'])
    expect((await post(app, reader, { samples: [ok] })).status).toBe(403)
  })

  it('POST /agent/metrics maps a host snapshot to node_* series', async () => {
    const { app, auth } = await setup()
    const res = await app.app.request('/agent/metrics', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        hostname: 'web-1',
        timestamp: '2026-11-22T09:59:30Z',
        cpu: { cores: 4, usage_percent: 37.5 },
        memory: { total: 8e9, used: 6e9, available: 2e9, percent: 75 },
        disks: [{ mountpoint: '/', total: 1e11, used: 4e10, percent: 40 }],
        network: [{ interface: 'eth0', rx_bytes: 123456, tx_bytes: 654321 }],
      }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { accepted: number }
    expect(body.accepted).toBeGreaterThanOrEqual(10)
    const names = app.engine.index.labelValues('__name__')
    for (const name of [
      'node_cpu_usage_percent',
      'node_memory_used_bytes',
      'node_filesystem_used_bytes',
      'node_network_receive_bytes_total',
    ]) {
      expect(names).toContain(name)
    }
    const fs = await app.engine.select({
      matchers: [{ name: '__name__', op: '=', value: 'node_filesystem_used_bytes' }],
      start: 0,
      end: clock,
    })
    expect(fs[0]!.labels).toEqual({
      __name__: 'node_filesystem_used_bytes',
      host: 'web-1',
      mountpoint: '/',
    })
    expect(fs[0]!.samples).toEqual([{ t: Date.parse('2026-11-22T09:59:30Z'), v: 4e10 }])
    const bad = await app.app.request('/agent/metrics', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ hostname: 'x', cpu: { cores: 1, usage_percent: 120 } }),
    })
    expect(bad.status).toBe(400)
  })
})
