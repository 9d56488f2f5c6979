/**
 * `bun run test/bench/encode.ts`: throughput and size of the chunk codec (src/metrics/encode.ts),
 * printed, never asserted. Each data set is 1M samples in chunks of 240 at 10 s steps, 5% of them
 * scraped up to 50 ms late: gauges like a node exporter's (cpu % with all its digits, memory bytes
 * in 4 KiB pages) and byte counters whose rate drifts. Figures are the median of 7 runs, after a
 * warm-up run so the JIT has compiled the hot loops.
 */
import { decodeChunk, encodeChunk, forEachSample } from '../../src/metrics/encode.ts'
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

const rate1 = (ms: number) => `${(((total / ms) * 1000) / 1e6).toFixed(1)} M/s`.padStart(10)

console.log(
  `${'data set'.padEnd(20)}${'bytes/sample'.padStart(14)}${'encode'.padStart(12)}` +
    `${'decodeChunk'.padStart(14)}${'forEachSample'.padStart(16)}`,
)
for (const [name, data] of sets) {
  let encoded: Uint8Array[] = []
  const encodeMs = time(() => {
    encoded = data.map((samples) => encodeChunk(samples))
  })
  const bytes = encoded.reduce((sum, chunk) => sum + chunk.length, 0)
  const decodeMs = time(() => {
    for (const chunk of encoded) decodeChunk(chunk)
  })
  let sink = 0
  const forEachMs = time(() => {
    for (const chunk of encoded) forEachSample(chunk, (t, v) => (sink += v))
  })
  if (sink === 0.5) console.log('') // keeps the callback's work observable
  console.log(
    `${name.padEnd(20)}${(bytes / total).toFixed(3).padStart(14)}${rate1(encodeMs).padStart(12)}` +
      `${rate1(decodeMs).padStart(14)}${rate1(forEachMs).padStart(16)}`,
  )
}
