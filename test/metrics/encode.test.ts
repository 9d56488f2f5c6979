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

  it('encodeChunk() writes NaN as the staleness marker bits', () => {
    // Format 1, count 1, time 0 as a varint, then the raw value bits 0x7ff0000000000002.
    expect([...encodeChunk([{ t: 0, v: NaN }])]).toEqual([1, 1, 0, 0x7f, 0xf0, 0, 0, 0, 0, 0, 2])
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

  it('ChunkAppender.bytes() equals encodeChunk() of the same samples, at any point', () => {
    fc.assert(
      fc.property(samplesArb, fc.nat(), (samples, cut) => {
        const appender = new ChunkAppender(4)
        const at = samples.length === 0 ? 0 : cut % samples.length
        samples.forEach((s, i) => {
          // bytes() in the middle must not disturb the appends that follow.
          if (i === at) expect(appender.bytes()).toEqual(encodeChunk(samples.slice(0, i)))
          appender.append(s.t, s.v)
        })
        const bytes = appender.bytes()
        expect(bytes).toEqual(encodeChunk(samples))
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

  it('encodeChunk() costs 2 bits a sample for constant values at exact 10 s steps', () => {
    // 18 bytes of start (header 2, first time 6, first value 8, first delta 2), then '0' for the
    // time and '0' for the value: 120 samples take 18 + 118 * 2 / 8 = 47.5, so 48 bytes.
    expect(encodeChunk(series(120, () => 0.75)).length).toBe(48)
  })

  const perSample = (s: Sample[]) => encodeChunk(s).length / s.length

  it('encodeChunk() keeps a slowly changing integer gauge under 2 bytes a sample', () => {
    const gauge = jitteredGauge((i) => Math.round(1000 + 50 * Math.sin(i / 30)))
    console.log(`integer gauge: ${perSample(gauge)} bytes/sample`)
    expect(perSample(gauge)).toBeLessThanOrEqual(2)
  })

  it('encodeChunk() pays about 6 bytes a sample for a gauge in tenths', () => {
    // 100.3 has an endless binary fraction: nearly every step changes the value and its XOR with
    // the last one keeps ~45 significant bits. This is the XOR format's cost (Prometheus's too).
    const gauge = jitteredGauge((i) => Math.round(1000 + 50 * Math.sin(i / 30)) / 10)
    console.log(`gauge in tenths: ${perSample(gauge)} bytes/sample`)
    expect(perSample(gauge)).toBeLessThanOrEqual(6.5)
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
    for (const samples of [[], series(1, () => 1), randomWalk(40, 9), table.at(-2)![1]]) {
      const data = encodeChunk(samples)
      for (let n = 0; n < data.length; n++) {
        expectRangeError(() => decodeChunk(data.subarray(0, n)), /truncated/)
      }
    }
  })

  it('decodeChunk() throws a RangeError on trailing bytes and on a foreign format', () => {
    const data = encodeChunk(randomWalk(10, 2))
    expectRangeError(() => decodeChunk(new Uint8Array([...data, 0])), /1 trailing bytes/)
    expectRangeError(() => decodeChunk(new Uint8Array([9, 0])), /format byte 9/)
    expectRangeError(() => decodeChunk(encodeRollups([])), /not a sample chunk/)
    expectRangeError(() => decodeRollups(encodeChunk([])), /not a rollup chunk/)
  })

  it('decodeChunk() throws only RangeErrors on damaged data and always ends', () => {
    const damaged = fc
      .tuple(samplesArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))))
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
      fc.property(rollupsArb, (points) => {
        const back = decodeRollups(encodeRollups(points))
        expect(back.length).toBe(points.length)
        points.forEach((p, i) => {
          for (const key of ['t', 'min', 'max', 'sum', 'count', 'last'] as const) {
            if (!Object.is(back[i]![key], p[key]))
              throw new Error(`point ${i} ${key}: ${back[i]![key]}`)
          }
        })
      }),
      { numRuns: 300 },
    )
  })

  it('encodeRollups() refuses unsorted points and decodeRollups() truncated data', () => {
    const point = (t: number): RollupPoint => ({ t, min: 1, max: 2, sum: 3, count: 2, last: 2 })
    expectRangeError(() => encodeRollups([point(60_000), point(0)]), /not after/)
    const data = encodeRollups([0, 60_000, 120_000].map(point))
    for (let n = 0; n < data.length; n++) {
      expectRangeError(() => decodeRollups(data.subarray(0, n)), /truncated/)
    }
  })
})
