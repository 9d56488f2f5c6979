/**
 * `bun run test/bench/encode.ts`: throughput and size of the chunk codec (src/metrics/encode.ts),
 * printed, never asserted. Figures are the median of 7 runs, after a warm-up run so the JIT has
 * compiled the hot loops. Two groups of data sets:
 *   - synthetic, 1M samples each in chunks of 240 at 10 s steps, 5% of them scraped up to 50 ms
 *     late: a cpu % gauge with all its digits, memory bytes in 4 KiB pages, byte counters whose rate
 *     drifts;
 *   - node-exporter-like, the generators of test/bench/metrics.ts (1 000 rounds at exact 10 s steps,
 *     one chunk of 1 000 samples per series, repeated 100 times for timing), per series and mixed.
 * `bytes/sample` is what encodeChunk() writes (decimal format 3 where it is smaller), `gorilla` what
 * the XOR format 1 alone costs (ChunkAppender.bytes(), what encodeChunk() wrote before format 3),
 * `dec %` the share of chunks written in format 3.
 */
import { ChunkAppender, decodeChunk, encodeChunk, forEachSample } from '../../src/metrics/encode.ts'
import type { Sample } from '../../src/metrics/types.ts'

const total = 1_000_080 // 4167 chunks of 240
const perChunk = 240
const runs = 7

// Seeded, so bytes/sample is the same on every run.
let seed = 12345
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648

function chunks(value: (i: number) => number): Sample[][] {
  const out: Sample[][] = []
  let t = Date.parse('2026-11-22T10:00:00Z')
  for (let c = 0, i = 0; c < total / perChunk; c++) {
    const samples: Sample[] = []
    for (let k = 0; k < perChunk; k++, i++) {
      t += 10_000
      samples.push({ t: t + (rnd() < 0.05 ? Math.floor(rnd() * 50) : 0), v: value(i) })
    }
    out.push(samples)
  }
  return out
}

let cpu = 20
let memory = 6_000_000_000
let rate = 50_000
let counter = 0
const sets: [string, Sample[][]][] = [
  ['gauge cpu %', chunks(() => (cpu = Math.min(100, Math.max(0, cpu + (rnd() - 0.5) * 4))))],
  ['gauge memory bytes', chunks(() => (memory += Math.round((rnd() - 0.5) * 64) * 4096))],
  [
    'counter bytes',
    chunks(() => {
      rate = Math.max(100, rate * (0.9 + rnd() * 0.2))
      return (counter += Math.round(rate * 10))
    }),
  ],
]

// The node-exporter-like series of test/bench/metrics.ts (hostSeries), value by round i.
const cpuRate = (mode: string) => (mode === 'idle' ? 7.5 : mode === 'user' ? 1.7 : 0.4)
const nodeExporter: [string, (i: number) => number][] = [
  ...['user', 'system', 'idle', 'iowait'].map((mode): [string, (i: number) => number] => [
    `cpu seconds ${mode}`,
    (i) => Math.round((1e5 + i * cpuRate(mode) * (1 + Math.sin(i / 50) / 5)) * 100) / 100,
  ]),
  ['memory avail bytes', (i) => 4_000_000_000 + Math.round(Math.sin(i / 100) * 50_000) * 4096],
  ['filesystem avail', (i) => 50_000_000_000 - Math.floor(i / 30) * 4096],
  ['network rx bytes', (i) => 1e9 + Math.floor(i * 12_000 + Math.sin(i) * 3000)],
  ['network tx bytes', (i) => 5e8 + Math.floor(i * 8000 + Math.cos(i) * 2000)],
  ['load1', (i) => Math.round((1 + Math.abs(Math.sin(i / 40))) * 100) / 100],
  ['procs running', (i) => 2 + (i % 3)],
]
const rounds = 1000
const repeats = 100
const t0 = Date.parse('2026-11-22T10:00:00Z')
const mix: Sample[][] = []
const nodeSets: [string, Sample[][]][] = nodeExporter.map(([name, value]) => {
  const chunk = Array.from({ length: rounds }, (_, i) => ({ t: t0 + i * 10_000, v: value(i) }))
  const data = Array.from({ length: repeats }, () => chunk)
  mix.push(...data)
  return [`  ${name}`, data]
})

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!
}

function time(fn: () => void): number {
  fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    ms.push(performance.now() - start)
  }
  return median(ms)
}

const rate1 = (n: number, ms: number) => `${(((n / ms) * 1000) / 1e6).toFixed(1)} M/s`

function gorillaBytes(samples: Sample[]): number {
  const appender = new ChunkAppender(samples.length * 2)
  for (const s of samples) appender.append(s.t, s.v)
  return appender.sizeBytes
}

console.log(
  `${'data set'.padEnd(22)}${'bytes/sample'.padStart(13)}${'gorilla'.padStart(9)}` +
    `${'dec %'.padStart(7)}${'encode'.padStart(11)}${'decodeChunk'.padStart(13)}` +
    `${'forEachSample'.padStart(15)}`,
)
function row(name: string, data: Sample[][]): void {
  const n = data.reduce((sum, samples) => sum + samples.length, 0)
  let encoded: Uint8Array[] = []
  const encodeMs = time(() => {
    encoded = data.map((samples) => encodeChunk(samples))
  })
  const bytes = encoded.reduce((sum, chunk) => sum + chunk.length, 0)
  const gorilla = data.reduce((sum, samples) => sum + gorillaBytes(samples), 0)
  const decimal = encoded.filter((chunk) => chunk[0] === 3).length / encoded.length
  const decodeMs = time(() => {
    for (const chunk of encoded) decodeChunk(chunk)
  })
  let sink = 0
  const forEachMs = time(() => {
    for (const chunk of encoded) forEachSample(chunk, (t, v) => (sink += v))
  })
  if (sink === 0.5) console.log('') // keeps the callback's work observable
  console.log(
    `${name.padEnd(22)}${(bytes / n).toFixed(3).padStart(13)}${(gorilla / n).toFixed(3).padStart(9)}` +
      `${(decimal * 100).toFixed(0).padStart(7)}${rate1(n, encodeMs).padStart(11)}` +
      `${rate1(n, decodeMs).padStart(13)}${rate1(n, forEachMs).padStart(15)}`,
  )
}
for (const [name, data] of sets) row(name, data)
console.log('node-exporter-like, 1 000 samples a chunk:')
for (const [name, data] of nodeSets) row(name, data)
row('node-exporter mix', mix)
