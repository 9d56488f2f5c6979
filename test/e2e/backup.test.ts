import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { checkDatabaseFile } from '../../src/db/backup.ts'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, startVigil, type VigilProcess } from './process.ts'

// The binary serves while a writer ingests metrics and logs without pause; `vigil backup` runs
// several times meanwhile. Every backup must pass integrity_check, and after a restore into a fresh
// data dir every batch acknowledged before that backup started must be queryable.
const env = { VIGIL_ADMIN_PASSWORD: 'backup-test-passphrase', VIGIL_METRICS_FLUSH_INTERVAL: '1s' }
const series = 20
const base = Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000

let dir: string
let binary: string
let token: string
let vigil: VigilProcess | undefined

function run(args: string[], cwd: string) {
  const done = Bun.spawnSync([binary, ...args], { cwd, env })
  return { code: done.exitCode, out: done.stdout.toString(), err: done.stderr.toString() }
}

beforeAll(() => {
  dir = tempDir('vigil-backup-e2e-')
  binary = copyBinary(dir)
  const created = run(
    ['token', 'create', '--name', 'writer', '--scopes', 'ingest:write,metrics:read'],
    dir,
  )
  token = created.out.trim()
  expect(token).toStartWith('vgl_')
})
afterAll(async () => {
  await vigil?.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

async function post(url: string, path: string, body: unknown): Promise<boolean> {
  try {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    return res.status === 200
  } catch {
    return false
  }
}

describe('vigil backup and restore with the binary', () => {
  it('backups taken under ingest hold every batch acknowledged before they started', async () => {
    vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })
    const url = vigil.url
    const acked: number[] = []
    let stop = false
    const writer = (async () => {
      for (let k = 0; !stop; k++) {
        const samples = Array.from({ length: series }, (_, s) => ({
          name: 'backup_test_value',
          labels: { s: String(s) },
          value: k,
          ts: base + k * 1000,
        }))
        const logs = Array.from({ length: 20 }, (_, i) => ({
          service: 'backup',
          level: 'info',
          message: `batch ${k} line ${i}`,
        }))
        const [metricsOk, logsOk] = await Promise.all([
          post(url, '/api/v1/ingest/metrics', { samples }),
          post(url, '/api/v1/ingest/logs', { logs }),
        ])
        if (metricsOk && logsOk) acked.push(k)
      }
    })()

    const backups: { file: string; ackedBefore: number[] }[] = []
    for (let i = 0; i < 3; i++) {
      await Bun.sleep(1500)
      const file = join(dir, `backup-${i}.db`)
      const ackedBefore = [...acked]
      const made = run(['backup', '--output', file], dir)
      expect(made.err).toBe('')
      expect(made.code).toBe(0)
      expect(made.out).toContain('integrity_check ok')
      const check = await checkDatabaseFile(file)
      expect(check.ok).toBe(true)
      backups.push({ file, ackedBefore })
    }

    // A restore onto the running server's database is refused and leaves it alone.
    const live = join(dir, 'data/vigil.db')
    const inode = statSync(live).ino
    const refused = run(['restore', '--input', backups[0]!.file], dir)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('refusing while the database is in use')
    expect(statSync(live).ino).toBe(inode)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)

    stop = true
    await writer
    expect(await vigil.stop()).toBe(0)
    vigil = undefined

    const chosen = backups[1]!
    expect(chosen.ackedBefore.length).toBeGreaterThan(5)
    const fresh = join(dir, 'fresh')
    mkdirSync(fresh)
    const restored = run(['restore', '--input', chosen.file], fresh)
    expect(restored.err).toBe('')
    expect(restored.code).toBe(0)

    vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], {
      cwd: fresh,
      env,
    })
    const last = Math.max(...chosen.ackedBefore)
    const query = new URLSearchParams({
      query: 'backup_test_value',
      start: String(base / 1000),
      end: String((base + last * 1000) / 1000),
      step: '1',
    })
    const res = await fetch(`${vigil.url}/prometheus/api/v1/query_range?${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] }
    }
    expect(body.data.result.length).toBe(series)
    const missing: string[] = []
    for (const r of body.data.result) {
      // One sample per batch, one second apart: at batch k's time the value is k if it is stored.
      const at = new Map(r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]))
      for (const k of chosen.ackedBefore)
        if (at.get(base + k * 1000) !== k) missing.push(`${r.metric.s}@${k}`)
    }
    expect(missing).toEqual([])
    console.log(
      `backup e2e: ${acked.length} batches acknowledged, backup 2 of 3 held all ` +
        `${chosen.ackedBefore.length} acknowledged before it`,
    )
  }, 120_000)
})
