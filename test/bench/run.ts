/**
 * `npm run bench`: the figures of the foundation, printed, never asserted.
 *   - binary size of dist/vigil and dist/vigil-linux-arm64;
 *   - cold start to ready (`/readyz` 200), median of 10, on a fresh data dir and on an existing one;
 *   - idle RSS after 5 s;
 *   - requests/s and p99 latency of `/healthz` and of `/` (signed in with an API token) with wrk on
 *     loopback (Debian `wrk`);
 *   - the time of one password login (scrypt, OWASP parameters), median of 10.
 * Flags: --runs N (default 10), --duration S (wrk seconds, default 10), --connections C (default 50).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const root = join(import.meta.dir, '../..')
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
})
const runs = Number(values.runs)
const binary = join(root, 'dist/vigil')
if (!existsSync(binary)) {
  console.error('dist/vigil is missing: run ./compile.sh first')
  process.exit(1)
}
if (Bun.spawnSync(['sh', '-c', 'command -v wrk']).exitCode !== 0) {
  console.error('wrk is missing: apt-get install wrk')
  process.exit(1)
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
let nextPort = 19100
const adminPassword = 'bench-secret-passphrase-1'

async function startBinary(dataDir: string) {
  const port = nextPort++
  const started = performance.now()
  const proc = Bun.spawn([binary, 'serve', '--port', String(port), '--listen', '127.0.0.1'], {
    cwd: dataDir,
    env: {
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_PASSWORD: adminPassword,
      PATH: process.env.PATH ?? '',
    },
    stdout: 'ignore',
    stderr: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break
    } catch {}
    if (performance.now() - started > 30_000) throw new Error('vigil did not become ready')
    await Bun.sleep(2)
  }
  return { proc, url, readyMs: performance.now() - started }
}

function rss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match![1]) * 1024
}

function wrk(url: string, headers: string[] = []) {
  const out = Bun.spawnSync([
    'wrk',
    ...headers.flatMap((h) => ['-H', h]),
    '-t2',
    `-c${values.connections}`,
    `-d${values.duration}s`,
    '--latency',
    url,
  ]).stdout.toString()
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1]
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0'
  return { rps, p99, errors }
}

console.log(
  `vigil benchmarks on ${navigator.hardwareConcurrency} cores, ${new Date().toISOString()}`,
)
console.log(`binary size: dist/vigil ${mib(statSync(binary).size)}`)
const arm = join(root, 'dist/vigil-linux-arm64')
if (existsSync(arm)) console.log(`binary size: dist/vigil-linux-arm64 ${mib(statSync(arm).size)}`)

const fresh: number[] = []
const existing: number[] = []
const keep = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'))
  const a = await startBinary(dir)
  fresh.push(a.readyMs)
  a.proc.kill('SIGTERM')
  await a.proc.exited
  rmSync(dir, { recursive: true, force: true })
  const b = await startBinary(keep)
  existing.push(b.readyMs)
  b.proc.kill('SIGTERM')
  await b.proc.exited
}
console.log(`cold start to ready, fresh database: median ${median(fresh).toFixed(0)} ms of ${runs}`)
console.log(
  `cold start to ready, existing database: median ${median(existing).toFixed(0)} ms of ${runs}`,
)

const server = await startBinary(keep)
await Bun.sleep(5000)
console.log(`idle RSS after 5 s: ${mib(rss(server.proc.pid))}`)
const token = Bun.spawnSync(
  [binary, 'token', 'create', '--name', `bench-${Date.now()}`, '--scopes', 'dashboards:read'],
  { cwd: keep, env: { VIGIL_DATA_DIR: keep } },
)
  .stdout.toString()
  .trim()
const logins: number[] = []
for (let i = 0; i < 10; i++) {
  const started = performance.now()
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  })
  if (res.status !== 200) throw new Error(`login answered ${res.status}`)
  logins.push(performance.now() - started)
}
console.log(`password login (scrypt N=2^17): median ${median(logins).toFixed(0)} ms of 10`)
for (const path of ['/healthz', '/']) {
  const r = wrk(`${server.url}${path}`, path === '/' ? [`Authorization: Bearer ${token}`] : [])
  console.log(
    `wrk ${path}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99}, non-2xx ${r.errors} ` +
      `(2 threads, ${values.connections} connections, ${values.duration}s, same 2 cores as vigil)`,
  )
}
console.log(`RSS after load: ${mib(rss(server.proc.pid))}`)
server.proc.kill('SIGTERM')
await server.proc.exited
rmSync(keep, { recursive: true, force: true })
