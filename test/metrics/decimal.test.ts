import { describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import {
  BitReader,
  BitWriter,
  XorState,
  writeFirstValue,
  writeXor,
  xorBits,
} from '../../src/metrics/bits.ts'
import { DecimalPlan, DecimalReader, widthOf } from '../../src/metrics/decimal.ts'

const maxSafe = Number.MAX_SAFE_INTEGER

// Plans, writes and reads back one value stream; checks the planned size is the written size.
function roundTrip(values: number[]): { plan: DecimalPlan; bytes: number } | undefined {
  const plan = new DecimalPlan()
  if (!plan.plan(Float64Array.from(values), values.length)) return undefined
  const w = new BitWriter(16)
  plan.writeHeader(w)
  for (let i = 0; i < values.length; i++) plan.write(w, i)
  expect(w.byteLength()).toBe(Math.ceil(plan.bits / 8))
  const end = w.finish()
  const r = new BitReader(w.buf, 0, end)
  const reader = new DecimalReader()
  reader.readHeader(r)
  for (let i = 0; i < values.length; i++) {
    const v = reader.read(r)
    if (!Object.is(v, values[i])) throw new Error(`value ${i}: got ${v}, want ${values[i]}`)
  }
  r.finish()
  return { plan, bytes: end }
}

const decimalArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 9 }))
    .map(([m, e]) => m / 10 ** e),
  fc.integer({ min: -maxSafe, max: maxSafe }),
  fc.constantFrom(NaN, 0, 1, -1, 0.1, 2 ** 52, -(2 ** 52)),
)
// Streams that mostly qualify: a start, then steps of a few sizes, NaNs sprinkled in.
const streamArb = fc
  .tuple(
    fc.integer({ min: -1e12, max: 1e12 }),
    fc.integer({ min: 0, max: 4 }),
    fc.array(
      fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.constant(NaN),
      ),
      { maxLength: 300 },
    ),
  )
  .map(([start, e, steps]) => {
    let m = start
    return [start / 10 ** e, ...steps.map((s) => (s !== s ? NaN : (m += s) / 10 ** e))]
  })

describe('decimal', () => {
  it('widthOf() gives the two’s complement width of ±(2^(w-1) - 1)', () => {
    const table: [number, number][] = [
      [0, 0],
      [1, 2],
      [-1, 2],
      [2, 3],
      [3, 3],
      [-4, 4],
      [63, 7],
      [64, 8],
      [2 ** 31 - 1, 32],
      [2 ** 31, 33],
      [2 ** 32 - 1, 33],
      [2 ** 32, 34],
      [maxSafe, 54],
      [-maxSafe, 54],
    ]
    for (const [x, w] of table) expect([x, widthOf(x)]).toEqual([x, w])
  })

  it('plan() picks the smallest exponent and refuses what decimals cannot carry', () => {
    const e = (values: number[]) => {
      const plan = new DecimalPlan()
      return plan.plan(Float64Array.from(values), values.length) ? plan.layout.e : undefined
    }
    expect(e([1, 2, 3])).toBe(0)
    expect(e([100012.37, 100013.5])).toBe(2)
    expect(e([1.23, NaN, 0.5])).toBe(2)
    expect(e([0.125, 0.25])).toBe(3)
    expect(e([1e-9, 3e-9])).toBe(9)
    expect(e([-2.5, -0.01])).toBe(2)
    expect(e([NaN, NaN])).toBe(0)
    expect(e([maxSafe, maxSafe - 1])).toBe(0)
    // 0.1 + 0.2 is 0.30000000000000004: 17 digits, no mantissa below 2^53 at e ≤ 9.
    expect(e([0.1 + 0.2])).toBeUndefined()
    expect(e([1e-10])).toBeUndefined()
    expect(e([-0])).toBeUndefined()
    expect(e([1, Infinity])).toBeUndefined()
    expect(e([-Infinity])).toBeUndefined()
    expect(e([2 ** 53])).toBeUndefined()
    expect(e([Number.MAX_VALUE])).toBeUndefined()
    expect(e([Number.MIN_VALUE])).toBeUndefined()
    // Every mantissa is safe, but the step between them is not.
    expect(e([maxSafe, -maxSafe])).toBeUndefined()
    expect(e([1e7 + 0.1])).toBe(1)
    // At e = 9 the mantissa of 1e7 + 0.1 would be beyond 2^53.
    expect(e([1e7 + 0.1, 1e-9])).toBeUndefined()
  })

  it('plan() takes delta-of-deltas for steady counters and deltas for gauges, and the gcd', () => {
    const layout = (values: number[]) => {
      const plan = new DecimalPlan()
      expect(plan.plan(Float64Array.from(values), values.length)).toBe(true)
      return plan.layout
    }
    // A steady counter: the first step in the header part, then nothing at all per value.
    const counter = Array.from({ length: 100 }, (_, i) => 5e9 + i * 123_456)
    expect(layout(counter)).toEqual({ e: 0, mode: 'dod', g: 123_456, widths: [0] })
    const cpu = Array.from({ length: 100 }, (_, i) => (1e7 + i * 170 + (i % 2)) / 100)
    expect(layout(cpu)).toEqual({ e: 2, mode: 'dod', g: 1, widths: [3] })
    const pages = Array.from({ length: 100 }, (_, i) => 4e9 + ((i * 7) % 5) * 4096)
    expect(layout(pages)).toMatchObject({ e: 0, mode: 'delta', g: 4096 })
    const constant = Array.from({ length: 100 }, () => 0.75)
    expect(layout(constant)).toEqual({ e: 2, mode: 'delta', g: 1, widths: [0] })
  })

  it('round-trips the edges of every width, escapes included', () => {
    for (let w = 1; w <= 54; w++) {
      const big = Math.min(2 ** (w - 1) - 1, maxSafe)
      // Steps of big and 1 - big (gcd 1) need w bits; NaNs take the escape in a w-bit bucket.
      for (const values of [
        [0, big, NaN, 1, NaN, big, 0, NaN],
        [0 - big, NaN, 1 - big, 0, 0 - big, NaN],
      ]) {
        const { plan } = roundTrip(values)!
        expect(Math.max(...plan.layout.widths)).toBeGreaterThanOrEqual(w)
      }
    }
  })

  it('round-trips NaN before, between and after numbers', () => {
    for (const values of [
      [NaN],
      [NaN, NaN, 1.5],
      [1.5, NaN],
      [NaN, 2, NaN, NaN, 3, NaN],
      [7, 7, NaN, 7, 7],
      [0, NaN, 0],
    ]) {
      expect(roundTrip(values)).toBeDefined()
    }
  })

  it('costs nothing per value for a constant and planned bits are written bits', () => {
    const result = roundTrip(Array.from({ length: 1000 }, () => 42.5))!
    // Header (4 + 1 + 1 + 2 + 6 bits), then '1' and the varint of 425 (16 bits), then nothing.
    expect(result.plan.bits).toBe(14 + 17)
  })

  it('round-trips any stream that qualifies, at the size it planned', () => {
    fc.assert(
      fc.property(fc.oneof(streamArb, fc.array(decimalArb, { maxLength: 100 })), (values) => {
        roundTrip(values)
      }),
      { numRuns: 1000 },
    )
  })

  it('xorBits() is the size writeFirstValue() and writeXor() write', () => {
    const valuesArb = fc.array(
      fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, 0, -0, 1, 2, 0.5, Infinity)),
      { maxLength: 200 },
    )
    fc.assert(
      fc.property(valuesArb, (values) => {
        const w = new BitWriter(16)
        const s = new XorState()
        values.forEach((v, i) => (i === 0 ? writeFirstValue(w, s, v) : writeXor(w, s, v)))
        expect(Math.ceil(xorBits(Float64Array.from(values), values.length) / 8)).toBe(
          w.byteLength(),
        )
      }),
      { numRuns: 500 },
    )
  })

  it('DecimalReader refuses impossible headers and runaway mantissas with a RangeError', () => {
    const header = (bits: [number, number][]) => {
      const w = new BitWriter(16)
      for (const [v, n] of bits) w.writeBits(v, n)
      const end = w.finish()
      return new BitReader(w.buf, 0, end)
    }
    // Exponent 10.
    expect(() => new DecimalReader().readHeader(header([[10 << 1, 5]]))).toThrow(/exponent 10/)
    // Width 55.
    expect(() =>
      new DecimalReader().readHeader(
        header([
          [0, 5],
          [0, 1],
          [0, 2],
          [55, 6],
        ]),
      ),
    ).toThrow(/width 55/)
    // gcd 0.
    expect(() =>
      new DecimalReader().readHeader(
        header([
          [0, 5],
          [1, 1],
          [0, 8],
        ]),
      ),
    ).toThrow(/gcd 0/)
    // Delta-of-delta mode, one 54-bit bucket, first mantissa 0, first step 0, then dods of
    // 2^52 - 1: the mantissa passes 2^53 on the second.
    const w = new BitWriter(16)
    w.writeBits(1, 5)
    w.writeBit(0)
    w.writeBits(0, 2)
    w.writeBits(54, 6)
    for (let i = 0; i < 2; i++) {
      w.writeBit(1)
      w.writeVarint(0)
    }
    for (let i = 0; i < 4; i++) {
      w.writeBits(2 ** 20 - 1, 22)
      w.writeBits(2 ** 32 - 1, 32)
    }
    const end = w.finish()
    const r = new BitReader(w.buf, 0, end)
    const reader = new DecimalReader()
    reader.readHeader(r)
    expect([reader.read(r), reader.read(r), reader.read(r)]).toEqual([0, 0, 2 ** 52 - 1])
    expect(() => reader.read(r)).toThrow(/beyond 2\^53/)
  })
})
