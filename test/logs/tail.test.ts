import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Bus } from '../../src/bus.ts'
import { registerLogsMetrics } from '../../src/logs/metrics.ts'
import { Tail } from '../../src/logs/tail.ts'
import { serve, type Server } from '../../src/runtime/index.ts'
import { Registry } from 'prom-client'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, login } from '../helpers/auth.ts'
import { counter, get, line, post } from '../helpers/records.ts'

const quietMs = 30_000

describe('Tail', () => {
  it('next() returns the queued lines and the count it dropped when the client fell behind', async () => {
    const bus = new Bus()
    const report = registerLogsMetrics(new Registry())
    const tail = new Tail(bus, { service: 'api', minLevel: 'warn' }, report, 3)
    const lines = Array.from({ length: 10 }, (_, i) => ({
      ts: i,
      service: 'api',
      level: 'error' as const,
      message: `m${i}`,
      labels: {},
      truncated: false,
    }))
    bus.publish('logs', [
      { ...lines[0]!, level: 'info' },
      { ...lines[0]!, service: 'web' },
    ])
    bus.publish('logs', lines)
    const batch = await tail.next(10)
    expect(batch.lines.map((l) => l.message)).toEqual(['m0', 'm1', 'm2'])
    expect(batch.dropped).toBe(7)
    expect(await tail.next(10)).toEqual({ lines: [], dropped: 0 })
    tail.close()
    bus.publish('logs', lines)
    expect(bus.subscribers('logs')).toBe(0)
  })
})

describe('live tail over a real server', () => {
  let t: TestApp
  let server: Server
  let base: string

  beforeAll(async () => {
    t = await makeApp()
    server = serve({ port: 0, hostname: '127.0.0.1', fetch: t.app.fetch, maxRequestBodySize: 1e7 })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    await Promise.race([server.stop(), Bun.sleep(500)])
    t.close()
  })

  async function ingest(message: string) {
    const res = await fetch(`${base}/api/v1/ingest/logs`, {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        logs: [line('api', message, { level: 'error' }), line('web', 'other service')],
      }),
    })
    expect(res.status).toBe(200)
  }

  it('SSE and WebSocket tails receive lines ingested after they connect, and survive 30 s of quiet', async () => {
    // SSE
    const sse = await fetch(`${base}/api/v1/logs/api/stream?level=warn`, { headers: t.headers })
    expect(sse.status).toBe(200)
    expect(sse.headers.get('content-type')).toContain('text/event-stream')
    let sseText = ''
    const reader = sse.body!.getReader()
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        sseText += new TextDecoder().decode(value)
      }
    })()
    // WebSocket
    const wsMessages: { type: string; log?: { message: string } }[] = []
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/logs/api`, {
      headers: t.headers,
    } as never)
    let wsClosed = false
    ws.onmessage = (e) => wsMessages.push(JSON.parse(String(e.data)))
    ws.onclose = () => (wsClosed = true)
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = () => reject(new Error('websocket failed'))
    })
    expect(await counter(t, 'vigil_logs_tail_subscribers')).toBeGreaterThanOrEqual(1)

    await ingest('first line')
    await Bun.sleep(300)
    expect(sseText).toContain('event: log')
    expect(sseText).toContain('"message":"first line"')
    expect(sseText).not.toContain('other service')
    expect(wsMessages.filter((m) => m.type === 'log').map((m) => m.log!.message)).toEqual([
      'first line',
    ])

    await Bun.sleep(quietMs)
    expect(sseText).toContain(': heartbeat')
    expect(wsMessages.some((m) => m.type === 'heartbeat')).toBe(true)
    expect(wsClosed).toBe(false)

    await ingest('after the quiet')
    await Bun.sleep(300)
    expect(sseText).toContain('"message":"after the quiet"')
    expect(wsMessages.filter((m) => m.type === 'log').map((m) => m.log!.message)).toEqual([
      'first line',
      'after the quiet',
    ])
    ws.close()
    await reader.cancel()
  }, 60_000)

  it('a slow SSE client gets a dropped event instead of slowing ingest', async () => {
    const sse = await fetch(`${base}/api/v1/logs/slow/stream`, { headers: t.headers })
    const reader = sse.body!.getReader()
    await reader.read() // connected; then stop reading while lines pour in
    const big = 'x'.repeat(4000)
    const started = performance.now()
    for (let b = 0; b < 20; b++) {
      const res = await fetch(`${base}/api/v1/ingest/logs`, {
        method: 'POST',
        headers: { ...t.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          logs: Array.from({ length: 1000 }, (_, i) => line('slow', `${b}-${i} ${big}`)),
        }),
      })
      expect(res.status).toBe(200)
    }
    const ingestMs = performance.now() - started
    let text = ''
    let notice: string | undefined
    const decoder = new TextDecoder()
    const until = Date.now() + 20_000
    while (notice === undefined && Date.now() < until) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
      // Look before trimming: the notice can sit anywhere in a long read.
      notice = /event: dropped\ndata: \{"dropped":\d+\}/.exec(text)?.[0]
      if (text.length > 1e6) text = text.slice(-100_000)
    }
    await reader.cancel()
    expect(notice).toBeDefined()
    expect(await counter(t, 'vigil_logs_tail_dropped_total')).toBeGreaterThan(0)
    expect(ingestMs).toBeLessThan(15_000)
  }, 40_000)

  it('refuses a WebSocket from another origin and a tail without logs:read', async () => {
    const res = await fetch(`${base}/ws/logs/api`, {
      headers: { ...t.headers, Upgrade: 'websocket', Origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
    expect((await fetch(`${base}/api/v1/logs/api/stream`)).status).toBe(401)
  })
})

describe('tail and query audit', () => {
  it('writes one audit record per query and per tail session of a person', async () => {
    const t = await makeApp()
    await addUser(t, 'dev', 'developer')
    const session = await login(t, 'dev', 'correct-horse-battery')
    const headers = { Cookie: session.cookie }
    await post(t, '/api/v1/ingest/logs', { logs: [line('api', 'a'), line('api', 'b')] })
    await t.logs.drain()
    expect((await get(t, '/api/v1/logs/api', headers)).status).toBe(200)
    const res = await t.app.request('/api/v1/logs/api/stream', { headers })
    expect(res.status).toBe(200)
    await res.body!.getReader().read()
    await res.body!.cancel().catch(() => undefined)
    const { entries } = await t.audit.list({ actor: 'dev', action: 'logs.', limit: 10 })
    expect(entries.map((e) => e.action).sort()).toEqual(['logs.query', 'logs.tail'])
    t.close()
  })
})
