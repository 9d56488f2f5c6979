import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Bus } from '../../src/bus.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/client.ts'
import { LogsService, registerLogsMetrics } from '../../src/logs/index.ts'
import { Registry } from 'prom-client'
import { tempDir } from '../helpers/app.ts'
import { killLoop, lostAndTorn } from './kill-loop.ts'
import { root } from './process.ts'

// Two writers ingest log batches without pause while vigil (run from source) is killed with
// SIGKILL at random moments, 20 times; the mover runs every 200 ms, so kills also land inside
// moves. Afterwards every acknowledged line is stored exactly once, and every unacknowledged
// batch entirely or not at all.
const rounds = 20
const linesPerBatch = 50
const main = join(root, 'src/main.ts')
const env = { VIGIL_ADMIN_PASSWORD: 'crash-test-passphrase' }

let dir: string
let token: string

function payload(k: number) {
  return {
    logs: Array.from({ length: linesPerBatch }, (_, i) => ({
      service: 'crash',
      level: i % 5 === 0 ? 'error' : 'info',
      message: `batch b${k} line l${i}`,
      labels: { batch: String(k) },
    })),
  }
}

beforeAll(() => {
  dir = tempDir('vigil-logs-crash-')
  const created = Bun.spawnSync(
    [process.execPath, main, 'token', 'create', '--name', 'writer', '--scopes', 'ingest:write'],
    { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } },
  )
  token = created.stdout.toString().trim()
  expect(token).toStartWith('vgl_')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('kill -9 (logs)', () => {
  it(`keeps every acknowledged log line exactly once across ${rounds} kills`, async () => {
    const batches = await killLoop({
      rounds,
      argv: [process.execPath, main, 'serve', '--port', '0', '--listen', '127.0.0.1'],
      cwd: dir,
      env: env,
      token,
      path: '/api/v1/ingest/logs',
      payload,
    })
    const acked = batches.filter((b) => b.acked)
    expect(acked.length).toBeGreaterThan(rounds * 5)

    // What a restart does: open the store and move what the WAL still holds.
    const config = loadConfig({}, { VIGIL_DATA_DIR: join(dir, 'data') })
    const db = await openDatabase(config.dbUrl)
    const logs = await LogsService.open(
      db.client,
      config.logs,
      Date.now,
      new Bus(),
      registerLogsMetrics(new Registry()),
    )
    await logs.drain()
    const rows = await db.client.execute(
      "SELECT message, count(*) AS n FROM logs WHERE service = 'crash' GROUP BY message",
    )
    const perBatch = new Map<number, number>()
    const duplicated: string[] = []
    for (const r of rows.rows) {
      const m = /^batch b(\d+) line l\d+$/.exec(String(r.message))
      if (!m) continue
      if (Number(r.n) !== 1) duplicated.push(`${r.message} x${r.n}`)
      perBatch.set(Number(m[1]), (perBatch.get(Number(m[1])) ?? 0) + 1)
    }
    await db.client.execute("INSERT INTO logs_fts(logs_fts) VALUES ('integrity-check')")
    const wal = await db.client.execute('SELECT count(*) AS n FROM log_wal')
    db.close()
    expect(duplicated).toEqual([])
    expect(Number(wal.rows[0]!.n)).toBe(0)
    const { lost, torn } = lostAndTorn(batches, perBatch, linesPerBatch)
    expect(lost).toEqual([])
    expect(torn).toEqual([])
    console.log(
      `kill -9 (logs): ${rounds} rounds, ${acked.length} acknowledged batches all present once, ` +
        `${batches.length - acked.length} unacknowledged`,
    )
  }, 240_000)
})
