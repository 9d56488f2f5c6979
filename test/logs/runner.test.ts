import { afterEach, describe, expect, it } from 'bun:test'
import { eventsTask } from '../../src/events/index.ts'
import { runRecordTasks } from '../../src/ingest/runner.ts'
import { Registry } from 'prom-client'
import { Bus } from '../../src/bus.ts'
import { openDatabase } from '../../src/db/client.ts'
import { LogsService, logsTask, registerLogsMetrics } from '../../src/logs/index.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { get, line, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

describe('runner', () => {
  it('runRecordTasks() makes ingested lines searchable within moments and stops on abort', async () => {
    t = await makeApp()
    const loops = new AbortController()
    const running = runRecordTasks(
      [logsTask(t.logs, t.engine), eventsTask(t.events, t.engine)],
      loops.signal,
      t.logger,
      Date.now,
    )
    await post(t, '/api/v1/ingest/logs', { logs: [line('api', 'needle in the haystack')] })
    await post(t, '/api/v1/ingest/events', { events: [{ source: 'ci', kind: 'deploy' }] })
    let found = 0
    for (let i = 0; i < 50 && found === 0; i++) {
      await Bun.sleep(50)
      found = (await get<{ logs: unknown[] }>(t, '/api/v1/logs/api?search=needle')).body.logs.length
    }
    expect(found).toBe(1)
    expect((await get<{ events: unknown[] }>(t, '/api/v1/events')).body.events.length).toBe(1)
    loops.abort()
    await running
  })

  it('writes vigil_log_lines_total and vigil_events_total as counters PromQL can rate()', async () => {
    let clock = Date.parse('2026-11-22T10:00:00Z')
    const start = clock
    t = await makeApp({ now: () => clock })
    const logs = logsTask(t.logs, t.engine)
    const events = eventsTask(t.events, t.engine)
    for (let step = 0; step <= 30; step++) {
      const lines = Array.from({ length: 10 }, (_, i) =>
        line('api', 'x', { level: i < 2 ? 'error' : 'info' }),
      )
      await post(t, '/api/v1/ingest/logs', { logs: lines })
      await post(t, '/api/v1/ingest/events', { events: [{ source: 'ci', kind: 'deploy' }] })
      await logs.writeSeries(clock)
      await events.writeSeries(clock)
      clock += 10_000
    }
    clock -= 10_000
    const q = encodeURIComponent('rate(vigil_log_lines_total{service="api"}[1m])')
    const { body } = await get<{
      series: { labels: Record<string, string>; points: number[][] }[]
    }>(t, `/api/v1/metrics/query?query=${q}&start=${clock}&end=${clock}&step=10s`)
    const byLevel = Object.fromEntries(
      body.series.map((s) => [s.labels.level, s.points.at(-1)![1]]),
    )
    // 8 info and 2 error lines every 10 s.
    expect(byLevel.info).toBeCloseTo(0.8, 5)
    expect(byLevel.error).toBeCloseTo(0.2, 5)
    const total = encodeURIComponent('vigil_events_total')
    const ev = await get<{ series: { labels: Record<string, string>; points: number[][] }[] }>(
      t,
      `/api/v1/metrics/query?query=${total}&start=${start}&end=${clock}&step=10s`,
    )
    expect(ev.body.series[0]!.labels).toMatchObject({
      source: 'ci',
      kind: 'deploy',
      severity: 'info',
    })
    expect(ev.body.series[0]!.points.at(-1)![1]).toBe(31)
  })
})

describe('two movers on one database', () => {
  it('moveOnce() from two replicas at once stores every line exactly once', async () => {
    t = await makeApp()
    const other = await openDatabase(t.config.dbUrl)
    const replica = await LogsService.open(
      other.client,
      t.config.logs,
      Date.now,
      new Bus(),
      registerLogsMetrics(new Registry()),
    )
    for (let i = 0; i < 20; i++) {
      await post(t, '/api/v1/ingest/logs', {
        logs: Array.from({ length: 50 }, (_, j) => line('api', `r${i} l${j}`)),
      })
    }
    await Promise.all([t.logs.drain(), replica.drain(), t.logs.drain(), replica.drain()])
    const rows = await t.db.client.execute(
      'SELECT count(*) AS n, count(DISTINCT message) AS d FROM logs',
    )
    expect([Number(rows.rows[0]!.n), Number(rows.rows[0]!.d)]).toEqual([1000, 1000])
    expect(t.logs.backlog).toBe(0)
    other.close()
  })
})
