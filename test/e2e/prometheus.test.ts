import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, startVigil, type VigilProcess } from './process.ts'

// promtool (Debian `prometheus`) queries the running binary over the Prometheus HTTP API.
let dir: string
let vigil: VigilProcess
let token: string
const now = Math.floor(Date.now() / 60_000) * 60_000
const start = now - 10 * 60_000

beforeAll(async () => {
  dir = tempDir('vigil-promtool-')
  const binary = copyBinary(dir)
  const env = { VIGIL_ADMIN_PASSWORD: 'promtool-test-passphrase' }
  token = Bun.spawnSync(
    [binary, 'token', 'create', '--name', 'grafana', '--scopes', 'ingest:write,metrics:read'],
    {
      cwd: dir,
      env,
    },
  )
    .stdout.toString()
    .trim()
  vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })
  const samples = []
  for (let i = 0; i <= 60; i++) {
    for (const [host, perStep] of [
      ['a', 30],
      ['b', 60],
    ] as const) {
      samples.push({
        name: 'bytes_total',
        labels: { host },
        value: i * perStep,
        ts: start + i * 10_000,
      })
    }
  }
  const res = await fetch(`${vigil.url}/api/v1/ingest/metrics`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ samples }),
  })
  expect(res.status).toBe(200)
}, 60_000)

afterAll(async () => {
  await vigil?.stop()
  rmSync(dir, { recursive: true, force: true })
})

function promtool(...args: string[]) {
  const run = Bun.spawnSync(['promtool', 'query', ...args])
  return { code: run.exitCode, out: run.stdout.toString(), err: run.stderr.toString() }
}

describe('promtool against the binary', () => {
  it('promtool query range returns the rates computed by hand', () => {
    const r = promtool(
      'range',
      `--header=Authorization=Bearer ${token}`,
      `--start=${(now - 120_000) / 1000}`,
      `--end=${now / 1000}`,
      '--step=1m',
      '-o',
      'json',
      `${vigil.url}/prometheus`,
      'sum by (host) (rate(bytes_total[1m]))',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const result = JSON.parse(r.out) as { metric: { host: string }; values: [number, string][] }[]
    const byHost = Object.fromEntries(result.map((s) => [s.metric.host, s.values.map((v) => v[1])]))
    // 30 per 10 s is 3/s; 60 per 10 s is 6/s.
    expect(byHost).toEqual({ a: ['3', '3', '3'], b: ['6', '6', '6'] })
  })

  it('promtool query range with a wrong token fails with the 401', () => {
    const denied = promtool(
      'range',
      '--header=Authorization=Bearer vgl_wrong',
      `--start=${(now - 120_000) / 1000}`,
      `--end=${now / 1000}`,
      '--step=1m',
      `${vigil.url}/prometheus`,
      'bytes_total',
    )
    expect(denied.code).not.toBe(0)
    expect(denied.err).toContain('401')
  })
})
