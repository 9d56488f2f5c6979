/**
 * `bun run test/bench/anomaly.ts [--options JSON] [--quick]`: the anomaly detector on the NAB
 * development set (../shared/nab, or $NAB_DIR) with src/anomaly/nab.ts, printed next to the reference
 * figures, never asserted: each profile at the best threshold and at the detector's own (`enter`);
 * then points/s on one core and bytes of state per series. `--options` overrides defaultOptions
 * (one configuration for the whole set); `--quick` prints the NAB figures only.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  createSeries,
  defaultOptions,
  detect,
  SeriesState,
  stateBytes,
} from '../../src/anomaly/detect.ts'
import { parseTimestamp } from '../../src/anomaly/csv.ts'
import { nabProfiles, nabScore, type NabFile, type NabProfileName } from '../../src/anomaly/nab.ts'
import type { DetectorOptions } from '../../src/anomaly/types.ts'

const { values: args } = parseArgs({
  options: { options: { type: 'string' }, quick: { type: 'boolean' }, files: { type: 'boolean' } },
})
const nabDir = process.env.NAB_DIR ?? join(import.meta.dir, '../../../shared/nab')
const overrides = JSON.parse(args.options ?? '{}') as Partial<DetectorOptions>
const options: DetectorOptions = {
  ...defaultOptions,
  ...overrides,
  weights: { ...defaultOptions.weights, ...overrides.weights },
}

const reference: Record<string, Record<NabProfileName, number>> = {
  ARTime: { standard: 71.45, reward_low_FP: 61.53, reward_low_FN: 76.91 },
  'Numenta HTM': { standard: 67.19, reward_low_FP: 60.56, reward_low_FN: 71.57 },
  'Windowed Gaussian': { standard: 41.97, reward_low_FP: 26.1, reward_low_FN: 49.6 },
}

interface Series {
  name: string
  timestamps: number[]
  values: number[]
  windows: [number, number][]
}

function load(): Series[] {
  const labels = JSON.parse(readFileSync(join(nabDir, 'windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >
  const out: Series[] = []
  for (const category of readdirSync(join(nabDir, 'data')).sort()) {
    for (const file of readdirSync(join(nabDir, 'data', category)).sort()) {
      const name = `${category}/${file}`
      const lines = readFileSync(join(nabDir, 'data', name), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
      const timestamps = lines.map((l) => parseTimestamp(l.slice(0, l.indexOf(','))))
      const values = lines.map((l) => Number(l.slice(l.indexOf(',') + 1)))
      const windows = (labels[name] ?? []).map(
        ([a, b]) => [parseTimestamp(a), parseTimestamp(b)] as [number, number],
      )
      out.push({ name, timestamps, values, windows })
    }
  }
  return out
}

function score(s: Series): number[] {
  const series = createSeries(options)
  return s.values.map((v, i) => detect(series, s.timestamps[i]!, v).score)
}

const data = load()
const files: NabFile[] = data.map((s) => ({
  timestamps: s.timestamps,
  scores: score(s),
  windows: s.windows,
}))
const f = (n: number) => n.toFixed(2).padStart(8)
console.log(
  `NAB development set: ${data.length} files, ${files.reduce((a, x) => a + x.windows.length, 0)} windows`,
)
console.log(
  `${'detector'.padEnd(34)}${Object.keys(nabProfiles)
    .map((p) => p.padStart(15))
    .join('')}`,
)
const row = (label: string, xs: number[]) =>
  console.log(`${label.padEnd(34)}${xs.map((x) => f(x).padStart(15)).join('')}`)
const names = Object.keys(nabProfiles) as NabProfileName[]
const fixed = names.map((p) => nabScore(files, nabProfiles[p], options.enter))
const best = names.map((p) => nabScore(files, nabProfiles[p]))
row(
  `vigil, fixed threshold ${options.enter}`,
  fixed.map((r) => r.normalized),
)
row(
  'vigil, best threshold',
  best.map((r) => r.normalized),
)
console.log(
  `${''.padEnd(34)}${best.map((r) => `(at ${r.threshold.toFixed(3)})`.padStart(15)).join('')}`,
)
for (const [name, figures] of Object.entries(reference))
  row(
    name,
    names.map((p) => figures[p]),
  )
const s = fixed[0]!
console.log(
  `fixed threshold, standard: ${s.tp} windows detected, ${s.fn} missed, ${s.fp} false positives`,
)
if (args.files) {
  for (let i = 0; i < files.length; i++) {
    const r = nabScore([files[i]!], nabProfiles.standard, options.enter)
    console.log(
      `  ${data[i]!.name.padEnd(60)} tp ${r.tp} fn ${r.fn} fp ${r.fp} raw ${r.raw.toFixed(2)}`,
    )
  }
}

if (!args.quick) {
  const points = data.reduce((a, x) => a + x.values.length, 0)
  const runs = 5
  const rates: number[] = []
  for (let r = 0; r < runs; r++) {
    const start = performance.now()
    let sum = 0
    for (const s of data) {
      const series = createSeries(options)
      for (let i = 0; i < s.values.length; i++)
        sum += detect(series, s.timestamps[i]!, s.values[i]!).score
    }
    if (Number.isNaN(sum)) throw new Error('a score was NaN')
    rates.push(points / ((performance.now() - start) / 1000))
  }
  rates.sort((a, b) => a - b)
  console.log(
    `throughput: ${(rates[runs >> 1]! / 1e6).toFixed(2)} M points/s (median of ${runs} runs over ${points} points, one core)`,
  )
  // Many series interleaved, as the server scores a scrape: every point touches another state.
  {
    const width = 10_000
    const file = data.reduce((a, b) => (a.values.length >= b.values.length ? a : b))
    const states = Array.from({ length: width }, () => createSeries(options))
    const rounds = Math.min(file.values.length, Math.ceil(2_000_000 / width))
    const start = performance.now()
    let sum = 0
    for (let r = 0; r < rounds; r++)
      for (let k = 0; k < width; k++)
        sum += detect(states[k]!, file.timestamps[r]!, file.values[r]! + k).score
    if (Number.isNaN(sum)) throw new Error('a score was NaN')
    const rate = (rounds * width) / ((performance.now() - start) / 1000)
    console.log(
      `throughput: ${(rate / 1e6).toFixed(2)} M points/s over ${width.toLocaleString('en-US')} series interleaved (state out of cache)`,
    )
  }
  const one = createSeries(options)
  console.log(`state: ${stateBytes(one)} bytes per series (8 a field, 4 a Float32Array slot)`)
  Bun.gc(true)
  const before = process.memoryUsage().heapUsed
  const shared = createSeries(options).options
  const many = Array.from({ length: 10_000 }, () => new SeriesState(shared))
  for (const m of many) detect(m, 0, 1)
  Bun.gc(true)
  const after = process.memoryUsage().heapUsed
  console.log(
    `state: ${Math.round((after - before) / many.length)} bytes per series (heap growth over ${many.length} series sharing their options)`,
  )
}
