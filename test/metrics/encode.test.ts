import { describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import {
  ChunkAppender,
  ChunkReader,
  decodeChunk,
  decodeRollups,
  encodeChunk,
  encodeRollups,
  forEachSample,
  iterateChunk,
  type RollupPoint,
} from '../../src/metrics/encode.ts'
import type { Sample } from '../../src/metrics/types.ts'

const start = Date.parse('2026-11-22T10:00:00Z')
const hour = 3600_000
const day = 24 * hour

// A seeded generator: size figures and tables must not change from one run to the next.
function lcg(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
}

function series(n: number, value: (i: number) => number, step = 10_000, t0 = start): Sample[] {
  return Array.from({ length: n }, (_, i) => ({ t: t0 + i * step, v: value(i) }))
}

function randomWalk(n: number, seed: number): Sample[] {
  const rnd = lcg(seed)
  let v = 0
  return series(n, () => (v += rnd() - 0.5))
}

// Like the gauges of a node exporter: 10 s steps, 10% of them scraped up to 1 s early or late.
function jitteredGauge(value: (i: number) => number): Sample[] {
  const rnd = lcg(7)
  return series(1000, value).map((s) => ({
    t: s.t + (rnd() < 0.1 ? Math.round((rnd() - 0.5) * 2000) : 0),
    v: s.v,
  }))
}

function expectSame(actual: readonly Sample[], expected: readonly Sample[]): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    // Object.is tells -0 from 0 and takes NaN as equal to itself, which is what round-trip means.
    if (!Object.is(a.t, e.t) || !Object.is(a.v, e.v)) {
      throw new Error(
        `sample ${i}: got (${a.t}, ${Object.is(a.v, -0) ? '-0' : a.v}), want (${e.t}, ${Object.is(e.v, -0) ? '-0' : e.v})`,
      )
    }
  }
}

function expectSamePoints(actual: readonly RollupPoint[], expected: readonly RollupPoint[]): void {
  expect(actual.length).toBe(expected.length)
  expected.forEach((p, i) => {
    for (const key of ['t', 'min', 'max', 'sum', 'count', 'last'] as const) {
      if (!Object.is(actual[i]![key], p[key]))
        throw new Error(`point ${i} ${key}: got ${actual[i]![key]}, want ${p[key]}`)
    }
  })
}

// One-minute rollups the way flush.ts builds them (staleness markers left out).
function rollup(samples: readonly Sample[], size = 60_000): RollupPoint[] {
  const out: RollupPoint[] = []
  for (const { t, v } of samples) {
    if (Number.isNaN(v)) continue
    const bucket = Math.floor(t / size) * size
    const last = out.at(-1)
    if (!last || last.t !== bucket)
      out.push({ t: bucket, min: v, max: v, sum: v, count: 1, last: v })
    else {
      last.min = Math.min(last.min, v)
      last.max = Math.max(last.max, v)
      last.sum += v
      last.count++
      last.last = v
    }
  }
  return out
}

function expectRangeError(fn: () => unknown, message: RegExp): void {
  let error: unknown
  try {
    fn()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(RangeError)
  expect((error as Error).message).toMatch(message)
}

const specials = [NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE]
// Each special value around ordinary ones, so both XOR directions and window changes are exercised.
const around = (x: number) => [1, x, x, 2.5, x, -x, 1e-300, x]

const table: [string, Sample[]][] = [
  ['no samples', []],
  ['one sample', [{ t: start, v: 42.5 }]],
  [
    'two samples',
    [
      { t: start, v: 1 },
      { t: start + 15_000, v: -3 },
    ],
  ],
  ['regular 10 s steps with equal values', series(120, () => 0.75)],
  [
    'irregular steps (1 ms, 1 h, 30 days)',
    [0, 1, 2, hour + 2, hour + 3, 31 * day, 31 * day + 1, 61 * day].map((d, i) => ({
      t: start + d,
      v: i,
    })),
  ],
  ...specials.map((x): [string, Sample[]] => [
    Object.is(x, -0) ? '-0' : String(x),
    around(x).map((v, i) => ({ t: start + i * 1000, v })),
  ]),
  ['counters increasing', series(500, (i) => i * 1536 + Math.floor(i / 7) * 100_003)],
  ['a random walk', randomWalk(1000, 1)],
  ['negative values', series(200, (i) => -1000 - (i % 13) * 0.25)],
  ['negative times', series(50, (i) => i, 3000, -1_000_000)],
  [
    'the extreme safe times (64-bit escapes)',
    [-Number.MAX_SAFE_INTEGER, -1, 0, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER].map(
      (t) => ({ t, v: t }),
    ),
  ],
  [
    'big gaps and each delta-of-delta bucket',
    [0, 10, 20, 8222, 8232, 73_800, 73_810, 598_100, 598_110, 2 ** 40, 2 ** 40 + 1].map((t) => ({
      t,
      v: 7,
    })),
  ],
  // XOR of 0 and -MIN_VALUE is 0x8000000000000001: all 64 bits significant, written as 0.
  ['64 significant bits', [0, -Number.MIN_VALUE, 0, -Number.MIN_VALUE].map((v, t) => ({ t, v }))],
]

const gorilla = (samples: readonly Sample[]) => {
  const appender = new ChunkAppender()
  for (const s of samples) appender.append(s.t, s.v)
  return appender.bytes()
}

// 2 decimals, like node_cpu_seconds_total: a counter rising ~17.00 ± 3 a step.
function cpuSeconds(n: number, seed: number): Sample[] {
  const rnd = lcg(seed)
  let v = 100_012.37
  return series(n, () => (v = Math.round((v + 14 + rnd() * 6) * 100) / 100))
}

// The node-exporter-like series of test/bench/metrics.ts (hostSeries), by round i.
const cpuRate = (mode: string) => (mode === 'idle' ? 7.5 : mode === 'user' ? 1.7 : 0.4)
const nodeExporter: [string, (i: number) => number][] = [
  ...['user', 'system', 'idle', 'iowait'].map((mode): [string, (i: number) => number] => [
    `node_cpu_seconds_total{mode="${mode}"}`,
    (i) => Math.round((1e5 + i * cpuRate(mode) * (1 + Math.sin(i / 50) / 5)) * 100) / 100,
  ]),
  ['node_memory_MemAvailable_bytes', (i) => 4e9 + Math.round(Math.sin(i / 100) * 50_000) * 4096],
  ['node_filesystem_avail_bytes', (i) => 50_000_000_000 - Math.floor(i / 30) * 4096],
  ['node_network_receive_bytes_total', (i) => 1e9 + Math.floor(i * 12_000 + Math.sin(i) * 3000)],
  ['node_network_transmit_bytes_total', (i) => 5e8 + Math.floor(i * 8000 + Math.cos(i) * 2000)],
  ['node_load1', (i) => Math.round((1 + Math.abs(Math.sin(i / 40))) * 100) / 100],
  ['node_procs_running', (i) => 2 + (i % 3)],
]

// Decimal-friendly data, and where XOR must take over: [name, format encodeChunk picks, samples].
const stale = (samples: Sample[], every: number) =>
  samples.map((s, i) => (i % every === every - 1 ? { t: s.t, v: NaN } : s))
const at1s = (values: number[]) => values.map((v, i) => ({ t: start + i * 1000, v }))
const decimalTable: [string, number, Sample[]][] = [
  ['2-decimal CPU seconds', 3, cpuSeconds(240, 1)],
  [
    'load averages',
    3,
    series(300, (i) => Math.round((1 + Math.abs(Math.sin(i / 40))) * 100) / 100),
  ],
  ['byte counters near 2^50', 3, series(500, (i) => 2 ** 50 + i * 1_234_567 + (i % 7) * 4096)],
  ['integers near 2^53', 3, series(50, (i) => Number.MAX_SAFE_INTEGER - (i % 5) * 2 ** 40)],
  ['constant values', 3, series(120, () => 0.75)],
  ['constant zeros', 3, series(120, () => 0)],
  ['NaN markers between numbers', 3, stale(cpuSeconds(200, 2), 7)],
  ['NaN first and last', 3, at1s([NaN, NaN, 1.5, 2, NaN, 3.25, NaN])],
  ['only NaN', 3, series(10, () => NaN)],
  // Steps of ±(2^30 + 4 or 5) need 32 bits, of ±2^52 and ±(2^52 - 1) 54 bits (gcd 1).
  ['NaN in a 32-bit bucket', 3, at1s([0, 2 ** 30 + 5, NaN, 1, 2 ** 30 + 5, NaN])],
  ['NaN in a 54-bit bucket', 3, at1s([0, 2 ** 52, NaN, 1, 2 ** 52, NaN])],
  ['negative decimals', 3, series(200, (i) => -1000 - (i % 13) * 0.25 - i * 0.001)],
  ['nanodecimals (e = 9)', 3, series(100, (i) => (i * 37 + 5) / 1e9)],
  ['a 0.1 + 0.2 float among decimals', 1, series(100, (i) => (i === 50 ? 0.1 + 0.2 : i / 10))],
  ['-0 among integers', 1, series(20, (i) => (i === 3 ? -0 : i))],
  ['+Inf among integers', 1, series(20, (i) => (i === 3 ? Infinity : i))],
  ['-Inf among integers', 1, series(20, (i) => (i === 3 ? -Infinity : i))],
  ['integers beyond 2^53', 1, series(20, (i) => 2 ** 60 + i * 2 ** 10)],
  ['a step beyond 2^53', 1, at1s([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])],
]

const bound = 2 ** 50
const valueArb = fc.oneof(
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(...specials, -Number.MIN_VALUE, 0.1, 0.2),
)
// Sorted distinct times anywhere in ±2^50, or a start plus gaps from 1 ms to beyond every bucket.
const timesArb = fc.oneof(
  fc
    .uniqueArray(fc.integer({ min: -bound, max: bound }), { maxLength: 200, size: 'medium' })
    .map((ts) => ts.sort((a, b) => a - b)),
  fc
    .tuple(
      fc.integer({ min: -bound, max: bound }),
      fc.array(
        fc.oneof(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 2 ** 34 })),
        { maxLength: 200, size: 'medium' },
      ),
    )
    .map(([t0, gaps]) =>
      [t0, ...gaps].map((_, i, all) => all.slice(0, i + 1).reduce((a, b) => a + b)),
    )
    .filter((ts) => ts.every((t) => Math.abs(t) <= bound)),
)
const samplesArb = timesArb.chain((ts) =>
  fc
    .array(valueArb, { minLength: ts.length, maxLength: ts.length })
    .map((vs) => ts.map((t, i) => ({ t, v: vs[i]! }))),
)
// Values a scrape gives: decimals with a few digits, steps of a few sizes, staleness markers.
const decimalValuesArb = (n: number) =>
  fc
    .tuple(
      fc.integer({ min: -1e12, max: 1e12 }),
      fc.integer({ min: 0, max: 9 }),
      fc.array(
        fc.oneof(
          fc.integer({ min: -3, max: 3 }),
          fc.integer({ min: -100_000, max: 100_000 }),
          fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
          fc.constant(NaN),
        ),
        { minLength: n, maxLength: n },
      ),
    )
    .map(([m0, e, steps]) => {
      let m = m0
      return steps.map((s) => (s !== s ? NaN : (m += s) / 10 ** e))
    })
const decimalSamplesArb = timesArb.chain((ts) =>
  decimalValuesArb(ts.length).map((vs) => ts.map((t, i) => ({ t, v: vs[i]! }))),
)
const rollupsArb = timesArb.chain((ts) =>
  fc
    .array(fc.tuple(valueArb, valueArb, valueArb, fc.nat(10_000), valueArb), {
      minLength: ts.length,
      maxLength: ts.length,
    })
    .map((vs) =>
      ts.map((t, i) => {
        const [min, max, sum, count, last] = vs[i]!
        return { t, min, max, sum, count, last }
      }),
    ),
)

describe('encode', () => {
  it.each(table)('encodeChunk() round-trips %s', (_, samples) => {
    expectSame(decodeChunk(encodeChunk(samples)), samples)
  })

  it.each(decimalTable)('encodeChunk() round-trips %s in format %d', (_, format, samples) => {
    const data = encodeChunk(samples)
    expect(data[0]).toBe(format)
    expectSame(decodeChunk(data), samples)
    // Never bigger than the XOR chunk, and the XOR chunk itself when that is smaller.
    const xor = gorilla(samples)
    expect(data.length).toBeLessThanOrEqual(xor.length)
    if (format === 1) expect(data).toEqual(xor)
  })

  it('ChunkAppender.bytes() writes NaN as the staleness marker bits', () => {
    // Format 1, count 1, time 0 as a varint, then the raw value bits 0x7ff0000000000002.
    expect([...gorilla([{ t: 0, v: NaN }])]).toEqual([1, 1, 0, 0x7f, 0xf0, 0, 0, 0, 0, 0, 2])
    // encodeChunk() writes the same in format 3: one bit '0' for "NaN before any number".
    const data = encodeChunk([{ t: 0, v: NaN }])
    expect(data[0]).toBe(3)
    expectSame(decodeChunk(data), [{ t: 0, v: NaN }])
  })

  it('decodeChunk() reads any NaN bits as NaN', () => {
    for (const head of [0x7ff8, 0xfff8, 0x7ff0]) {
      const [sample] = decodeChunk(
        new Uint8Array([1, 1, 0, head >> 8, head & 255, 0, 0, 0, 0, 0, 1]),
      )
      expect(sample!.v).toBeNaN()
    }
  })

  it('encodeChunk() round-trips any increasing times and any doubles', () => {
    fc.assert(
      fc.property(samplesArb, (samples) => expectSame(decodeChunk(encodeChunk(samples)), samples)),
      { numRuns: 500 },
    )
  })

  it('encodeChunk() round-trips decimal-like values with staleness markers, never above XOR', () => {
    fc.assert(
      fc.property(decimalSamplesArb, (samples) => {
        const data = encodeChunk(samples)
        expectSame(decodeChunk(data), samples)
        expect(data.length).toBeLessThanOrEqual(gorilla(samples).length)
      }),
      { numRuns: 500 },
    )
  })

  it('ChunkAppender.bytes() decodes to its samples at any point, in format 1', () => {
    fc.assert(
      fc.property(fc.oneof(samplesArb, decimalSamplesArb), fc.nat(), (samples, cut) => {
        const appender = new ChunkAppender(4)
        const at = samples.length === 0 ? 0 : cut % samples.length
        samples.forEach((s, i) => {
          // bytes() in the middle must not disturb the appends that follow.
          if (i === at) expectSame(decodeChunk(appender.bytes()), samples.slice(0, i))
          appender.append(s.t, s.v)
        })
        const bytes = appender.bytes()
        expect(bytes[0]).toBe(1)
        expectSame(decodeChunk(bytes), samples)
        // encodeChunk() is the smaller of format 1 (these very bytes) and format 3.
        const encoded = encodeChunk(samples)
        if (encoded[0] === 1) expect(encoded).toEqual(bytes)
        else expect(encoded.length).toBeLessThanOrEqual(bytes.length)
        expect(appender.sizeBytes).toBe(bytes.length)
        expect(appender.count).toBe(samples.length)
        expect(Object.is(appender.minT, samples[0]?.t ?? NaN)).toBe(true)
        expect(Object.is(appender.maxT, samples.at(-1)?.t ?? NaN)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('forEachSample(), iterateChunk() and ChunkReader see what decodeChunk() returns', () => {
    const samples = randomWalk(300, 3)
    const data = encodeChunk(samples)
    const seen: Sample[] = []
    forEachSample(data, (t, v) => seen.push({ t, v }))
    expectSame(seen, samples)
    expectSame([...iterateChunk(data)], samples)
    const reader = new ChunkReader(data)
    expect(reader.count).toBe(300)
    let n = 0
    while (reader.next()) n++
    expect(n).toBe(300)
    expect(reader.next()).toBe(false)
  })

  it('encodeChunk() keeps 120 constant samples under 40 bytes', () => {
    // XOR: 18 bytes of start (header 2, first time 6, first value 8, first delta 2), then '0' for
    // the time and '0' for the value: 120 samples take 18 + 118 * 2 / 8 = 47.5, so 48 bytes.
    expect(gorilla(series(120, () => 0.75)).length).toBe(48)
    // Decimal: header 2, first time 6, first delta 2, then 14 bits of value header and 17 for the
    // first value (75); each later sample is '0' for the time and nothing for the value:
    // 10 + (31 + 118) / 8 = 28.6, so 29 bytes.
    expect(encodeChunk(series(120, () => 0.75)).length).toBe(29)
  })

  const perSample = (s: Sample[]) => encodeChunk(s).length / s.length

  it('encodeChunk() keeps a 2-decimal counter (+17.00 ± 3 a step) under 2 bytes a sample', () => {
    const samples = cpuSeconds(240, 5)
    console.log(
      `2-decimal counter: ${perSample(samples).toFixed(3)} bytes/sample ` +
        `(XOR ${(gorilla(samples).length / 240).toFixed(3)})`,
    )
    expect(perSample(samples)).toBeLessThanOrEqual(2)
  })

  it('encodeChunk() keeps node-exporter-like series under 1.5 bytes a sample on average', () => {
    let bytes = 0
    let xorBytes = 0
    for (const [name, value] of nodeExporter) {
      const samples = series(1000, value)
      const data = encodeChunk(samples)
      expectSame(decodeChunk(data), samples)
      bytes += data.length
      xorBytes += gorilla(samples).length
      console.log(`${name}: ${(data.length / 1000).toFixed(3)} bytes/sample`)
    }
    const mix = bytes / (nodeExporter.length * 1000)
    const xorMix = xorBytes / (nodeExporter.length * 1000)
    console.log(`node-exporter mix: ${mix.toFixed(3)} bytes/sample (XOR ${xorMix.toFixed(3)})`)
    expect(mix).toBeLessThanOrEqual(1.5)
  })

  it('encodeChunk() keeps a slowly changing integer gauge under 2 bytes a sample', () => {
    const gauge = jitteredGauge((i) => Math.round(1000 + 50 * Math.sin(i / 30)))
    console.log(`integer gauge: ${perSample(gauge)} bytes/sample`)
    expect(perSample(gauge)).toBeLessThanOrEqual(2)
  })

  it('encodeChunk() codes a gauge in tenths as decimals, where XOR pays about 6 bytes a sample', () => {
    // 100.3 has an endless binary fraction: nearly every step changes the value and its XOR with
    // the last one keeps ~45 significant bits. This is the XOR format's cost (Prometheus's too);
    // as tenths, the steps are -1, 0 or 1.
    const gauge = jitteredGauge((i) => Math.round(1000 + 50 * Math.sin(i / 30)) / 10)
    const xor = gorilla(gauge).length / gauge.length
    console.log(`gauge in tenths: ${perSample(gauge)} bytes/sample (XOR ${xor})`)
    expect(xor).toBeGreaterThan(5.5)
    expect(perSample(gauge)).toBeLessThanOrEqual(1.5)
  })

  it('encodeChunk() refuses unsorted, duplicate and non-integer times with a RangeError', () => {
    const at = (...ts: number[]) => ts.map((t) => ({ t, v: 1 }))
    expectRangeError(() => encodeChunk(at(10, 5)), /5 is not after 10/)
    expectRangeError(() => encodeChunk(at(10, 10)), /10 is not after 10/)
    for (const bad of [1.5, NaN, Infinity, 2 ** 53, -(2 ** 53)]) {
      expectRangeError(() => encodeChunk(at(0, bad)), /not a safe integer/)
    }
    expectRangeError(
      () => encodeChunk(at(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
      /over 2\^53 ms after/,
    )
  })

  it('ChunkAppender.append() refuses an out-of-order sample and stays usable', () => {
    const appender = new ChunkAppender()
    appender.append(1000, 1)
    appender.append(2000, 2)
    const before = appender.bytes()
    expectRangeError(() => appender.append(2000, 3), /not after 2000/)
    expect(appender.bytes()).toEqual(before)
    appender.append(3000, 3)
    expectSame(
      decodeChunk(appender.bytes()),
      series(3, (i) => i + 1, 1000, 1000),
    )
  })

  it('decodeChunk() throws a RangeError on every truncation', () => {
    for (const samples of [
      [],
      series(1, () => 1),
      randomWalk(40, 9),
      table.at(-2)![1],
      series(30, () => 0.75),
      stale(cpuSeconds(40, 3), 4),
      [0, 2 ** 52, NaN, 1, 2 ** 52, NaN].map((v, t) => ({ t, v })),
    ]) {
      const data = encodeChunk(samples)
      for (let n = 0; n < data.length; n++) {
        expectRangeError(() => decodeChunk(data.subarray(0, n)), /truncated/)
      }
    }
  })

  it('decodeChunk() throws a RangeError on trailing bytes and on a foreign format', () => {
    const data = encodeChunk(randomWalk(10, 2))
    expectRangeError(() => decodeChunk(new Uint8Array([...data, 0])), /1 trailing bytes/)
    expectRangeError(() => decodeChunk(new Uint8Array([9, 0])), /format byte 9, expected 1 or 3/)
    const decimal = encodeChunk(cpuSeconds(10, 2))
    expect(decimal[0]).toBe(3)
    expectRangeError(() => decodeChunk(new Uint8Array([...decimal, 0])), /1 trailing bytes/)
    expectRangeError(() => decodeRollups(decimal), /format byte 3, expected 2 or 4/)
    expectRangeError(() => decodeChunk(encodeRollups([])), /not a sample chunk/)
    expectRangeError(() => decodeRollups(encodeChunk([])), /not a rollup chunk/)
  })

  it('decodeChunk() throws only RangeErrors on damaged data and always ends', () => {
    const damaged = fc
      .tuple(
        fc.oneof(samplesArb, decimalSamplesArb),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
      )
      .map(([samples, flips]) => {
        const data = encodeChunk(samples)
        for (const [at, mask] of flips) data[at % data.length]! ^= mask
        return data
      })
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), (data) => {
        try {
          decodeChunk(data)
        } catch (e) {
          if (!(e instanceof RangeError)) throw e
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('encodeRollups() round-trips any points', () => {
    fc.assert(
      fc.property(rollupsArb, (points) =>
        expectSamePoints(decodeRollups(encodeRollups(points)), points),
      ),
      { numRuns: 300 },
    )
  })

  it('encodeRollups() round-trips rollups of decimal-like samples', () => {
    const arb = timesArb.chain((ts) =>
      decimalValuesArb(ts.length).map((vs) => rollup(ts.map((t, i) => ({ t, v: vs[i]! })))),
    )
    fc.assert(
      fc.property(arb, (points) => expectSamePoints(decodeRollups(encodeRollups(points)), points)),
      { numRuns: 300 },
    )
  })

  it('encodeRollups() picks decimals per field (format 4), XOR everywhere is format 2', () => {
    // One minute buckets of 10 s CPU seconds: min, max, last and count are decimals, the float
    // sums of 2-decimal values are not.
    const points = rollup(cpuSeconds(1000, 4))
    const data = encodeRollups(points)
    expect(data[0]).toBe(4)
    expectSamePoints(decodeRollups(data), points)
    console.log(`cpu seconds rollups: ${(data.length / points.length).toFixed(2)} bytes/point`)
    expect(data.length / points.length).toBeLessThan(16)
    const doubles = randomWalk(20, 5).map(({ t, v }) => ({
      t,
      min: v,
      max: v + 1e-9 * Math.PI,
      sum: v * Math.E,
      count: v / 3,
      last: -v,
    }))
    const xor = encodeRollups(doubles)
    expect(xor[0]).toBe(2)
    expectSamePoints(decodeRollups(xor), doubles)
    expect(encodeRollups([])[0]).toBe(2)
  })

  it('encodeRollups() refuses unsorted points and decodeRollups() truncated data', () => {
    const point = (t: number): RollupPoint => ({ t, min: 1, max: 2, sum: 3, count: 2, last: 2 })
    expectRangeError(() => encodeRollups([point(60_000), point(0)]), /not after/)
    const decimal = encodeRollups([0, 60_000, 120_000].map(point))
    expect(decimal[0]).toBe(4)
    const walk = randomWalk(5, 8)
    const xor = encodeRollups(
      walk.map(({ t, v }) => ({ t, min: v, max: v, sum: v, count: v, last: v })),
    )
    expect(xor[0]).toBe(2)
    const mixed = encodeRollups([0, 60_000].map((t) => ({ ...point(t), sum: 0.1 + 0.2, min: -0 })))
    expect(mixed[0]).toBe(4)
    for (const data of [decimal, xor, mixed, encodeRollups(rollup(stale(cpuSeconds(100, 6), 5)))]) {
      for (let n = 0; n < data.length; n++) {
        expectRangeError(() => decodeRollups(data.subarray(0, n)), /truncated/)
      }
      expectRangeError(() => decodeRollups(new Uint8Array([...data, 0])), /1 trailing bytes/)
    }
  })

  it('decodeRollups() throws only RangeErrors on damaged data and always ends', () => {
    const damaged = fc
      .tuple(
        fc.oneof(
          rollupsArb,
          timesArb.chain((ts) =>
            decimalValuesArb(ts.length).map((vs) => rollup(ts.map((t, i) => ({ t, v: vs[i]! })))),
          ),
        ),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
      )
      .map(([points, flips]) => {
        const data = encodeRollups(points)
        for (const [at, mask] of flips) data[at % data.length]! ^= mask
        return data
      })
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), (data) => {
        try {
          decodeRollups(data)
        } catch (e) {
          if (!(e instanceof RangeError)) throw e
        }
      }),
      { numRuns: 1000 },
    )
  })
})
