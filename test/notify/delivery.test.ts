import { afterEach, describe, expect, it } from 'bun:test'
import { verifySignature } from '../../src/auth/signature.ts'
import type { EnqueueInput } from '../../src/notify/index.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { startReceiver, until, type Receiver } from './receiver.ts'

const secret = 'a-webhook-secret-of-some-length'
let t: TestApp
let receiver: Receiver
let loops: AbortController
let running: Promise<void>

async function setup(env: Record<string, string> = {}, channel: Record<string, unknown> = {}) {
  t = await makeApp({
    env: {
      VIGIL_NOTIFY_BACKOFF: '100ms',
      VIGIL_NOTIFY_BACKOFF_MAX: '5s',
      VIGIL_NOTIFY_TIMEOUT: '1s',
      VIGIL_PUBLIC_URL: 'https://vigil.example.com',
      ...env,
    },
  })
  receiver = startReceiver()
  const res = await t.app.request('/api/v1/channels', {
    method: 'POST',
    headers: { ...t.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'hook',
      type: 'webhook',
      config: { url: receiver.url, secret },
      ...channel,
    }),
  })
  expect(res.status).toBe(201)
  loops = new AbortController()
  running = t.notifier.run(loops.signal)
}

afterEach(async () => {
  loops.abort()
  await running
  receiver.stop()
  t.close()
})

const incident = (id = 'inc-1'): EnqueueInput['incident'] => ({
  id,
  fingerprint: `rule:high-cpu:${id}`,
  title: 'CPU above 90% on web-1',
  severity: 'high',
  status: 'triggered',
  labels: { host: 'web-1', team: 'web' },
  annotations: { summary: 'CPU at 97%' },
  startedAt: Date.parse('2026-11-22T10:00:00Z'),
})

const trigger = (id = 'inc-1') =>
  t.notifier.enqueue({ event: 'triggered', incident: incident(id), channels: ['hook'] })

async function log(id = 'inc-1') {
  const res = await t.app.request(`/api/v1/notifications?incident=${id}`, { headers: t.headers })
  expect(res.status).toBe(200)
  return ((await res.json()) as { notifications: Record<string, any>[] }).notifications
}

describe('delivery', () => {
  it('retries a receiver that fails 3 times, then delivers exactly once with growing gaps', async () => {
    await setup()
    receiver.respond = (_, n) => new Response('busy', { status: n <= 3 ? 503 : 200 })
    await trigger()
    await until(() => receiver.hits.length >= 4)
    await Bun.sleep(400)
    expect(receiver.hits).toHaveLength(4)
    const gaps = receiver.hits.slice(1).map((h, i) => h.at - receiver.hits[i]!.at)
    // Backoff 100 ms doubling, jittered in the upper half: [50,100], [100,200], [200,400] ms.
    // Timers never fire early, so each window's floor holds even on a loaded machine (a late
    // timer can stretch one gap past the next, which is why gaps are not compared pairwise).
    expect(gaps[0]).toBeGreaterThanOrEqual(45)
    expect(gaps[1]).toBeGreaterThanOrEqual(95)
    expect(gaps[2]).toBeGreaterThanOrEqual(195)
    // Every attempt carries the same idempotency key and a valid signature of its body.
    const keys = new Set(receiver.hits.map((h) => h.headers['x-vigil-delivery']))
    expect(keys.size).toBe(1)
    for (const hit of receiver.hits) {
      const verdict = verifySignature({
        secret,
        header: hit.headers['x-vigil-signature'],
        body: hit.body,
        nowSeconds: Date.now() / 1000,
      })
      expect(verdict.ok).toBe(true)
    }
    const body = JSON.parse(receiver.hits[3]!.body)
    expect(body).toMatchObject({
      version: '1',
      event: 'triggered',
      channel: 'hook',
      incident: { id: 'inc-1', severity: 'high', url: 'https://vigil.example.com/incidents/inc-1' },
    })
    const [row] = await log()
    expect(row).toMatchObject({ status: 'delivered', attempts: 4, last_status: 200 })
    expect(row!.log.map((a: { outcome: string }) => a.outcome)).toEqual([
      'retry',
      'retry',
      'retry',
      'delivered',
    ])
    expect(row!.log[0]).toMatchObject({ status: 503, error: 'HTTP 503: busy' })
  })

  it('does not retry a 400 and keeps the response in the delivery log', async () => {
    await setup()
    receiver.respond = () => new Response('{"error":"bad payload"}', { status: 400 })
    await trigger()
    await until(async () => (await log())[0]?.status === 'failed')
    await Bun.sleep(500)
    expect(receiver.hits).toHaveLength(1)
    const [row] = await log()
    expect(row).toMatchObject({ attempts: 1, last_status: 400 })
    expect(row!.last_error).toContain('bad payload')
  })

  it('waits at least Retry-After after a 429', async () => {
    await setup()
    receiver.respond = (_, n) =>
      n === 1
        ? new Response('slow down', { status: 429, headers: { 'Retry-After': '1' } })
        : new Response('ok')
    await trigger()
    await until(() => receiver.hits.length >= 2, 5000)
    expect(receiver.hits[1]!.at - receiver.hits[0]!.at).toBeGreaterThanOrEqual(990)
    await until(async () => (await log())[0]?.status === 'delivered')
  })

  it('retries a receiver that does not answer within the timeout', async () => {
    await setup({ VIGIL_NOTIFY_TIMEOUT: '200ms' })
    receiver.respond = async (_, n) => {
      if (n === 1) await Bun.sleep(1000)
      return new Response('ok')
    }
    await trigger()
    await until(async () => (await log())[0]?.status === 'delivered', 5000)
    const [row] = await log()
    expect(row!.log[0]).toMatchObject({ outcome: 'retry', error: 'timed out after 200 ms' })
  })

  it('opens the circuit breaker after consecutive failures and closes it after a good probe', async () => {
    await setup({ VIGIL_NOTIFY_BREAKER_THRESHOLD: '3', VIGIL_NOTIFY_BREAKER_COOLDOWN: '1s' })
    let healthy = false
    receiver.respond = () => new Response('down', { status: healthy ? 200 : 502 })
    await trigger('a')
    const metrics = async () => (await t.metrics.registry.metrics()).split('\n')
    await until(async () =>
      (await metrics()).includes('vigil_notify_breaker_state{channel="hook"} 2'),
    )
    const opened = performance.now()
    expect(receiver.hits).toHaveLength(3)
    // While open, nothing reaches the receiver, not even a new notification.
    await trigger('b')
    await Bun.sleep(600)
    expect(receiver.hits).toHaveLength(3)
    healthy = true
    await until(async () => (await log('a'))[0]?.status === 'delivered', 5000)
    await until(async () => (await log('b'))[0]?.status === 'delivered', 5000)
    expect(receiver.hits[3]!.at - opened).toBeGreaterThanOrEqual(900)
    expect(await metrics()).toContain('vigil_notify_breaker_state{channel="hook"} 0')
    expect(await metrics()).toContain(
      'vigil_notify_deliveries_total{channel="hook",outcome="delivered"} 2',
    )
  })

  it('holds rows back under the channel rate limit without spending attempts', async () => {
    await setup({}, { rate_limit: 1 })
    await trigger('a')
    await trigger('b')
    await until(() => receiver.hits.length >= 1)
    await Bun.sleep(300)
    expect(receiver.hits).toHaveLength(1)
    const [held] = (await log('a'))[0]?.status === 'delivered' ? await log('b') : await log('a')
    expect(held).toMatchObject({ status: 'pending', attempts: 0 })
    expect(Date.parse(held!.next_attempt_at) - Date.now()).toBeGreaterThan(50_000)
  })

  it('writes one row per event and channel however often the same event is enqueued', async () => {
    await setup()
    const first = await trigger()
    const again = await trigger()
    expect(again.keys).toEqual(first.keys)
    await until(async () => (await log())[0]?.status === 'delivered')
    await Bun.sleep(200)
    expect(receiver.hits).toHaveLength(1)
    expect(await log()).toHaveLength(1)
  })

  it('reports channels it does not know and enqueues nothing for them', async () => {
    await setup()
    const result = await t.notifier.enqueue({
      event: 'triggered',
      incident: incident(),
      channels: ['nope'],
    })
    expect(result).toEqual({ keys: [], unknownChannels: ['nope'] })
  })

  it('reminds an unacknowledged incident every repeat interval and stops on acknowledge', async () => {
    await setup({ VIGIL_NOTIFY_REPEAT_INTERVAL: '300ms' })
    await trigger()
    await until(() => receiver.hits.some((h) => JSON.parse(h.body).event === 'repeat'), 5000)
    await t.notifier.enqueue({
      event: 'acknowledged',
      incident: { ...incident(), status: 'acknowledged', acknowledgedAt: Date.now() },
      channels: ['hook'],
    })
    await until(() => receiver.hits.some((h) => JSON.parse(h.body).event === 'acknowledged'))
    const seen = receiver.hits.length
    await Bun.sleep(1500)
    expect(receiver.hits).toHaveLength(seen)
    const events = (await log()).map((n) => n.event)
    expect(events[0]).toBe('triggered')
    expect(events).toContain('repeat')
    expect(events.at(-1)).toBe('acknowledged')
  })
})
