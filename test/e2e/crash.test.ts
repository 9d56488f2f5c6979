import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/client.ts'
import { MetricsEngine } from '../../src/metrics/engine.ts'
import { registerMetricsMetrics } from '../../src/metrics/metrics.ts'
import { createLogger } from '../../src/obs/logger.ts'
import { Registry } from 'prom-client'
import { tempDir } from '../helpers/app.ts'
import { killLoop, lostAndTorn } from './kill-loop.ts'
import { copyBinary } from './process.ts'

// A writer ingests batches without pause while the process is killed with SIGKILL at random
// moments, 20 times, with a 1 s flush interval so kills also land inside flushes. Afterwards every
// acknowledged sample must be stored, and every unacknowledged batch entirely or not at all.
const rounds = 20
const seriesPerBatch = 50

let dir: string
let binary: string
let token: string
const base = Date.now() - 3600_000

function payload(k: number) {
  return {
    samples: Array.from({ length: seriesPerBatch }, (_, s) => ({
      name: 'crash_test_value',
      labels: { s: String(s) },
      value: k * 1000 + s,
      ts: base + k * 10,
    })),
  }
}

beforeAll(() => {
  dir = tempDir('vigil-crash-')
  binary = copyBinary(dir)
  const created = Bun.spawnSync(
    [binary, 'token', 'create', '--name', 'writer', '--scopes', 'ingest:write'],
    { cwd: dir, env: { VIGIL_ADMIN_PASSWORD: 'crash-test-passphrase' } },
  )
  token = created.stdout.toString().trim()
  expect(token).toStartWith('vgl_')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('kill -9', () => {
  it(`keeps every acknowledged sample across ${rounds} kills at random moments`, async () => {
    const batches = await killLoop({
      rounds,
      argv: [binary, '--port', '0', '--listen', '127.0.0.1'],
      cwd: dir,
      env: { VIGIL_METRICS_FLUSH_INTERVAL: '1s', VIGIL_ADMIN_PASSWORD: 'crash-test-passphrase' },
      token,
      path: '/api/v1/ingest/metrics',
      payload,
    })
    const acked = batches.filter((b) => b.acked)
    expect(acked.length).toBeGreaterThan(rounds * 5)

    const config = loadConfig({}, { VIGIL_DATA_DIR: join(dir, 'data') })
    const db = await openDatabase(config.dbUrl)
    const engine = await MetricsEngine.open(
      db.client,
      config.metrics,
      Date.now,
      createLogger('error', []),
      registerMetricsMetrics(new Registry()),
    )
    const stored = await engine.select({
      matchers: [{ name: '__name__', op: '=', value: 'crash_test_value' }],
      start: base - 1,
      end: base + batches.length * 10 + 1,
    })
    const present = new Map<number, number>()
    const wrong: string[] = []
    for (const series of stored) {
      const s = Number(series.labels.s)
      for (const sample of series.samples) {
        const batch = Math.round((sample.t - base) / 10)
        if (sample.v !== batch * 1000 + s) wrong.push(`${s}@${batch}=${sample.v}`)
        present.set(batch, (present.get(batch) ?? 0) + 1)
      }
    }
    await engine.close()
    db.close()
    expect(wrong).toEqual([])
    const { lost, torn } = lostAndTorn(batches, present, seriesPerBatch)
    expect(lost).toEqual([])
    expect(torn).toEqual([])
    console.log(
      `kill -9: ${rounds} rounds, ${acked.length} acknowledged batches all present, ` +
        `${batches.length - acked.length} unacknowledged (${batches.filter((b) => !b.acked && present.has(b.k)).length} of them stored whole)`,
    )
  }, 180_000)
})
