import { afterEach, describe, expect, it } from 'bun:test'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BatchQueue } from '../../src/agent/buffer.ts'
import { backoffMs, retryAfterMs, Sender } from '../../src/agent/sender.ts'
import { newStats } from '../../src/agent/stats.ts'
import { createLogger } from '../../src/obs/logger.ts'
import { tempDir } from '../helpers/app.ts'
import { freePort, startFakeIngest, type FakeIngest } from './fake-ingest.ts'

const cleanup: (() => void)[] = []
afterEach(() => {
  while (cleanup.length) cleanup.pop()!()
})

function setup(server: string, o: { maxBytes?: number; dir?: string } = {}) {
  const dir = o.dir ?? tempDir('vigil-agent-buffer-')
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const lines: Record<string, unknown>[] = []
  const logger = createLogger('debug', [(line) => void lines.push(JSON.parse(line))])
  const stats = newStats()
  const queue = new BatchQueue({
    dir,
    maxBytes: o.maxBytes ?? 1 << 20,
    onDrop: () => stats.droppedBatches++,
  })
  queue.load()
  const sender = new Sender({
    server,
    token: 'secret-token-value',
    queue,
    stats,
    logger,
    minBackoffMs: 20,
    maxBackoffMs: 80,
  })
  const push = (i: number) => {
    const body = new Uint8Array(
      gzipSync(JSON.stringify({ samples: [{ name: 'seq', labels: {}, value: i, ts: i }] })),
    )
    queue.push(body, 1)
    sender.notify()
  }
  cleanup.push(() => void sender.flush(0))
  return { dir, queue, sender, stats, lines, push }
}

const serve = (port = 0): FakeIngest => {
  const fake = startFakeIngest(port)
  cleanup.push(() => fake.stop())
  return fake
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await Bun.sleep(10)
  }
}

const values = (fake: FakeIngest) => fake.accepted().map((s) => s.value)

describe('sender', () => {
  it('Sender sends each batch gzip with the bearer token and removes it', async () => {
    const fake = serve()
    const { sender, push, queue, stats } = setup(fake.url)
    sender.start()
    push(1)
    push(2)
    await until(() => fake.requests.length === 2)
    expect(values(fake)).toEqual([1, 2])
    expect(fake.requests[0]!.auth).toBe('Bearer secret-token-value')
    await until(() => queue.length === 0)
    expect(stats.samplesSent).toBe(2)
  })

  it('Sender retries 500s with backoff and keeps the order', async () => {
    const fake = serve()
    fake.respond = (n) => (n < 3 ? new Response('down', { status: 500 }) : undefined)
    const { sender, push, stats } = setup(fake.url)
    for (let i = 1; i <= 4; i++) push(i)
    sender.start()
    await until(() => values(fake).length === 4)
    expect(values(fake)).toEqual([1, 2, 3, 4])
    expect(fake.requests.slice(0, 3).map((r) => r.samples[0]!.value)).toEqual([1, 1, 1])
    expect(stats.sendFailures).toBe(3)
  })

  it('Sender waits the Retry-After of a 429 before trying again', async () => {
    const fake = serve()
    fake.respond = (n) =>
      n === 0
        ? new Response('slow down', { status: 429, headers: { 'Retry-After': '1' } })
        : undefined
    const { sender, push } = setup(fake.url)
    push(1)
    sender.start()
    await until(() => values(fake).length === 1)
    const [first, second] = fake.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('Sender drops a batch the server refuses with 400, once, and goes on', async () => {
    const fake = serve()
    fake.respond = (n) =>
      n === 0 ? Response.json({ error: { code: 'malformed_body' } }, { status: 400 }) : undefined
    const { sender, push, stats, lines } = setup(fake.url)
    push(1)
    push(2)
    sender.start()
    await until(() => values(fake).length === 1)
    await Bun.sleep(100)
    expect(fake.requests.map((r) => [r.status, r.samples[0]!.value])).toEqual([
      [400, 1],
      [200, 2],
    ])
    expect(stats.rejectedBatches).toBe(1)
    const rejected = lines.find((l) => l.msg === 'batch rejected, dropped')!
    expect(rejected.status).toBe(400)
    expect(String(rejected.reply)).toContain('malformed_body')
    expect(JSON.stringify(lines)).not.toContain('secret-token-value')
  })

  it('Sender keeps batches on disk while the server is gone and sends them in order when it is back', async () => {
    const port = freePort()
    const { sender, push, dir, stats } = setup(`http://127.0.0.1:${port}`)
    sender.start()
    for (let i = 1; i <= 5; i++) push(i)
    await until(() => stats.sendFailures >= 2)
    expect(readdirSync(dir).length).toBe(5)
    const fake = serve(port)
    for (let i = 6; i <= 8; i++) push(i)
    await until(() => values(fake).length === 8)
    expect(values(fake)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    await until(() => readdirSync(dir).length === 0)
  })

  it('BatchQueue drops the oldest batches beyond its bound and counts them', async () => {
    const port = freePort()
    const one = gzipSync(
      JSON.stringify({ samples: [{ name: 'seq', labels: {}, value: 11, ts: 11 }] }),
    )
    const { sender, push, stats, queue } = setup(`http://127.0.0.1:${port}`, {
      maxBytes: one.byteLength * 3 + 2,
    })
    sender.start()
    for (let i = 11; i <= 20; i++) push(i)
    expect(queue.length).toBe(3)
    expect(stats.droppedBatches).toBe(7)
    const fake = serve(port)
    await until(() => values(fake).length === 3)
    expect(values(fake)).toEqual([18, 19, 20])
  })

  it('BatchQueue.load() gives a restarted agent the batches left on disk, oldest first', async () => {
    const port = freePort()
    const first = setup(`http://127.0.0.1:${port}`)
    for (let i = 1; i <= 3; i++) first.push(i)
    expect(await first.sender.flush(50)).toBe(3)
    const fake = serve(port)
    const second = setup(fake.url, { dir: first.dir })
    expect(second.queue.length).toBe(3)
    second.push(4)
    second.sender.start()
    await until(() => values(fake).length === 4)
    expect(values(fake)).toEqual([1, 2, 3, 4])
  })

  it('Sender.flush() sends what is queued before the deadline and persists the rest', async () => {
    const fake = serve()
    fake.respond = (n) => (n >= 2 ? new Response('', { status: 503 }) : undefined)
    const { sender, push, dir } = setup(fake.url)
    for (let i = 1; i <= 4; i++) push(i)
    const left = await sender.flush(1000)
    expect(values(fake)).toEqual([1, 2])
    expect(left).toBe(2)
    expect(readdirSync(dir).sort()).toEqual([
      '0000000000000003-1.json.gz',
      '0000000000000004-1.json.gz',
    ])
  })
})

describe('backoff', () => {
  it('backoffMs() doubles from the minimum to the maximum, jittered in the upper half', () => {
    const mid = () => 0.5
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, 1000, 16_000, mid))).toEqual([
      1000, 1500, 3000, 6000, 12000, 12000, 12000,
    ])
    expect(backoffMs(4, 1000, 16_000, () => 1)).toBe(16_000)
    expect(backoffMs(0, 1000, 16_000, () => 0)).toBe(1000)
  })

  it('retryAfterMs() reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(retryAfterMs(null)).toBe(undefined)
    expect(retryAfterMs('soon')).toBe(undefined)
  })
})
