import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { line, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const start = Date.parse('2026-11-22T10:00:00Z')

/** counted reads log_services and what a full count over logs says, for comparison. */
async function counted(app: TestApp) {
  const kept = await app.db.client.execute(
    'SELECT service, lines, last_seen FROM log_services ORDER BY service',
  )
  const full = await app.db.client.execute(
    'SELECT service, count(*) AS lines, max(ts) AS last_seen FROM logs GROUP BY service ORDER BY service',
  )
  const rows = (r: typeof kept) => r.rows.map((x) => [x.service, x.lines, x.last_seen])
  return { kept: rows(kept), full: rows(full) }
}

describe('log_services', () => {
  it('keeps per-service totals equal to a full count through moves and deletions', async () => {
    let clock = start
    t = await makeApp({ now: () => clock, env: { VIGIL_LOGS_RETENTION: '1d' } })
    const app = t
    const logs = Array.from({ length: 300 }, (_, i) =>
      line(['api', 'web', 'db'][i % 3]!, `m ${i}`, {
        ts: start - 20 * 3600_000 + (i % 97) * 600_000,
      }),
    )
    expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(200)
    await app.logs.drain()
    let c = await counted(app)
    expect(c.kept).toEqual(c.full)
    expect(c.kept.map((r) => r[1])).toEqual([100, 100, 100])

    // Deleting a service's newest line moves last_seen back; its last line removes the service.
    await app.db.client.execute(
      "DELETE FROM logs WHERE id = (SELECT id FROM logs WHERE service = 'web' ORDER BY ts DESC LIMIT 1)",
    )
    await app.db.client.execute("DELETE FROM logs WHERE service = 'db'")
    c = await counted(app)
    expect(c.kept).toEqual(c.full)
    expect(c.kept.map((r) => r[0])).toEqual(['api', 'web'])

    clock = start + 10 * 3600_000
    expect(await app.logs.enforceRetention()).toBeGreaterThan(0)
    c = await counted(app)
    expect(c.kept).toEqual(c.full)
    await app.db.client.execute("INSERT INTO logs_fts(logs_fts) VALUES ('integrity-check')")
  })
})
