import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, root, startVigil, type VigilProcess } from '../e2e/process.ts'
import { startFakeIngest } from './fake-ingest.ts'

// The compiled binary: `vigil agent` against a fake ingest server, then against `vigil serve`.
let dir: string
let binary: string
const running: VigilProcess[] = []

beforeAll(() => {
  dir = tempDir('vigil-agent-bin-')
  binary = copyBinary(dir)
}, 120_000)

afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL').catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out')
    await Bun.sleep(50)
  }
}

const agent = (server: string, bufferDir: string, ...more: string[]) =>
  startVigil(
    [
      binary,
      'agent',
      '--server',
      server,
      '--interval',
      '1s',
      '--buffer-dir',
      bufferDir,
      '--listen',
      '127.0.0.1:0',
      ...more,
    ],
    { cwd: dir, env: { VIGIL_AGENT_TOKEN: 'agent-test-token-1234' } },
  ).then((p) => (running.push(p), p))

describe('vigil agent (binary)', () => {
  it('on SIGTERM keeps the batches the server did not take on disk, and sends them first on the next start', async () => {
    const fake = startFakeIngest()
    const bufferDir = join(dir, 'buffer-sigterm')
    const fixture = join(root, 'test/fixtures/proc/6.x')
    try {
      const a = await agent(fake.url, bufferDir, '--root', fixture)
      await until(() => fake.requests.length >= 2)
      expect(fake.requests[0]!.auth).toBe('Bearer agent-test-token-1234')
      expect(fake.requests[0]!.samples.every((s) => s.labels.host === 'fixture-6x')).toBe(true)
      const health = await fetch(`${a.url}/healthz`)
      expect(health.status).toBe(200)
      const metrics = await (await fetch(`${a.url}/metrics`)).text()
      expect(metrics).toMatch(/^vigil_agent_samples_sent_total [1-9]\d*$/m)
      expect(metrics).toContain('vigil_agent_collect_duration_seconds ')

      fake.respond = () =>
        new Response('unavailable', { status: 503, headers: { 'Retry-After': '30' } })
      const failedAt = fake.requests.length
      await until(() => fake.requests.length > failedAt)
      await Bun.sleep(1200) // one more collection queued behind the failed one
      expect(await a.stop('SIGTERM')).toBe(0)
      const stopped = a.lines.find((l) => l.msg === 'agent stopped')!
      const files = readdirSync(bufferDir).sort()
      expect(files.length).toBeGreaterThanOrEqual(2)
      expect(stopped.left_on_disk).toBe(files.length)
      const stamps = files.map(
        (f) =>
          (
            JSON.parse(gunzipSync(readFileSync(join(bufferDir, f))).toString()) as {
              samples: { ts: number }[]
            }
          ).samples[0]!.ts,
      )
      expect(stamps).toEqual([...stamps].sort((x, y) => x - y))
      expect(JSON.stringify(a.lines)).not.toContain('agent-test-token-1234')

      fake.respond = () => undefined
      const before = fake.requests.length
      const b = await agent(fake.url, bufferDir, '--root', fixture)
      await until(() => fake.requests.length >= before + files.length + 1)
      const resent = fake.requests.slice(before, before + files.length).map((r) => r.samples[0]!.ts)
      expect(resent).toEqual(stamps)
      await until(() => readdirSync(bufferDir).length === 0)
      expect(await b.stop('SIGTERM')).toBe(0)
    } finally {
      fake.stop()
    }
  }, 60_000)

  it('sends this host to `vigil serve`, where PromQL finds node_load1 by host', async () => {
    const env = { VIGIL_ADMIN_PASSWORD: 'agent-e2e-passphrase' }
    const token = (scopes: string) =>
      Bun.spawnSync(
        [binary, 'token', 'create', '--name', scopes.replace(':', '-'), '--scopes', scopes],
        {
          cwd: dir,
          env,
        },
      )
        .stdout.toString()
        .trim()
    const ingest = token('ingest:write')
    const read = token('metrics:read')
    const server = await startVigil([binary, 'serve', '--port', '0', '--listen', '127.0.0.1'], {
      cwd: dir,
      env,
    })
    running.push(server)
    const a = await startVigil(
      [
        binary,
        'agent',
        '--server',
        server.url,
        '--token',
        ingest,
        '--interval',
        '1s',
        '--listen',
        '127.0.0.1:0',
        '--buffer-dir',
        join(dir, 'buffer-e2e'),
      ],
      { cwd: dir },
    )
    running.push(a)
    const host = hostname()
    let result: { metric: Record<string, string>; value: [number, string] }[] = []
    await until(async () => {
      const res = await fetch(`${server.url}/prometheus/api/v1/query?query=node_load1`, {
        headers: { Authorization: `Bearer ${read}` },
      })
      result = ((await res.json()) as { data?: { result: typeof result } }).data?.result ?? []
      return result.length > 0
    })
    expect(result.map((r) => r.metric.host)).toEqual([host])
    expect(Number(result[0]!.value[1])).toBeGreaterThanOrEqual(0)
    const cpu = await fetch(
      `${server.url}/prometheus/api/v1/query?query=${encodeURIComponent(`count(node_cpu_seconds_total{host="${host}",mode="idle"})`)}`,
      { headers: { Authorization: `Bearer ${read}` } },
    )
    const cores = ((await cpu.json()) as { data: { result: { value: [number, string] }[] } }).data
      .result[0]!.value[1]
    expect(Number(cores)).toBeGreaterThanOrEqual(1)
    expect(await a.stop('SIGTERM')).toBe(0)
    expect(a.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([])
  }, 60_000)
})
