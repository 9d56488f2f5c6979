/**
 * Chunk codecs. A sample chunk in format 1 is Gorilla-style (the Facebook Gorilla paper, as in
 * Prometheus's XOR chunks): one byte of format (1), the sample count as a uvarint, then one bit
 * stream (bits.ts): the first time as a zigzag varint and the first value as its raw 64 bits; the
 * second time as a uvarint delta; then for each sample the delta-of-delta of its time in
 * Prometheus's buckets ('0'; '10' + 14 bits; '110' + 17; '1110' + 20; '1111' + 64) followed by its
 * value XOR the previous one ('0' same value; '10' + bits in the previous window; '11' + 5 bits
 * leading zeros + 6 bits length (64 as 0) + bits), interleaved per sample so a head chunk can grow
 * one sample at a time. A NaN is written as the staleness marker (staleNaNBits) and any NaN read
 * back is NaN; -0 keeps its sign.
 *
 * Format 3 is the same with decimal values (decimal.ts): the decimal stream header follows the
 * count, then each sample's time as above and its value as a decimal code. encodeChunk() writes
 * whichever of 1 and 3 is smaller (counted exactly, before writing); ChunkAppender, the head chunk,
 * writes format 1 only.
 *
 * The last byte is zero-padded; decoders refuse missing bits and trailing bytes. Times are safe
 * integers in milliseconds, strictly increasing, consecutive ones at most 2^53 - 1 ms apart so that
 * every delta is exact. A rollup chunk is format byte 2, the count, the times coded the same way,
 * then the min, max, sum, count and last values each as a separate XOR stream; or format byte 4,
 * where each field's stream is preceded by one bit: '0' XOR stream, '1' decimal stream (for each
 * field the smaller; format 2 when every field is XOR).
 */
import {
  BitReader,
  BitWriter,
  XorState,
  readDod,
  readFirstValue,
  readXor,
  writeDod,
  writeFirstValue,
  writeXor,
  xorBits,
} from './bits.ts'
import { DecimalPlan, DecimalReader } from './decimal.ts'
import type { Sample } from './types.ts'

const maxSafe = Number.MAX_SAFE_INTEGER
const sampleFormat = 1
const rollupFormat = 2
const decimalSampleFormat = 3
const decimalRollupFormat = 4
// The appender keeps this many bytes in front of its stream for the format byte and the count
// uvarint (5 bytes hold counts below 2^35), filled in by bytes(): the count stays writable and the
// finished chunk is one slice of the buffer.
const headerRoom = 6

/** TimeWriter validates times and writes them: first varint, then delta, then delta-of-delta. */
class TimeWriter {
  n = 0
  first = NaN
  last = NaN
  private delta = 0

  write(w: BitWriter, t: number): void {
    if (!Number.isSafeInteger(t)) throw new RangeError(`sample time ${t} is not a safe integer`)
    const n = this.n
    if (n === 0) {
      w.writeVarint(t)
      this.first = t
    } else {
      if (t <= this.last) throw new RangeError(`sample time ${t} is not after ${this.last}`)
      const delta = t - this.last
      if (delta > maxSafe) throw new RangeError(`sample time ${t} is over 2^53 ms after the last`)
      if (n === 1) w.writeUvarint(delta)
      else writeDod(w, delta - this.delta)
      this.delta = delta
    }
    this.last = t
    this.n = n + 1
  }
}

/** TimeReader reads times back, refusing any that are not safe and strictly increasing. */
class TimeReader {
  t = 0
  private delta = 0

  read(r: BitReader, i: number): number {
    if (i === 0) {
      const t = r.readVarint()
      if (t < -maxSafe) throw r.corrupt('first time beyond 2^53')
      return (this.t = t)
    }
    const delta = i === 1 ? r.readUvarint() : this.delta + readDod(r)
    if (delta < 1 || delta > maxSafe) throw r.corrupt(`time delta ${delta}`)
    const t = this.t + delta
    if (t > maxSafe) throw r.corrupt('time beyond 2^53')
    this.delta = delta
    return (this.t = t)
  }
}

/** ChunkAppender is the in-memory head chunk: in-order appends in O(1) amortised time. */
export class ChunkAppender {
  private readonly w: BitWriter
  private readonly time = new TimeWriter()
  private readonly xor = new XorState()

  /** Creates an empty chunk; `capacity` is a hint in bytes, the buffer doubles as it fills. */
  constructor(capacity = 256) {
    this.w = new BitWriter(headerRoom + capacity, headerRoom)
  }

  /** count is the number of samples appended. */
  get count(): number {
    return this.time.n
  }

  /** minT is the time of the first sample, NaN while empty (so it overlaps no range). */
  get minT(): number {
    return this.time.first
  }

  /** maxT is the time of the last sample, NaN while empty. */
  get maxT(): number {
    return this.time.last
  }

  /** sizeBytes is the length bytes() would return now. */
  get sizeBytes(): number {
    return 1 + uvarintLength(this.time.n) + this.w.byteLength()
  }

  /** append adds a sample; t must be a safe integer after the last one, else a RangeError. */
  append(t: number, v: number): void {
    // The time is checked before anything is written, so a refused sample leaves no trace.
    const n = this.time.n
    this.time.write(this.w, t)
    if (n === 0) writeFirstValue(this.w, this.xor, v)
    else writeXor(this.w, this.xor, v)
  }

  /** bytes returns the finished chunk (a copy); appending may go on afterwards. */
  bytes(): Uint8Array {
    const end = this.w.finish()
    const buf = this.w.buf
    const n = this.time.n
    const start = headerRoom - 1 - uvarintLength(n)
    buf[start] = sampleFormat
    writeUvarintAt(buf, start + 1, n)
    return buf.slice(start, end)
  }
}

function uvarintLength(x: number): number {
  let n = 1
  for (; x >= 128; n++) x = Math.floor(x / 128)
  return n
}

function writeUvarintAt(buf: Uint8Array, at: number, x: number): void {
  for (; x >= 128; x = Math.floor(x / 128)) buf[at++] = (x % 128) | 128
  buf[at] = x
}

// Scratch for encoders: values of the stream being weighed, and the plans of the streams of one
// chunk. Encoding is synchronous, so one set serves every call.
let scratch = new Float64Array(1024)
const samplePlan = new DecimalPlan()
const rollupPlans = [0, 1, 2, 3, 4].map(() => new DecimalPlan())

function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2))
  return scratch
}

/**
 * encodeChunk encodes samples sorted by strictly increasing time (RangeError otherwise): format 3
 * when the values code smaller as decimals, else format 1 (what ChunkAppender writes).
 */
export function encodeChunk(samples: readonly Sample[]): Uint8Array {
  const n = samples.length
  const values = scratchFor(n)
  for (let i = 0; i < n; i++) values[i] = samples[i]!.v
  // Times cost the same either way: compare the value bits only.
  if (n > 0 && samplePlan.plan(values, n) && samplePlan.bits < xorBits(values, n)) {
    const plan = samplePlan
    const w = new BitWriter(16 + n + (plan.bits >> 3))
    w.writeBits(decimalSampleFormat, 8)
    w.writeUvarint(n)
    plan.writeHeader(w)
    const time = new TimeWriter()
    for (let i = 0; i < n; i++) {
      time.write(w, samples[i]!.t)
      plan.write(w, i)
    }
    const end = w.finish()
    return w.buf.slice(0, end)
  }
  // About 1.5 bytes a sample for typical data; the buffer doubles past that.
  const chunk = new ChunkAppender(16 + n * 2)
  for (let i = 0; i < n; i++) {
    const s = samples[i]!
    chunk.append(s.t, s.v)
  }
  return chunk.bytes()
}

/** readFormat checks the format byte, one of two, and returns it; the count follows. */
function readFormat(r: BitReader, data: Uint8Array, xor: number, decimal: number, name: string) {
  if (data.length < 2) throw new RangeError(`corrupt chunk: truncated (${data.length} bytes)`)
  const f = r.readBits(8)
  if (f !== xor && f !== decimal)
    throw new RangeError(`not a ${name} chunk: format byte ${f}, expected ${xor} or ${decimal}`)
  return f
}

/** ChunkReader walks a sample chunk without allocating: next() loads `t` and `v` or returns false. */
export class ChunkReader {
  /** t is the time of the current sample. */
  t = NaN
  /** v is the value of the current sample. */
  v = NaN
  /** count is the number of samples the header announces. */
  readonly count: number
  private readonly r: BitReader
  private readonly time = new TimeReader()
  private readonly xor = new XorState()
  private readonly decimal: DecimalReader | null = null
  private i = 0

  /** Reads the header; throws a RangeError on a wrong format byte or a truncated header. */
  constructor(data: Uint8Array) {
    const r = (this.r = new BitReader(data))
    const format = readFormat(r, data, sampleFormat, decimalSampleFormat, 'sample')
    this.count = r.readUvarint()
    if (format === decimalSampleFormat) {
      this.decimal = new DecimalReader()
      this.decimal.readHeader(r)
    }
  }

  /** next moves to the next sample; at the end it checks the chunk ended exactly. */
  next(): boolean {
    const i = this.i
    if (i >= this.count) {
      if (i === this.count) {
        this.i++
        this.r.finish()
      }
      return false
    }
    const r = this.r
    this.t = this.time.read(r, i)
    const decimal = this.decimal
    if (decimal !== null) this.v = decimal.read(r)
    else this.v = i === 0 ? readFirstValue(r, this.xor) : readXor(r, this.xor)
    // Checked per sample so no value decoded from the zero padding past a cut ever escapes.
    r.check()
    this.i = i + 1
    return true
  }
}

/** forEachSample calls fn with each sample of a chunk, allocating nothing per sample. */
export function forEachSample(data: Uint8Array, fn: (t: number, v: number) => void): void {
  const r = new ChunkReader(data)
  while (r.next()) fn(r.t, r.v)
}

/** iterateChunk yields the samples of a chunk one by one. */
export function* iterateChunk(data: Uint8Array): Generator<Sample> {
  const r = new ChunkReader(data)
  while (r.next()) yield { t: r.t, v: r.v }
}

/** decodeChunk returns the samples of a chunk; corrupt or truncated data throws a RangeError. */
export function decodeChunk(data: Uint8Array): Sample[] {
  const r = new ChunkReader(data)
  // No preallocation from the header count: a corrupt count must not reserve gigabytes.
  const out: Sample[] = []
  while (r.next()) out.push({ t: r.t, v: r.v })
  return out
}

/** RollupPoint summarises the samples of one step ending at or starting at `t`. */
export interface RollupPoint {
  t: number
  min: number
  max: number
  sum: number
  count: number
  last: number
}

const rollupFields = ['min', 'max', 'sum', 'count', 'last'] as const

/**
 * encodeRollups encodes points sorted by strictly increasing time (RangeError otherwise), each field
 * as XOR or decimal values, whichever is smaller.
 */
export function encodeRollups(points: readonly RollupPoint[]): Uint8Array {
  const n = points.length
  const values = scratchFor(n)
  // Per field: the decimal plan when it beats XOR, else undefined.
  const chosen: (DecimalPlan | undefined)[] = []
  let bits = 0
  for (let f = 0; f < rollupFields.length; f++) {
    const field = rollupFields[f]!
    for (let i = 0; i < n; i++) values[i] = points[i]![field]
    const plan = rollupPlans[f]!
    const xor = xorBits(values, n)
    const decimal = n > 0 && plan.plan(values, n) && plan.bits < xor
    chosen.push(decimal ? plan : undefined)
    bits += decimal ? plan.bits : xor
  }
  const anyDecimal = chosen.some((plan) => plan !== undefined)
  const w = new BitWriter(16 + n * 2 + (bits >> 3))
  w.writeBits(anyDecimal ? decimalRollupFormat : rollupFormat, 8)
  w.writeUvarint(n)
  const time = new TimeWriter()
  for (const p of points) time.write(w, p.t)
  // One stream per field: each field changes smoothly on its own, so XORs and steps stay small.
  for (let f = 0; f < rollupFields.length; f++) {
    const field = rollupFields[f]!
    const plan = chosen[f]
    if (plan) {
      w.writeBit(1)
      plan.writeHeader(w)
      for (let i = 0; i < n; i++) plan.write(w, i)
      continue
    }
    if (anyDecimal) w.writeBit(0)
    const s = new XorState()
    for (let i = 0; i < n; i++) {
      const v = points[i]![field]
      if (i === 0) writeFirstValue(w, s, v)
      else writeXor(w, s, v)
    }
  }
  // finish() first: it may grow (replace) the buffer.
  const end = w.finish()
  return w.buf.slice(0, end)
}

/** decodeRollups returns the points of a rollup chunk; bad data throws a RangeError. */
export function decodeRollups(data: Uint8Array): RollupPoint[] {
  const r = new BitReader(data)
  const format = readFormat(r, data, rollupFormat, decimalRollupFormat, 'rollup')
  const n = r.readUvarint()
  const out: RollupPoint[] = []
  const time = new TimeReader()
  for (let i = 0; i < n; i++) {
    const t = time.read(r, i)
    r.check()
    out.push({ t, min: 0, max: 0, sum: 0, count: 0, last: 0 })
  }
  const decimal = new DecimalReader()
  for (const field of rollupFields) {
    if (format === decimalRollupFormat && r.readBit() === 1) {
      decimal.readHeader(r)
      r.check()
      for (let i = 0; i < n; i++) {
        out[i]![field] = decimal.read(r)
        r.check()
      }
      continue
    }
    const s = new XorState()
    for (let i = 0; i < n; i++) {
      out[i]![field] = i === 0 ? readFirstValue(r, s) : readXor(r, s)
      r.check()
    }
  }
  r.finish()
  return out
}
