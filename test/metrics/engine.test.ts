import { afterEach, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { MetricsEngine, type EngineOptions } from '../../src/metrics/engine.ts'
import { registerMetricsMetrics } from '../../src/metrics/metrics.ts'
import { validSample, type ValidSample } from '../../src/metrics/validate.ts'
import type { Labels } from '../../src/metrics/types.ts'
import { createLogger } from '../../src/obs/logger.ts'
import { tempDir } from '../helpers/app.ts'

const day = 86_400_000
const options: EngineOptions = {
  retentionRawMs: 15 * day,
  retention1mMs: 90 * day,
  retention1hMs: 730 * day,
  maxBytes: 0,
  flushIntervalMs: 3600_000,
  maxHeadSamples: 1_000_000,
  maxSeriesPerToken: 1000,
  maxQueuedSamples: 1_000_000,
  cacheBytes: 1 << 20,
}

let dir: string
let db: Database
let registry: Registry
let clock = Date.parse('2026-11-22T10:00:00Z')
const now = () => clock

async function open(overrides: Partial<EngineOptions> = {}) {
  db = await openDatabase(`file:${join(dir, 'vigil.db')}`)
  await migrate(db.client)
  return MetricsEngine.open(
    db.client,
    { ...options, ...overrides },
    now,
    createLogger('error', []),
    registerMetricsMetrics((registry = new Registry())),
  )
}

async function cacheLookups(): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('vigil_metrics_cache_lookups_total')!.get()
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.result), v.value]))
}

function sample(name: string, labels: Record<string, string>, t: number, v: number): ValidSample {
  const all: Labels = { __name__: name, ...labels }
  return validSample(all, t, v)
}

const cpu = (host: string, t: number, v: number) => sample('cpu', { host }, t, v)
const all = {
  matchers: [{ name: '__name__', op: '=' as const, value: 'cpu' }],
  start: 0,
  end: Infinity,
}

afterEach(() => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('engine', () => {
  it('ingest() makes samples readable at once, per series, in time order', async () => {
    dir = tempDir()
    const engine = await open()
    const t0 = clock - 60_000
    const result = await engine.ingest(
      [cpu('a', t0 + 10_000, 2), cpu('a', t0, 1), cpu('b', t0, 5)],
      'agent',
    )
    expect(result).toEqual({ accepted: 3, errors: [] })
    const data = await engine.select(all)
    expect(data.map((d) => [d.labels.host, d.samples])).toEqual([
      [
        'a',
        [
          { t: t0, v: 1 },
          { t: t0 + 10_000, v: 2 },
        ],
      ],
      ['b', [{ t: t0, v: 5 }]],
    ])
  })

  it('open() replays the WAL: acknowledged samples survive a restart without a flush', async () => {
    dir = tempDir()
    let engine = await open()
    await engine.ingest([cpu('a', clock - 1000, 7), cpu('b', clock - 1000, NaN)], 'agent')
    db.close()
    engine = await open()
    const data = await engine.select(all)
    expect(data).toHaveLength(2)
    expect(data[0]!.samples).toEqual([{ t: clock - 1000, v: 7 }])
    expect(Number.isNaN(data[1]!.samples[0]!.v)).toBe(true)
    expect(engine.index.size).toBe(2)
  })

  it('flush() moves the head into chunks and rollups and empties the WAL', async () => {
    dir = tempDir()
    const engine = await open()
    const start = clock - 2 * 3600_000
    const batch = Array.from({ length: 720 }, (_, i) => cpu('a', start + i * 10_000, i % 7))
    await engine.ingest(batch, 'agent')
    await engine.flush()
    expect(engine.headSamples).toBe(0)
    const wal = await db.client.execute('SELECT count(*) AS n FROM metric_wal')
    expect(Number(wal.rows[0]!.n)).toBe(0)
    const tiers = await db.client.execute(
      'SELECT tier, count(*) AS n, sum(count) AS c FROM metric_chunks GROUP BY tier',
    )
    expect(tiers.rows.map((r) => [Number(r.tier), Number(r.c)])).toEqual([
      [0, 720],
      [1, 120],
      [2, 2],
    ])
    const data = await engine.select(all)
    expect(data[0]!.samples).toHaveLength(720)
    expect(data[0]!.samples[100]).toEqual({ t: start + 100 * 10_000, v: 100 % 7 })
  })

  it('a restart after a flush reads chunks and refuses samples older than them', async () => {
    dir = tempDir()
    let engine = await open()
    await engine.ingest([cpu('a', clock - 5000, 1), cpu('a', clock - 4000, 2)], 'agent')
    await engine.flush()
    db.close()
    engine = await open()
    expect((await engine.select(all))[0]!.samples).toHaveLength(2)
    const late = await engine.ingest(
      [cpu('a', clock - 4500, 9), cpu('a', clock - 1000, 3)],
      'agent',
    )
    expect(late.accepted).toBe(1)
    expect(late.errors).toEqual([expect.objectContaining({ index: 0, reason: 'out_of_order' })])
  })

  it('keeps an out-of-order sample that arrives while a flush is running, across a restart', async () => {
    dir = tempDir()
    let engine = await open()
    await engine.ingest([cpu('a', clock - 1000, 2)], 'agent')
    // The flush freezes the head first; the older sample then lands in the new head.
    const flushing = engine.flush()
    await engine.ingest([cpu('a', clock - 2000, 1)], 'agent')
    await flushing
    db.close()
    engine = await open()
    expect((await engine.select(all))[0]!.samples).toEqual([
      { t: clock - 2000, v: 1 },
      { t: clock - 1000, v: 2 },
    ])
  })

  it('selectColumns() gives what select() gives: head and chunks, overlapping chunks, rollups', async () => {
    dir = tempDir()
    const engine = await open({ retentionRawMs: 3600_000 })
    // Rollups only (older than raw retention), overlapping raw chunks, then fresh head samples.
    clock -= 3 * 3600_000
    await engine.ingest([cpu('a', clock - 50_000, 9), cpu('a', clock - 40_000, 8)], 'agent')
    await engine.flush()
    clock += 3 * 3600_000
    await engine.ingest([cpu('a', clock - 1000, 2)], 'agent')
    const flushing = engine.flush()
    await engine.ingest([cpu('a', clock - 2000, 1)], 'agent')
    await flushing
    await engine.flush()
    await engine.ingest([cpu('a', clock - 500, 3), cpu('b', clock - 500, 5)], 'agent')
    const request = { ...all, start: clock - 4 * 3600_000, end: clock }
    const objects = await engine.select(request)
    const columns = await engine.selectColumns(request)
    expect(
      columns.map((c) => ({
        labels: c.labels,
        samples: [...c.ts].map((t, i) => ({ t, v: c.vs[i] })),
      })),
    ).toEqual(objects)
    expect(objects[0]!.samples.map((s) => s.v)).toEqual([8, 1, 2, 3])
  })

  it('accepts out-of-order samples while they are in the head, and merges them in order', async () => {
    dir = tempDir()
    const engine = await open()
    await engine.ingest(
      [cpu('a', clock - 1000, 3), cpu('a', clock - 3000, 1), cpu('a', clock - 2000, 2)],
      'agent',
    )
    expect((await engine.select(all))[0]!.samples.map((s) => s.v)).toEqual([1, 2, 3])
    await engine.flush()
    expect((await engine.select(all))[0]!.samples.map((s) => s.v)).toEqual([1, 2, 3])
  })

  it('refuses a batch that would take a token over its active-series limit with 429, storing nothing', async () => {
    dir = tempDir()
    const engine = await open({ maxSeriesPerToken: 3 })
    await engine.ingest([cpu('a', clock, 1), cpu('b', clock, 1)], 'agent')
    await expect(
      engine.ingest([cpu('c', clock, 1), cpu('d', clock, 1)], 'agent'),
    ).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 60,
    })
    expect(engine.index.size).toBe(2)
    // Another token has its own budget; existing series never count twice.
    expect((await engine.ingest([cpu('c', clock, 1)], 'other')).accepted).toBe(1)
    expect(
      (await engine.ingest([cpu('a', clock + 1, 1), cpu('c', clock + 1, 1)], 'agent')).accepted,
    ).toBe(2)
  })

  it('answers 503 instead of queueing without bound', async () => {
    dir = tempDir()
    const engine = await open({ maxQueuedSamples: 2 })
    await expect(
      engine.ingest([cpu('a', clock, 1), cpu('b', clock, 1), cpu('c', clock, 1)], 'x'),
    ).rejects.toMatchObject({
      status: 503,
    })
  })

  it('serves ranges older than raw retention from the one-minute rollups', async () => {
    dir = tempDir()
    const engine = await open({ retentionRawMs: 3600_000 })
    const start = clock - 3 * 3600_000 + 1
    // Samples inside retention when written...
    clock -= 3 * 3600_000
    await engine.ingest(
      Array.from({ length: 12 }, (_, i) => cpu('a', start + i * 10_000, i)),
      'agent',
    )
    await engine.flush()
    // ...then time passes beyond raw retention.
    clock += 3 * 3600_000
    await engine.enforceRetention()
    const raw = await db.client.execute('SELECT tier FROM metric_chunks')
    expect(raw.rows.map((r) => Number(r.tier)).sort()).toEqual([1, 2])
    const data = await engine.select({ ...all, start: start - 3600_000, end: clock })
    // Two one-minute buckets: the last value of each.
    expect(data[0]!.samples.map((s) => s.v)).toEqual([5, 11])
  })

  it('enforceRetention() deletes the oldest raw chunks first when over the size cap', async () => {
    dir = tempDir()
    const engine = await open({ maxBytes: 1 })
    await engine.ingest([cpu('a', clock - 2000, 1)], 'agent')
    await engine.flush()
    await engine.ingest([cpu('a', clock - 1000, 2)], 'agent')
    await engine.flush()
    expect(await engine.enforceRetention()).toBeGreaterThan(0)
    const left = await db.client.execute('SELECT count(*) AS n FROM metric_chunks WHERE tier = 0')
    expect(Number(left.rows[0]!.n)).toBe(0)
  })

  it('select() answers repeats from the chunk cache and still sees every later flush', async () => {
    dir = tempDir()
    const engine = await open()
    const start = clock - 2 * 3600_000
    await engine.ingest(
      Array.from({ length: 400 }, (_, i) => cpu('a', start + i * 10_000, i)),
      'agent',
    )
    await engine.flush()
    expect((await engine.select(all))[0]!.samples).toHaveLength(400)
    expect((await engine.select(all))[0]!.samples).toHaveLength(400)
    expect(await cacheLookups()).toEqual({ hit: 1, miss: 1 })
    // A window that slides forward stays a hit: the entry reaches the newest chunk.
    await engine.select({ ...all, start: start + 60_000 })
    expect((await cacheLookups()).hit).toBe(2)
    // New chunks cut the entry back: the next read goes to disk and finds them.
    await engine.ingest(
      Array.from({ length: 300 }, (_, i) => cpu('a', start + (400 + i) * 10_000, -i)),
      'agent',
    )
    await engine.flush()
    const after = (await engine.select(all))[0]!.samples
    expect(after).toHaveLength(700)
    expect(after.at(-1)).toEqual({ t: start + 699 * 10_000, v: -299 })
    expect(await cacheLookups()).toEqual({ hit: 2, miss: 2 })
    // An older range inside what the entry still covers is a hit with the right samples.
    const early = (await engine.select({ ...all, start, end: start + 90_000 }))[0]!.samples
    expect(early.map((s) => s.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('select() does not serve chunks that retention deleted from the cache', async () => {
    dir = tempDir()
    const engine = await open({ maxBytes: 1 })
    await engine.ingest([cpu('a', clock - 2000, 1)], 'agent')
    await engine.flush()
    expect((await engine.select(all))[0]!.samples).toHaveLength(1)
    await engine.enforceRetention()
    expect(await engine.select(all)).toEqual([])
  })
})
