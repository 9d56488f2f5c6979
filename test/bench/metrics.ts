/**
 * `npm run bench:metrics`: the metrics engine's figures, printed, never asserted. Everything goes
 * through the compiled binary over HTTP on loopback, on the same 2 cores as the load generator.
 *   1. ingest: 4 concurrent clients posting 10 000-sample JSON batches (node-exporter-like series),
 *      each answered only once durable; samples/s with the anomaly detector on, how fast it scored
 *      and caught up, and samples/s on a fresh vigil with it off. The same payload through VictoriaMetrics'
 *      /api/v1/import when `victoria-metrics` is installed, and the ratio.
 *   2. bytes on disk per sample after the head is flushed into chunks.
 *   3. query_range p50/p99 on a server restarted with the default flush interval: one series over
 *      24 h, and `sum by (host)` over 1 000 series over 1 h,
 *      with 10 M samples stored.
 *   4. RSS with 100 000 active series.
 * Flags: --seconds N (ingest duration, default 15).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { mib, pct, rss, startMeasured, waitReady } from './lib.ts'

const root = join(import.meta.dir, '../..')
const binary = join(root, 'dist/vigil')
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' } } })
const seconds = Number(values.seconds)
if (!existsSync(binary)) {
  console.error('dist/vigil is missing: run ./compile.sh first')
  process.exit(1)
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-metrics-'))
const env = {
  PATH: process.env.PATH ?? '',
  VIGIL_DATA_DIR: join(dir, 'data'),
  VIGIL_ADMIN_PASSWORD: 'bench-metrics-passphrase',
  VIGIL_INGEST_MAX_SERIES_PER_TOKEN: '1000000',
  VIGIL_INGEST_MAX_QUEUED: '20000000',
  VIGIL_METRICS_FLUSH_INTERVAL: '6h',
  VIGIL_METRICS_MAX_HEAD_SAMPLES: '100000000',
  VIGIL_METRICS_RETENTION: '60d',
  VIGIL_LOG_LEVEL: 'warn',
}
const port = 19300 + Math.floor(Math.random() * 500)
const {
  auth,
  url,
  proc: server,
} = await startMeasured(binary, dir, env, 'ingest:write,metrics:read', port)

// node-exporter-like series: per host, CPU seconds counters, memory and filesystem gauges,
// network byte counters and load averages.
interface Series {
  prefix: string
  labels: Record<string, string>
  name: string
  next: (i: number) => number
}
function hostSeries(host: number): Series[] {
  const h = `host-${host}`
  const out: Series[] = []
  const push = (name: string, labels: Record<string, string>, next: (i: number) => number) => {
    const all = { host: h, ...labels }
    out.push({
      name,
      labels: all,
      next,
      prefix: `{"name":"${name}","labels":${JSON.stringify(all)},"value":`,
    })
  }
  for (const mode of ['user', 'system', 'idle', 'iowait']) {
    const rate = mode === 'idle' ? 7.5 : mode === 'user' ? 1.7 : 0.4
    push(
      'node_cpu_seconds_total',
      { cpu: '0', mode },
      (i) => Math.round((1e5 + i * rate * (1 + Math.sin(i / 50) / 5)) * 100) / 100,
    )
  }
  push(
    'node_memory_MemAvailable_bytes',
    {},
    (i) => 4_000_000_000 + Math.round(Math.sin(i / 100) * 50_000) * 4096,
  )
  push(
    'node_filesystem_avail_bytes',
    { mountpoint: '/' },
    (i) => 50_000_000_000 - Math.floor(i / 30) * 4096,
  )
  push(
    'node_network_receive_bytes_total',
    { device: 'eth0' },
    (i) => 1e9 + Math.floor(i * 12_000 + Math.sin(i) * 3000),
  )
  push(
    'node_network_transmit_bytes_total',
    { device: 'eth0' },
    (i) => 5e8 + Math.floor(i * 8000 + Math.cos(i) * 2000),
  )
  push('node_load1', {}, (i) => Math.round((1 + Math.abs(Math.sin(i / 40))) * 100) / 100)
  push('node_procs_running', {}, (i) => 2 + (i % 3))
  return out
}

const series = Array.from({ length: 1000 }, (_, h) => hostSeries(h)).flat() // 10 000 series
const stepMs = 10_000
const startTs = Date.now() - 40 * 3600_000

function batchBody(round: number): string {
  const ts = startTs + round * stepMs
  const parts = series.map((s) => `${s.prefix}${s.next(round)},"ts":${ts}}`)
  return `{"samples":[${parts.join(',')}]}`
}

// 1. Ingest throughput: 4 clients, each a stream of rounds (one round = one scrape of every series).
/** ingestFor posts rounds from `first` on to `target` for `secs` seconds; samples/s and rounds used. */
async function ingestFor(
  target: string,
  headers: Record<string, string>,
  secs: number,
  first: number,
) {
  let next = first
  let count = 0
  const deadline = performance.now() + secs * 1000
  const began = performance.now()
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (performance.now() < deadline) {
        const body = batchBody(next++)
        const res = await fetch(`${target}/api/v1/ingest/metrics`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body,
        })
        if (!res.ok)
          throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
        // Read the reply first: `count += await ...` would add to a stale value and lose updates.
        const reply = (await res.json()) as { accepted: number }
        count += reply.accepted
      }
    }),
  )
  const elapsed = (performance.now() - began) / 1000
  return { rate: count / elapsed, accepted: count, elapsed, rounds: next - first }
}

/** scraped reads one sample of vigil's own /metrics. */
async function scraped(target: string, name: string): Promise<number> {
  const text = await (await fetch(`${target}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return Number(line?.split(' ').at(-1) ?? NaN)
}

const on = await ingestFor(url, auth, seconds, 0)
let round = on.rounds
const vigilRate = on.rate
console.log(
  `ingest: ${Math.round(vigilRate).toLocaleString('en-US')} samples/s accepted with durable ack, anomaly detector on ` +
    `(${on.accepted.toLocaleString('en-US')} samples in ${on.elapsed.toFixed(1)} s; 4 clients, 10 000-sample batches, 10 000 series)`,
)
const caughtUp = performance.now()
while ((await scraped(url, 'vigil_anomaly_queue_samples')) > 0) await Bun.sleep(50)
const scoredPoints = await scraped(url, 'vigil_anomaly_points_scored_total')
const scoringSeconds = await scraped(url, 'vigil_anomaly_scoring_seconds_total')
console.log(
  `anomaly detector: ${scoredPoints.toLocaleString('en-US')} points scored at ` +
    `${Math.round(scoredPoints / scoringSeconds).toLocaleString('en-US')} points/s of scoring time; ` +
    `caught up ${((performance.now() - caughtUp) / 1000).toFixed(1)} s after ingest stopped`,
)
{
  // The same load on a fresh vigil with the detector off.
  const offDir = mkdtempSync(join(tmpdir(), 'vigil-bench-off-'))
  const offEnv = { ...env, VIGIL_DATA_DIR: join(offDir, 'data'), VIGIL_ANOMALY_ENABLED: 'false' }
  const off = await startMeasured(binary, offDir, offEnv, 'ingest:write', port + 3)
  const result = await ingestFor(off.url, off.auth, seconds, 0)
  console.log(
    `ingest: ${Math.round(result.rate).toLocaleString('en-US')} samples/s with the anomaly detector off; ` +
      `on/off = ${(vigilRate / result.rate).toFixed(2)}`,
  )
  off.proc.kill('SIGTERM')
  await off.proc.exited
  rmSync(offDir, { recursive: true, force: true })
}

// Fill up to 10 M stored samples (1 000 hosts x 10 series x 1 000 rounds), as fast as it goes.
while (round < 1000) {
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      const r = round++
      if (r >= 1000) return
      const res = await fetch(`${url}/api/v1/ingest/metrics`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: batchBody(r),
      })
      if (!res.ok) throw new Error(`ingest answered ${res.status}`)
    }),
  )
}
// One series with a whole day at 10 s, for the 24 h query.
const dayEnd = startTs + 999 * stepMs
const day = Array.from({ length: 8640 }, (_, i) => ({
  name: 'bench_day_gauge',
  labels: { host: 'host-7' },
  value: Math.round((50 + 30 * Math.sin(i / 200)) * 10) / 10,
  ts: dayEnd - (8639 - i) * stepMs,
}))
const dayRes = await fetch(`${url}/api/v1/ingest/metrics`, {
  method: 'POST',
  headers: { ...auth, 'Content-Type': 'application/json' },
  body: JSON.stringify({ samples: day }),
})
if (!dayRes.ok) throw new Error(`ingest answered ${dayRes.status}: ${await dayRes.text()}`)
const storedSamples = Math.min(round, 1000) * series.length + day.length
console.log(
  `stored: ${storedSamples.toLocaleString('en-US')} samples; RSS ${mib(rss(server.pid))} with the head in memory`,
)

// 2. Flush the head into chunks by restarting with a short flush interval, then measure.
server.kill('SIGTERM')
await server.exited
/** restart starts vigil again on the same data with one flush interval. */
async function restart(flushInterval: string) {
  const proc = Bun.spawn([binary, 'serve', '--port', String(port), '--listen', '127.0.0.1'], {
    cwd: dir,
    env: { ...env, VIGIL_METRICS_FLUSH_INTERVAL: flushInterval },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  await waitReady(`${url}/readyz`, 'vigil')
  return proc
}
const flusher = await restart('1s')
const sqlite = await import('@libsql/client')
const db = sqlite.createClient({ url: `file:${join(dir, 'data', 'vigil.db')}` })
for (let i = 0; i < 600; i++) {
  const wal = await db.execute('SELECT count(*) AS n FROM metric_wal')
  if (Number(wal.rows[0]!.n) === 0) break
  await Bun.sleep(500)
}
const raw = await db.execute(
  'SELECT coalesce(sum(length(data)), 0) AS b, coalesce(sum(count), 0) AS n FROM metric_chunks WHERE tier = 0',
)
const allChunks = await db.execute('SELECT coalesce(sum(length(data)), 0) AS b FROM metric_chunks')
db.close()
await fetch(`${url}/readyz`)
const dbFile = statSync(join(dir, 'data', 'vigil.db')).size
const rawBytes = Number(raw.rows[0]!.b)
const rawSamples = Number(raw.rows[0]!.n)
console.log(
  `disk: ${(rawBytes / rawSamples).toFixed(2)} bytes/sample in raw chunks, ` +
    `${(Number(allChunks.rows[0]!.b) / rawSamples).toFixed(2)} with the 1 m and 1 h rollups, ` +
    `${(dbFile / rawSamples).toFixed(2)} for the whole database file (${mib(dbFile)}, ${rawSamples.toLocaleString('en-US')} samples)`,
)

// 3. Queries against the running binary, data in chunks. It is started again with the default
// flush interval: a server that flushes every second (vigil's own log counters arrive every 10 s)
// is not what anyone runs, and its flushes would show up in the query tail.
flusher.kill('SIGTERM')
await flusher.exited
const querier = await restart('30m')
async function timeQuery(query: string, start: number, end: number, step: number, runs = 100) {
  const times: number[] = []
  let series = 0
  // Five untimed runs first: the figures are for a dashboard that keeps asking, not a cold start.
  for (let i = -5; i < runs; i++) {
    const q = new URLSearchParams({
      query,
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(step),
    })
    const t0 = performance.now()
    const res = await fetch(`${url}/prometheus/api/v1/query_range?${q}`, { headers: auth })
    // Timed to the last byte received; parsing the answer is the client's business.
    const bytes = await res.arrayBuffer()
    if (i >= 0) times.push(performance.now() - t0)
    if (i === 0)
      series = (JSON.parse(new TextDecoder().decode(bytes)) as { data: { result: unknown[] } }).data
        .result.length
  }
  return { p50: pct(times, 0.5), p99: pct(times, 0.99), series }
}
const lastTs = startTs + 999 * stepMs
const one = await timeQuery('bench_day_gauge{host="host-7"}', lastTs - 24 * 3600_000, lastTs, 60)
console.log(
  `query_range 1 series over 24 h (step 60 s): p50 ${one.p50.toFixed(1)} ms, p99 ${one.p99.toFixed(1)} ms`,
)
const agg = await timeQuery(
  'sum by (host) (rate(node_network_receive_bytes_total[5m]))',
  lastTs - 3600_000,
  lastTs,
  15,
)
console.log(
  `query_range sum by (host) over 1 000 series over 1 h (step 15 s): p50 ${agg.p50.toFixed(1)} ms, p99 ${agg.p99.toFixed(1)} ms (${agg.series} series out)`,
)
const folded = await timeQuery(
  'sum by (host) (rate(node_cpu_seconds_total{host=~"host-([0-9]|[0-9][0-9]|1[0-9][0-9]|2[0-4][0-9])"}[5m]))',
  lastTs - 3600_000,
  lastTs,
  15,
)
console.log(
  `query_range sum by (host) over 1 000 series of 250 hosts x 4 CPU modes over 1 h (step 15 s): p50 ${folded.p50.toFixed(1)} ms, p99 ${folded.p99.toFixed(1)} ms (${folded.series} series out)`,
)
const total = await timeQuery(
  'sum(rate(node_network_receive_bytes_total[5m]))',
  lastTs - 3600_000,
  lastTs,
  15,
)
console.log(
  `query_range sum over the same 1 000 series over 1 h (step 15 s): p50 ${total.p50.toFixed(1)} ms, p99 ${total.p99.toFixed(1)} ms (${total.series} series out)`,
)
querier.kill('SIGTERM')
await querier.exited

// 4. RSS with 100 000 active series: 10 000 hosts x 10 series, three scrapes each.
const wide = mkdtempSync(join(tmpdir(), 'vigil-bench-wide-'))
const wideEnv = { ...env, VIGIL_DATA_DIR: join(wide, 'data') }
const {
  auth: wideAuth,
  proc: wideServer,
  url: wideUrl,
} = await startMeasured(binary, wide, wideEnv, 'ingest:write', port + 1)
const wideSeries = Array.from({ length: 10_000 }, (_, h) => hostSeries(h)).flat()
for (let r = 0; r < 3; r++) {
  for (let i = 0; i < wideSeries.length; i += 10_000) {
    const ts = Date.now() - (3 - r) * stepMs
    const body = `{"samples":[${wideSeries
      .slice(i, i + 10_000)
      .map((s) => `${s.prefix}${s.next(r)},"ts":${ts}}`)
      .join(',')}]}`
    const res = await fetch(`${wideUrl}/api/v1/ingest/metrics`, {
      method: 'POST',
      headers: { ...wideAuth, 'Content-Type': 'application/json' },
      body,
    })
    if (!res.ok) throw new Error(`ingest answered ${res.status}`)
  }
}
Bun.gc(true)
await Bun.sleep(2000)
console.log(
  `RSS with ${wideSeries.length.toLocaleString('en-US')} active series: ${mib(rss(wideServer.pid))}`,
)
wideServer.kill('SIGTERM')
await wideServer.exited
rmSync(wide, { recursive: true, force: true })

// 5. The same payload through VictoriaMetrics' /api/v1/import, when it is installed.
const vm = Bun.spawnSync(['sh', '-c', 'command -v victoria-metrics']).stdout.toString().trim()
if (vm) {
  const vmDir = mkdtempSync(join(tmpdir(), 'vigil-bench-vm-'))
  const vmPort = port + 2
  const vmProc = Bun.spawn(
    [
      vm,
      `-storageDataPath=${vmDir}`,
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      '-retentionPeriod=100y',
    ],
    {
      stdout: 'ignore',
      stderr: 'ignore',
    },
  )
  await waitReady(`http://127.0.0.1:${vmPort}/health`, 'victoria-metrics')
  // /api/v1/import takes one JSON line per series: the same 10 000 samples per request.
  function vmBody(r: number): string {
    const ts = startTs + (2000 + r) * stepMs
    return series
      .map((s) =>
        JSON.stringify({
          metric: { __name__: s.name, ...s.labels },
          values: [s.next(r)],
          timestamps: [ts],
        }),
      )
      .join('\n')
  }
  let vmRound = 0
  let vmSamples = 0
  const vmDeadline = performance.now() + seconds * 1000
  const vmBegan = performance.now()
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (performance.now() < vmDeadline) {
        const res = await fetch(`http://127.0.0.1:${vmPort}/api/v1/import`, {
          method: 'POST',
          body: vmBody(vmRound++),
        })
        if (res.status !== 204) throw new Error(`victoria-metrics answered ${res.status}`)
        vmSamples += series.length
      }
    }),
  )
  const vmRate = vmSamples / ((performance.now() - vmBegan) / 1000)
  console.log(
    `victoria-metrics ${Bun.spawnSync([vm, '--version']).stdout.toString().trim()}: ${Math.round(vmRate).toLocaleString('en-US')} samples/s ` +
      `on the same payload through /api/v1/import (no durable ack); vigil/victoria-metrics = ${(vigilRate / vmRate).toFixed(2)}`,
  )
  vmProc.kill('SIGTERM')
  await vmProc.exited
  rmSync(vmDir, { recursive: true, force: true })
} else {
  console.log('victoria-metrics is not installed (apt-get install victoria-metrics): no comparison')
}
rmSync(dir, { recursive: true, force: true })
