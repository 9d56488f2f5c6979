import { afterEach, describe, expect, it } from 'bun:test'
import { gzipSync } from 'node:zlib'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { counter, get, line, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock

async function setup(env: Record<string, string> = {}) {
  t = await makeApp({ now, env })
  return t
}

type Reply = {
  accepted: number
  rejected: number
  truncated: number
  errors: { index: number; reason: string; message: string }[]
}

describe('logs ingest', () => {
  it('POST /api/v1/ingest/logs stores lines and answers with counts once durable', async () => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', {
      logs: [
        line('api', 'GET /users 200', { level: 'INFO', labels: { host: 'a' } }),
        line('api', 'db timeout', { level: 'ERR', ts: '2026-11-22T09:59:00Z' }),
        line('api', 'bad', { level: 'loud' }),
      ],
    })
    expect(res.status).toBe(200)
    const reply = (await res.json()) as Reply
    expect(reply).toMatchObject({ accepted: 2, rejected: 1, truncated: 0 })
    expect(reply.errors).toEqual([
      { index: 2, reason: 'invalid_level', message: expect.stringContaining('loud') },
    ])
    // Durable before the 2xx: the WAL row is there even before the mover ran.
    const wal = await app.db.client.execute('SELECT sum(records) AS n FROM log_wal')
    expect(Number(wal.rows[0]!.n)).toBe(2)
    await app.logs.drain()
    const { body } = await get<{ logs: { level: string; message: string; ts: string }[] }>(
      app,
      '/api/v1/logs/api',
    )
    expect(body.logs.map((l) => [l.level, l.message, l.ts])).toEqual([
      ['info', 'GET /users 200', '2026-11-22T10:00:00.000Z'],
      ['error', 'db timeout', '2026-11-22T09:59:00.000Z'],
    ])
    expect(await counter(app, 'vigil_ingest_rejected_total{reason="invalid_level"}')).toBe(1)
    const left = await app.db.client.execute('SELECT count(*) AS n FROM log_wal')
    expect(Number(left.rows[0]!.n)).toBe(0)
  })

  it('answers 400 nothing_accepted when no line is valid, and stores nothing', async () => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', { logs: [{ message: 'no service' }] })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: Reply } }
    expect(body.error.code).toBe('nothing_accepted')
    expect(body.error.details.errors[0]!.reason).toBe('missing_service')
    await app.logs.drain()
    expect((await get(app, '/api/v1/logs/services')).body).toEqual({ services: [] })
  })

  it.each([
    ['not json', '{"logs": ['],
    ['no logs field', { lines: [] }],
    ['logs not a list', { logs: 'x' }],
  ])('answers 400 malformed_body for %s and stores nothing', async (_, body) => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('malformed_body')
    const wal = await app.db.client.execute('SELECT count(*) AS n FROM log_wal')
    expect(Number(wal.rows[0]!.n)).toBe(0)
  })

  it('refuses a batch over VIGIL_INGEST_MAX_RECORDS with 400 batch_too_large', async () => {
    const app = await setup({ VIGIL_INGEST_MAX_RECORDS: '10' })
    const logs = Array.from({ length: 11 }, (_, i) => line('api', `m${i}`))
    const res = await post(app, '/api/v1/ingest/logs', { logs })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('batch_too_large')
    expect(await counter(app, 'vigil_ingest_rejected_total{reason="batch_too_large"}')).toBe(11)
    const ok = await post(app, '/api/v1/ingest/logs', { logs: logs.slice(0, 10) })
    expect(ok.status).toBe(200)
  })

  it('accepts 10 000 lines in one batch by default', async () => {
    const app = await setup()
    const logs = Array.from({ length: 10_000 }, (_, i) => line('bulk', `line ${i}`))
    const res = await post(app, '/api/v1/ingest/logs', { logs })
    expect(((await res.json()) as Reply).accepted).toBe(10_000)
  })

  it('truncates a message over 64 KiB, keeps the line and flags it truncated', async () => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', {
      logs: [line('api', 'x'.repeat(100_000))],
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Reply).truncated).toBe(1)
    expect(await counter(app, 'vigil_logs_truncated_total')).toBe(1)
    await app.logs.drain()
    const { body } = await get<{ logs: { message: string; truncated: boolean }[] }>(
      app,
      '/api/v1/logs/api',
    )
    expect(body.logs[0]!.truncated).toBe(true)
    expect(body.logs[0]!.message.length).toBe(65_536)
  })

  it.each([
    [
      'too many labels',
      { labels: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${i}`, 'v'])) },
      'too_many_labels',
    ],
    ['a bad label name', { labels: { '1x': 'v' } }, 'invalid_label_name'],
    ['a long label value', { labels: { host: 'h'.repeat(2000) } }, 'label_value_too_long'],
    ['a long service', { service: 's'.repeat(200) }, 'service_too_long'],
    ['an empty service', { service: '' }, 'missing_service'],
    ['an old line', { ts: clock - 8 * 86_400_000 }, 'too_old'],
  ])('refuses a line with %s: 400 and reason %s counted', async (_, extra, reason) => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', {
      logs: [{ ...line('api', 'x'), ...extra }],
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { details: Reply } }
    expect(body.error.details.errors[0]!.reason).toBe(reason)
    expect(await counter(app, `vigil_ingest_rejected_total{reason="${reason}"}`)).toBe(1)
  })

  it('accepts gzip and refuses a body that inflates past VIGIL_INGEST_MAX_BODY with 413', async () => {
    const app = await setup({ VIGIL_INGEST_MAX_BODY: '64KiB' })
    const small = gzipSync(JSON.stringify({ logs: [line('api', 'zipped')] }))
    const ok = await post(app, '/api/v1/ingest/logs', small, {
      ...app.headers,
      'Content-Encoding': 'gzip',
    })
    expect(ok.status).toBe(200)
    const bomb = gzipSync(JSON.stringify({ logs: [line('api', 'x'.repeat(1024 * 1024))] }))
    const res = await post(app, '/api/v1/ingest/logs', bomb, {
      ...app.headers,
      'Content-Encoding': 'gzip',
    })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large')
  })

  it('answers 503 with Retry-After when more lines wait to be indexed than VIGIL_LOGS_MAX_BACKLOG', async () => {
    const app = await setup({ VIGIL_LOGS_MAX_BACKLOG: '1000' })
    const logs = Array.from({ length: 600 }, (_, i) => line('api', `m${i}`))
    expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(200)
    const res = await post(app, '/api/v1/ingest/logs', { logs })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('overloaded')
    expect(await counter(app, 'vigil_ingest_rejected_total{reason="overloaded"}')).toBe(600)
    await app.logs.drain()
    expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(200)
  })

  it('takes one batch bigger than VIGIL_LOGS_MAX_BACKLOG when nothing waits, so it is not refused forever', async () => {
    const app = await setup({ VIGIL_LOGS_MAX_BACKLOG: '1000', VIGIL_INGEST_MAX_RECORDS: '2000' })
    const logs = Array.from({ length: 1500 }, (_, i) => line('api', `m${i}`))
    expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(200)
    expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(503)
  })
})

describe('logs ingest of text that is not valid UTF-8', () => {
  it('stores unpaired surrogates and NUL in messages and event attributes as U+FFFD, not cut or failing', async () => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/logs', {
      logs: [line('api', 'half \ud800 a pair, a \u0000 NUL, then 😀')],
    })
    expect(res.status).toBe(200)
    const ev = await post(app, '/api/v1/ingest/events', {
      events: [{ source: 'ci', kind: 'deploy', attributes: { ['k\udc00']: 'v\ud800\u0000!' } }],
    })
    expect(ev.status).toBe(200)
    expect(await app.logs.drain()).toBe(1)
    expect(await app.events.drain()).toBe(1)
    const { body } = await get<{ logs: { message: string }[] }>(app, '/api/v1/logs/api')
    expect(body.logs[0]!.message).toBe('half \ufffd a pair, a \ufffd NUL, then 😀')
    const events = await get<{ events: { attributes: unknown }[] }>(app, '/api/v1/events')
    expect(events.body.events[0]!.attributes).toEqual({ 'k\ufffd': 'v\ufffd\ufffd!' })
  })
})
