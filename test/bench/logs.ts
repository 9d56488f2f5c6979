/**
 * `npm run bench:logs`: the logs store's figures, printed, never asserted. Everything goes through
 * the compiled binary over HTTP on loopback, on the same 2 cores as the load generator.
 *   1. ingest: 4 concurrent clients posting 5 000-line JSON batches of 200-byte lines, each
 *      answered only once durable; lines/s.
 *   2. fill to 1 M lines, wait until the background mover has indexed them all; bytes on disk
 *      per line.
 *   3. full-text search p50/p99 over the 1 M lines, newest 100 first: the commonest word, a typical
 *      one, a rare one, a phrase, a prefix, a word with a level filter, and no search.
 *   4. the same lines pushed to Grafana Loki's JSON push API when a Grafana `loki` is installed,
 *      and the ratio. (Debian's package named `loki` is an unrelated genetics program.)
 * Flags: --seconds N (ingest duration, default 15), --lines N (lines stored, default 1 000 000),
 * --binary PATH (default dist/vigil).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { mib, pct, startMeasured, waitReady } from './lib.ts'

const root = join(import.meta.dir, '../..')
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    lines: { type: 'string', default: '1000000' },
    binary: { type: 'string', default: join(root, 'dist/vigil') },
  },
})
const seconds = Number(values.seconds)
const target = Number(values.lines)
const binary = values.binary!
if (!existsSync(binary)) {
  console.error(`${binary} is missing: run ./compile.sh first`)
  process.exit(1)
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-logs-'))
const env = {
  PATH: process.env.PATH ?? '',
  VIGIL_DATA_DIR: join(dir, 'data'),
  VIGIL_ADMIN_PASSWORD: 'bench-logs-passphrase',
  VIGIL_LOG_LEVEL: 'warn',
}
const port = 19800 + Math.floor(Math.random() * 100)
const {
  auth,
  url,
  proc: server,
} = await startMeasured(binary, dir, env, 'ingest:write,logs:read', port)

// Lines like a web service's: a few services and hosts, mostly info, and text drawn Zipf-like
// (the k-th commonest word with weight 1/k) from a deterministic vocabulary of 5 000 words, so that
// a typical word matches 0.1–5 % of the lines, the commonest nearly all, the rarest very few.
const services = ['api', 'web', 'worker', 'auth', 'billing']
const levels = ['info', 'info', 'info', 'info', 'debug', 'warn', 'error']
const syllables =
  'ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zi zo'.split(
    ' ',
  )
const vocabulary = Array.from({ length: 5000 }, (_, k) => {
  const s = (n: number) => syllables[n % syllables.length]!
  return (
    s(k) +
    s(Math.floor(k / syllables.length)) +
    (k >= 1000 ? s(k * 7 + 3) : '') +
    (k % 3 === 0 ? 'n' : '')
  )
})
const zipf = (() => {
  const cdf: number[] = []
  let sum = 0
  for (let k = 1; k <= vocabulary.length; k++) cdf.push((sum += 1 / k))
  return cdf.map((c) => c / sum)
})()
/** word picks a word from a hash of (i, k), so line i's text never depends on the run. */
function word(i: number, k: number): string {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35)
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ (h >>> 16)
  const u = (h >>> 0) / 2 ** 32
  let lo = 0
  let hi = zipf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (zipf[mid]! < u) lo = mid + 1
    else hi = mid
  }
  return vocabulary[lo]!
}
function message(i: number): string {
  let text = `GET /api/v1/items/${i % 9973} status=${i % 17 === 0 ? 500 : 200} `
  for (let k = 0; text.length < 200; k++) text += `${word(i, k)} `
  return text.slice(0, 200)
}
interface Line {
  ts: number
  service: string
  level: string
  message: string
  host: string
}
const base = Date.now() - 3600_000
function line(i: number): Line {
  return {
    ts: base + Math.floor(i / 300),
    service: services[i % services.length]!,
    level: levels[i % levels.length]!,
    message: message(i),
    host: `host-${i % 50}`,
  }
}
const batchSize = 5000
function vigilBody(first: number): string {
  const logs = []
  for (let i = first; i < first + batchSize; i++) {
    const l = line(i)
    logs.push({
      ts: l.ts,
      service: l.service,
      level: l.level,
      message: l.message,
      labels: { host: l.host },
    })
  }
  return JSON.stringify({ logs })
}

async function post(first: number): Promise<number> {
  const res = await fetch(`${url}/api/v1/ingest/logs`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: vigilBody(first),
  })
  if (res.status === 503 || res.status === 429) {
    // Back-pressure from the mover: wait as told, send again.
    await Bun.sleep(Number(res.headers.get('retry-after') ?? 1) * 1000)
    return post(first)
  }
  if (!res.ok) throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
  return ((await res.json()) as { accepted: number }).accepted
}

// 1. Ingest throughput: 4 clients.
let next = 0
let accepted = 0
const deadline = performance.now() + seconds * 1000
const began = performance.now()
await Promise.all(
  [0, 1, 2, 3].map(async () => {
    while (performance.now() < deadline && next < target) {
      const first = next
      next += batchSize
      // Await first: `accepted += await ...` would add to a stale value and lose updates.
      const n = await post(first)
      accepted += n
    }
  }),
)
const elapsed = (performance.now() - began) / 1000
const vigilRate = accepted / elapsed
console.log(
  `ingest: ${Math.round(vigilRate).toLocaleString('en-US')} lines/s accepted with durable ack ` +
    `(${accepted.toLocaleString('en-US')} lines of 200 bytes in ${elapsed.toFixed(1)} s; 4 clients, ${batchSize}-line batches)`,
)

// 2. Fill up to the target, then wait for the mover to index everything.
const fillStart = performance.now()
while (next < target) {
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      if (next >= target) return
      const first = next
      next += batchSize
      const n = await post(first)
      accepted += n
    }),
  )
}
const sqlite = await import('@libsql/client')
const db = sqlite.createClient({ url: `file:${join(dir, 'data', 'vigil.db')}` })
for (let i = 0; i < 1200; i++) {
  const wal = await db.execute('SELECT count(*) AS n FROM log_wal')
  if (Number(wal.rows[0]!.n) === 0) break
  await Bun.sleep(500)
}
const stored = Number((await db.execute('SELECT count(*) AS n FROM logs')).rows[0]!.n)
console.log(
  `stored: ${stored.toLocaleString('en-US')} lines, all indexed ${((performance.now() - fillStart) / 1000).toFixed(1)} s after the fill began`,
)
await db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
db.close()
const dbFile = statSync(join(dir, 'data', 'vigil.db')).size
console.log(
  `disk: ${(dbFile / stored).toFixed(0)} bytes/line for the whole database file (${mib(dbFile)}; 200-byte messages, FTS5 index included)`,
)

// 3. Searches over the stored lines.
async function timeSearch(service: string, params: Record<string, string>, runs = 100) {
  const times: number[] = []
  let found = 0
  for (let i = -5; i < runs; i++) {
    const q = new URLSearchParams({ limit: '100', ...params })
    const t0 = performance.now()
    const res = await fetch(`${url}/api/v1/logs/${service}?${q}`, { headers: auth })
    const body = await res.arrayBuffer()
    if (i >= 0) times.push(performance.now() - t0)
    if (!res.ok) throw new Error(`search answered ${res.status}: ${new TextDecoder().decode(body)}`)
    if (i === 0)
      found = (JSON.parse(new TextDecoder().decode(body)) as { logs: unknown[] }).logs.length
  }
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), found }
}
for (const [what, service, params] of [
  [`very common word (${vocabulary[0]})`, 'api', { search: vocabulary[0]! }],
  [`typical word (${vocabulary[59]})`, 'api', { search: vocabulary[59]! }],
  [`rare word (${vocabulary[3999]})`, 'web', { search: vocabulary[3999]! }],
  [
    `phrase ("${vocabulary[1]} ${vocabulary[2]}")`,
    'worker',
    { search: `"${vocabulary[1]} ${vocabulary[2]}"` },
  ],
  [`prefix (${vocabulary[7]!.slice(0, 3)}*)`, 'web', { search: `${vocabulary[7]!.slice(0, 3)}*` }],
  [`word, level ≥ error (${vocabulary[9]})`, 'billing', { search: vocabulary[9]!, level: 'error' }],
  ['no search (newest 100)', 'auth', {}],
] as const) {
  const r = await timeSearch(service, params)
  console.log(
    `search ${what} over ${stored.toLocaleString('en-US')} lines: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.found} lines returned)`,
  )
}
server.kill('SIGTERM')
await server.exited

// 4. Grafana Loki, when installed.
const loki = Bun.spawnSync(['sh', '-c', 'command -v loki']).stdout.toString().trim()
const lokiVersion = loki ? Bun.spawnSync([loki, '-version']).stdout.toString() : ''
if (loki && /loki, version/.test(lokiVersion)) {
  const lokiDir = mkdtempSync(join(tmpdir(), 'vigil-bench-loki-'))
  const lokiPort = port + 200
  const config = join(lokiDir, 'loki.yaml')
  await Bun.write(
    config,
    `auth_enabled: false
server: {http_listen_port: ${lokiPort}, grpc_listen_port: ${lokiPort + 1}, log_level: warn}
common:
  path_prefix: ${lokiDir}
  storage: {filesystem: {chunks_directory: ${lokiDir}/chunks, rules_directory: ${lokiDir}/rules}}
  replication_factor: 1
  ring: {instance_addr: 127.0.0.1, kvstore: {store: inmemory}}
schema_config:
  configs: [{from: 2020-10-24, store: boltdb-shipper, object_store: filesystem, schema: v11, index: {prefix: index_, period: 24h}}]
limits_config: {ingestion_rate_mb: 1024, ingestion_burst_size_mb: 1024, reject_old_samples: false}
`,
  )
  const proc = Bun.spawn([loki, `-config.file=${config}`], { stdout: 'ignore', stderr: 'ignore' })
  await waitReady(`http://127.0.0.1:${lokiPort}/ready`, 'loki', 120)
  let lokiNext = 0
  let lokiLines = 0
  const lokiDeadline = performance.now() + seconds * 1000
  const lokiBegan = performance.now()
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (performance.now() < lokiDeadline) {
        const first = lokiNext
        lokiNext += batchSize
        const streams = new Map<string, [string, string][]>()
        for (let i = first; i < first + batchSize; i++) {
          const l = line(i)
          const key = `${l.service}|${l.level}|${l.host}`
          let values = streams.get(key)
          if (!values) streams.set(key, (values = []))
          values.push([`${l.ts}000000`, l.message])
        }
        const body = JSON.stringify({
          streams: [...streams].map(([key, values]) => {
            const [service, level, host] = key.split('|')
            return { stream: { service, level, host }, values }
          }),
        })
        const res = await fetch(`http://127.0.0.1:${lokiPort}/loki/api/v1/push`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        })
        if (res.status !== 204) throw new Error(`loki answered ${res.status}: ${await res.text()}`)
        lokiLines += batchSize
      }
    }),
  )
  const lokiRate = lokiLines / ((performance.now() - lokiBegan) / 1000)
  console.log(
    `loki: ${Math.round(lokiRate).toLocaleString('en-US')} lines/s on the same lines through /loki/api/v1/push; vigil/loki = ${(vigilRate / lokiRate).toFixed(2)}`,
  )
  proc.kill('SIGTERM')
  await proc.exited
  rmSync(lokiDir, { recursive: true, force: true })
} else {
  console.log(
    'Grafana Loki is not installed (Debian has no package of it; its `loki` is a genetics program): no comparison',
  )
}
rmSync(dir, { recursive: true, force: true })
