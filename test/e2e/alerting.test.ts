import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startServer, type BrowserServer } from './browser.ts'

// The whole path in the compiled binary: a sample over an AlertRule's threshold opens an incident
// and the rule's webhook channel hears of it; the sample back under resolves both.
let server: BrowserServer
const heard: { event: string; incident: Record<string, any>; signature: string | null }[] = []
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const body = (await req.json()) as { event: string; incident: Record<string, any> }
    heard.push({ ...body, signature: req.headers.get('x-vigil-signature') })
    return new Response('ok')
  },
})

beforeAll(async () => {
  server = await startServer(
    'alerting-e2e-secret-3k9q',
    'ingest:write,policies:write,incidents:read',
  )
}, 60_000)
afterAll(async () => {
  await server?.stop()
  await receiver.stop(true)
})

async function api(path: string, body?: unknown) {
  const res = await fetch(`${server.vigil.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await Bun.sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

const sample = (value: number) => ({
  samples: [{ name: 'room_temperature', labels: { room: 'lab' }, value, ts: Date.now() }],
})

describe('compiled binary: alert rule → incident → webhook', () => {
  it('opens an incident and notifies the channel when a sample crosses the threshold, and resolves both', async () => {
    const channel = await api('/api/v1/channels', {
      name: 'lab-hook',
      type: 'webhook',
      config: { url: `http://127.0.0.1:${receiver.port}/hook`, secret: 'hook-secret-value-1' },
    })
    expect(channel.status).toBe(201)
    const rule = await api('/api/v1/policies', {
      apiVersion: 'vigil/v1',
      kind: 'AlertRule',
      metadata: { name: 'lab-too-hot' },
      spec: {
        expr: 'room_temperature > 30',
        for: '0s',
        severity: 'high',
        annotations: { summary: '{{ $labels.room }} at {{ $value }} degrees' },
        notify: ['lab-hook'],
      },
    })
    expect(rule.status).toBe(201)
    expect((await api('/api/v1/ingest/metrics', sample(21))).status).toBe(200)
    expect((await api('/api/v1/ingest/metrics', sample(35.5))).status).toBe(200)
    await until(() => heard.some((h) => h.event === 'triggered'), 'the triggered notification')
    const triggered = heard.find((h) => h.event === 'triggered')!
    expect(triggered.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(triggered.incident).toMatchObject({ severity: 'high', rule: 'lab-too-hot' })
    expect(JSON.stringify(triggered.incident)).toContain('lab at 35.5 degrees')
    const open = await api('/api/v1/incidents?status=triggered')
    expect(open.body.incidents.map((i: any) => i.rule)).toEqual(['lab-too-hot'])

    expect((await api('/api/v1/ingest/metrics', sample(22))).status).toBe(200)
    await until(() => heard.some((h) => h.event === 'resolved'), 'the resolved notification')
    await until(
      async () => (await api('/api/v1/incidents?status=resolved')).body.incidents.length === 1,
      'the resolution',
    )
    expect(heard.filter((h) => h.event === 'triggered')).toHaveLength(1)
  })
})
