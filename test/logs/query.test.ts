import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { get, line, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

let clock = Date.parse('2026-11-22T10:00:00Z')
const start = clock

type Page = {
  logs: { id: number; ts: string; level: string; message: string }[]
  has_more: boolean
  next_cursor: string | null
}

async function setup(env: Record<string, string> = {}) {
  clock = start
  t = await makeApp({ now: () => clock, env })
  return t
}

async function ingest(app: TestApp, logs: unknown[]) {
  const res = await post(app, '/api/v1/ingest/logs', { logs })
  expect(res.status).toBe(200)
}

describe('logs query', () => {
  it('GET /api/v1/logs/{service}?search finds words, "phrases" and prefix* in moved lines', async () => {
    const app = await setup()
    await ingest(app, [
      line('api', 'connection reset by peer'),
      line('api', 'reset the connection pool'),
      line('api', 'timeout while reading'),
      line('web', 'connection reset by peer'),
    ])
    await app.logs.drain()
    const search = async (q: string) =>
      (await get<Page>(app, `/api/v1/logs/api?search=${encodeURIComponent(q)}`)).body.logs
        .map((l) => l.message)
        .sort()
    expect(await search('connection reset')).toEqual([
      'connection reset by peer',
      'reset the connection pool',
    ])
    expect(await search('"connection reset"')).toEqual(['connection reset by peer'])
    expect(await search('time*')).toEqual(['timeout while reading'])
    expect(await search('pool OR timeout')).toEqual([
      'reset the connection pool',
      'timeout while reading',
    ])
  })

  it.each(['"unbalanced', 'OR', 'a OR', '*', '"', '-- ;', 'a*b'])(
    'answers 400 invalid_search for the search %p, never 500',
    async (search) => {
      const app = await setup()
      await ingest(app, [line('api', 'x')])
      await app.logs.drain()
      const res = await get<{ error: { code: string; message: string } }>(
        app,
        `/api/v1/logs/api?search=${encodeURIComponent(search)}`,
      )
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('invalid_search')
    },
  )

  it('filters by minimum level, by a list of levels and by time', async () => {
    const app = await setup()
    await ingest(app, [
      line('api', 'd', { level: 'debug', ts: start - 3000 }),
      line('api', 'i', { level: 'info', ts: start - 2000 }),
      line('api', 'w', { level: 'warning', ts: start - 1000 }),
      line('api', 'e', { level: 'error', ts: start }),
    ])
    await app.logs.drain()
    const messages = async (q: string) =>
      (await get<Page>(app, `/api/v1/logs/api?${q}`)).body.logs.map((l) => l.message)
    expect(await messages('level=warn')).toEqual(['e', 'w'])
    expect(await messages('level=debug,error')).toEqual(['e', 'd'])
    expect(await messages(`start=${start - 2000}&end=${start - 1000}`)).toEqual(['w', 'i'])
    expect((await get(app, '/api/v1/logs/api?level=loud')).status).toBe(400)
    expect((await get(app, '/api/v1/logs/api?limit=10001')).status).toBe(400)
    expect((await get(app, '/api/v1/logs/api?cursor=nope')).status).toBe(400)
    expect((await get(app, '/api/v1/logs/bad%20name')).status).toBe(400)
  })

  it('pages never skip or repeat a line while lines are ingested between and during pages', async () => {
    const app = await setup()
    // Few distinct timestamps, so many lines tie on ts and the id decides the order.
    const first = Array.from({ length: 400 }, (_, i) =>
      line('api', `old ${i}`, { ts: start - (i % 13) * 1000 }),
    )
    await ingest(app, first)
    await app.logs.drain()
    const before = await app.db.client.execute("SELECT id FROM logs WHERE service = 'api'")
    const expected = new Set(before.rows.map((r) => Number(r.id)))
    expect(expected.size).toBe(400)

    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    let k = 0
    do {
      const url: string = `/api/v1/logs/api?limit=37${cursor ? `&cursor=${cursor}` : ''}`
      // Concurrent ingest of lines older, equal to and newer than anything on the pages.
      const writer = (async () => {
        await ingest(
          app,
          Array.from({ length: 20 }, (_, i) =>
            line('api', `new ${k++}`, { ts: start - ((i * 7) % 15) * 1000 + (i % 3) - 1 }),
          ),
        )
        await app.logs.drain()
      })()
      const [{ body }] = await Promise.all([get<Page>(app, url), writer])
      for (const l of body.logs) seen.push(l.id)
      cursor = body.next_cursor
      pages++
      expect(body.has_more).toBe(cursor !== null)
    } while (cursor && pages < 100)
    expect(seen.length).toBe(new Set(seen).size)
    expect(new Set(seen)).toEqual(expected)
    expect(pages).toBe(Math.ceil(400 / 37))
  })

  it('returns newest first, ordered by (ts, id) descending', async () => {
    const app = await setup()
    await ingest(app, [
      line('api', 'a', { ts: start - 1000 }),
      line('api', 'b', { ts: start }),
      line('api', 'c', { ts: start - 1000 }),
    ])
    await app.logs.drain()
    const { body } = await get<Page>(app, '/api/v1/logs/api')
    expect(body.logs.map((l) => l.message)).toEqual(['b', 'c', 'a'])
  })

  it('GET /api/v1/logs/services lists line counts, last seen and the 5-minute error rate', async () => {
    const app = await setup()
    await ingest(app, [
      line('api', 'ok'),
      line('api', 'ok'),
      line('api', 'bad', { level: 'error' }),
      line('api', 'worse', { level: 'fatal' }),
      line('api', 'long ago', { level: 'error', ts: start - 3600_000 }),
      line('web', 'fine', { ts: start - 1000 }),
    ])
    await app.logs.drain()
    const { body } = await get<{ services: Record<string, unknown>[] }>(
      app,
      '/api/v1/logs/services',
    )
    expect(body.services).toEqual([
      {
        service: 'api',
        lines: 5,
        last_seen: '2026-11-22T10:00:00.000Z',
        lines_5m: 4,
        error_rate: 0.5,
      },
      {
        service: 'web',
        lines: 1,
        last_seen: '2026-11-22T09:59:59.000Z',
        lines_5m: 1,
        error_rate: 0,
      },
    ])
  })

  it('enforceRetention() removes lines older than VIGIL_LOGS_RETENTION from table and index', async () => {
    const app = await setup({ VIGIL_LOGS_RETENTION: '7d' })
    await ingest(app, [
      line('api', 'ancient marker', { ts: start - 6 * 86_400_000 }),
      line('api', 'recent marker', { ts: start }),
    ])
    await app.logs.drain()
    clock = start + 2 * 86_400_000
    expect(await app.logs.enforceRetention()).toBe(1)
    const { body } = await get<Page>(app, '/api/v1/logs/api?search=marker')
    expect(body.logs.map((l) => l.message)).toEqual(['recent marker'])
    await app.db.client.execute("INSERT INTO logs_fts(logs_fts) VALUES ('integrity-check')")
  })

  it('enforceRetention() removes the oldest lines until under VIGIL_LOGS_MAX_SIZE', async () => {
    const app = await setup({ VIGIL_LOGS_MAX_SIZE: '20KiB' })
    await ingest(
      app,
      Array.from({ length: 1000 }, (_, i) =>
        line('api', `message number ${i} `.padEnd(80, '.'), { ts: start - 1000_000 + i }),
      ),
    )
    await app.logs.drain()
    expect(await app.logs.enforceRetention()).toBeGreaterThan(700)
    const size = await app.db.client.execute('SELECT sum(size) AS s, min(ts) AS oldest FROM logs')
    expect(Number(size.rows[0]!.s)).toBeLessThanOrEqual(20 * 1024)
    const { body } = await get<Page>(app, '/api/v1/logs/api?limit=1')
    expect(body.logs[0]!.message).toStartWith('message number 999 ')
  })
})
