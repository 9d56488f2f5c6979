/**
 * Bit streams and the Gorilla primitives behind encode.ts. Bits are packed most significant first;
 * the writer gathers them in a 32-bit accumulator and stores whole words into a Uint8Array that
 * doubles when full, the reader takes them back a word at a time. JS bit operators work on 32 bits,
 * so 64-bit quantities (float bits, the delta-of-delta escape) travel as two 32-bit halves: BigInt
 * would cost an allocation per sample. Varints inside a stream are plain bytes (7 bits a byte, low
 * groups first), exact up to Number.MAX_SAFE_INTEGER.
 *
 * Past 400 lines on purpose: every writer here has its reader and its exact size counter beside it,
 * and the three must agree bit for bit (tests check that they do).
 */

const maxSafe = Number.MAX_SAFE_INTEGER
const two32 = 4294967296

// One shared scratch float seen as two 32-bit words: the cheapest way to get at a double's bits.
const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const hiWord = littleEndian ? 1 : 0
const loWord = littleEndian ? 0 : 1
// staleNaNBits (types.ts) as two words: every NaN is written as the staleness marker.
const staleHi = 0x7ff00000
const staleLo = 2

/** BitWriter appends bits to a growable byte buffer; bytes before `start` are left to the caller. */
export class BitWriter {
  buf: Uint8Array
  private pos: number
  private acc = 0
  private nacc = 0

  constructor(
    capacity: number,
    readonly start = 0,
  ) {
    this.buf = new Uint8Array(Math.max(capacity, start + 8))
    this.pos = start
  }

  /** writeBits appends the low n bits (1 ≤ n ≤ 32) of value; higher bits of value must be 0. */
  writeBits(value: number, n: number): void {
    const free = 32 - this.nacc
    if (n < free) {
      this.acc = (this.acc << n) | value
      this.nacc += n
      return
    }
    const rest = n - free
    // Two shifts because JS masks shift counts to 5 bits: `x << 32` would be `x`.
    this.flush(((this.acc << (free - 1)) << 1) | (value >>> rest))
    this.acc = value & ((1 << rest) - 1)
    this.nacc = rest
  }

  /** writeBit appends one bit (0 or 1). */
  writeBit(bit: number): void {
    if (this.nacc < 31) {
      this.acc = (this.acc << 1) | bit
      this.nacc++
    } else this.writeBits(bit, 1)
  }

  /** writeUvarint appends a non-negative safe integer as a uvarint. */
  writeUvarint(x: number): void {
    while (x >= 128) {
      this.writeBits((x % 128) | 128, 8)
      x = Math.floor(x / 128)
    }
    this.writeBits(x, 8)
  }

  /** writeVarint appends a safe integer as a zigzag varint, without forming 2|x| (not exact). */
  writeVarint(x: number): void {
    const negative = x < 0
    const m = negative ? -x - 1 : x
    const low = (m % 64) * 2 + (negative ? 1 : 0)
    const rest = Math.floor(m / 64)
    if (rest === 0) return this.writeBits(low, 8)
    this.writeBits(low | 128, 8)
    this.writeUvarint(rest)
  }

  /** byteLength is the size of the stream from `start`, the last byte zero-padded. */
  byteLength(): number {
    return this.pos - this.start + ((this.nacc + 7) >> 3)
  }

  /** finish stores the pending bits (zero-padded) and returns the end offset; writing may go on. */
  finish(): number {
    if (this.pos + 4 > this.buf.length) this.grow()
    // The pending bits land past `pos` without moving it: the next flush overwrites them.
    const word = this.nacc === 0 ? 0 : this.acc << (32 - this.nacc)
    const b = this.buf
    const p = this.pos
    b[p] = word >>> 24
    b[p + 1] = word >>> 16
    b[p + 2] = word >>> 8
    b[p + 3] = word
    return p + ((this.nacc + 7) >> 3)
  }

  private flush(word: number): void {
    const p = this.pos
    if (p + 4 > this.buf.length) this.grow()
    const b = this.buf
    b[p] = word >>> 24
    b[p + 1] = word >>> 16
    b[p + 2] = word >>> 8
    b[p + 3] = word
    this.pos = p + 4
  }

  private grow(): void {
    const bigger = new Uint8Array(this.buf.length * 2)
    bigger.set(this.buf)
    this.buf = bigger
  }
}

/** BitReader takes bits back from a byte range, throwing a RangeError past its end. */
export class BitReader {
  private pos: number
  private cur = 0
  private ncur = 0

  constructor(
    private readonly data: Uint8Array,
    private readonly start = 0,
    private readonly end = data.length,
  ) {
    this.pos = start
  }

  /** readBit returns the next bit. */
  readBit(): number {
    if (this.ncur === 0) {
      this.cur = this.load()
      this.ncur = 32
    }
    this.ncur--
    const bit = this.cur >>> 31
    this.cur <<= 1
    return bit
  }

  /** readBits returns the next n bits (1 ≤ n ≤ 32) as an unsigned number. */
  readBits(n: number): number {
    const ncur = this.ncur
    if (n <= ncur) {
      const v = this.cur >>> (32 - n)
      this.cur = (this.cur << (n - 1)) << 1
      this.ncur = ncur - n
      return v
    }
    // Consumed bits are shifted out, so `cur` is 0 when `ncur` is 0 and `high` is right.
    const rest = n - ncur
    const high = this.cur >>> (32 - ncur)
    const w = this.load()
    this.cur = (w << (rest - 1)) << 1
    this.ncur = 32 - rest
    return (((high << (rest - 1)) << 1) | (w >>> (32 - rest))) >>> 0
  }

  /**
   * readOnes reads up to max (1 ≤ max ≤ 8) '1' bits and the '0' that ends them (no '0' follows
   * max ones), returning how many ones: the unary prefixes '0', '10', '110', '111' for max 3.
   */
  readOnes(max: number): number {
    const ncur = this.ncur
    if (ncur > max) {
      // Consumed bits are shifted out as zeros, so the ones counted are all unread bits.
      const ones = Math.clz32(~this.cur)
      const n = ones < max ? ones + 1 : max
      this.cur = this.cur << n
      this.ncur = ncur - n
      return ones < max ? ones : max
    }
    let ones = 0
    while (ones < max && this.readBit() === 1) ones++
    return ones
  }

  /** readUvarint reads a uvarint, refusing values beyond Number.MAX_SAFE_INTEGER. */
  readUvarint(): number {
    let x = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.readBits(8)
      x += (b & 127) * scale
      if (b < 128) {
        if (x > maxSafe) throw this.corrupt('varint beyond 2^53')
        return x
      }
      scale *= 128
    }
    throw this.corrupt('varint longer than 8 bytes')
  }

  /** readVarint reads a zigzag varint written by BitWriter.writeVarint. */
  readVarint(): number {
    const b = this.readBits(8)
    let m = (b >> 1) & 63
    if (b & 128) m += this.readUvarint() * 64
    if (m > maxSafe) throw this.corrupt('varint beyond 2^53')
    return b & 1 ? -m - 1 : m
  }

  /** check throws if the bits read so far run past the end (the last word is zero-padded). */
  check(): void {
    if ((this.pos - this.end) * 8 > this.ncur) throw truncated()
  }

  /** corrupt builds the RangeError for data that cannot be trusted; past the end, truncation. */
  corrupt(what: string): RangeError {
    // Zero padding read past a cut may look corrupt first: name the real cause.
    return (this.pos - this.end) * 8 > this.ncur
      ? truncated()
      : new RangeError(`corrupt chunk: ${what}`)
  }

  /** finish checks that the stream ended exactly: no missing bits, no trailing bytes. */
  finish(): void {
    this.check()
    const used = this.pos - this.start - (this.ncur >> 3)
    if (used < this.end - this.start)
      throw this.corrupt(`${this.end - this.start - used} trailing bytes`)
  }

  private load(): number {
    const p = this.pos
    const d = this.data
    this.pos = p + 4
    if (p + 4 <= this.end) return (d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!
    // A stream rarely ends on a word boundary: pad the last word, check() catches any overrun.
    if (p >= this.end) throw truncated()
    let w = 0
    for (let i = p; i < p + 4; i++) w = (w << 8) | (i < this.end ? d[i]! : 0)
    return w
  }
}

function truncated(): RangeError {
  return new RangeError('corrupt chunk: truncated')
}

/** XorState is the running state of one XOR-compressed value stream (encoder or decoder). */
export class XorState {
  hi = 0
  lo = 0
  value = 0
  // -1 until a window is chosen: a '10' control bit before that is corrupt data.
  leading = -1
  trailing = 0
}

/** writeFirstValue writes a stream's first value as its raw 64 bits. */
export function writeFirstValue(w: BitWriter, s: XorState, v: number): void {
  if (v !== v) {
    s.hi = staleHi
    s.lo = staleLo
  } else {
    f64[0] = v
    s.hi = u32[hiWord]!
    s.lo = u32[loWord]!
  }
  w.writeBits(s.hi, 32)
  w.writeBits(s.lo, 32)
}

/** writeXor writes v as the XOR with the previous value, reusing the bit window when it fits. */
export function writeXor(w: BitWriter, s: XorState, v: number): void {
  let hi: number
  let lo: number
  if (v !== v) {
    hi = staleHi
    lo = staleLo
  } else {
    f64[0] = v
    hi = u32[hiWord]!
    lo = u32[loWord]!
  }
  const dhi = hi ^ s.hi
  const dlo = lo ^ s.lo
  if ((dhi | dlo) === 0) return w.writeBit(0)
  s.hi = hi
  s.lo = lo
  // 5 bits hold at most 31 leading zeros: a wider window costs a few bits, never correctness.
  const leading = dhi !== 0 ? Math.clz32(dhi) : 31
  const trailing = dlo !== 0 ? 31 - Math.clz32(dlo & -dlo) : 63 - Math.clz32(dhi & -dhi)
  if (s.leading >= 0 && leading >= s.leading && trailing >= s.trailing) {
    w.writeBits(2, 2)
    return writeWindow(w, dhi, dlo, 64 - s.leading - s.trailing, s.trailing)
  }
  s.leading = leading
  s.trailing = trailing
  const sig = 64 - leading - trailing
  // '11', 5 bits leading, 6 bits significant length (64 written as 0, as Prometheus does).
  w.writeBits((3 << 11) | (leading << 6) | (sig & 63), 13)
  writeWindow(w, dhi, dlo, sig, trailing)
}

/**
 * xorBits is the exact number of bits writeFirstValue and writeXor would write for values[0..n),
 * computed without writing: encode.ts weighs it against the decimal coding.
 */
export function xorBits(values: Float64Array, n: number): number {
  if (n === 0) return 0
  let v = values[0]!
  let hi: number
  let lo: number
  if (v !== v) {
    hi = staleHi
    lo = staleLo
  } else {
    f64[0] = v
    hi = u32[hiWord]!
    lo = u32[loWord]!
  }
  let bits = 64
  let sLeading = -1
  let sTrailing = 0
  for (let i = 1; i < n; i++) {
    v = values[i]!
    let h: number
    let l: number
    if (v !== v) {
      h = staleHi
      l = staleLo
    } else {
      f64[0] = v
      h = u32[hiWord]!
      l = u32[loWord]!
    }
    const dhi = h ^ hi
    const dlo = l ^ lo
    if ((dhi | dlo) === 0) {
      bits++
      continue
    }
    hi = h
    lo = l
    const leading = dhi !== 0 ? Math.clz32(dhi) : 31
    const trailing = dlo !== 0 ? 31 - Math.clz32(dlo & -dlo) : 63 - Math.clz32(dhi & -dhi)
    if (sLeading >= 0 && leading >= sLeading && trailing >= sTrailing) {
      bits += 66 - sLeading - sTrailing
    } else {
      sLeading = leading
      sTrailing = trailing
      bits += 77 - leading - trailing
    }
  }
  return bits
}

function writeWindow(w: BitWriter, dhi: number, dlo: number, sig: number, trailing: number): void {
  if (trailing >= 32) return w.writeBits(dhi >>> (trailing - 32), sig)
  const hi = trailing === 0 ? dhi : dhi >>> trailing
  const lo = trailing === 0 ? dlo : (dlo >>> trailing) | (dhi << (32 - trailing))
  if (sig > 32) {
    w.writeBits(hi, sig - 32)
    w.writeBits(lo, 32)
  } else w.writeBits(lo >>> 0, sig)
}

/** readFirstValue reads a stream's raw first value; any NaN bits come back as NaN. */
export function readFirstValue(r: BitReader, s: XorState): number {
  s.hi = r.readBits(32)
  s.lo = r.readBits(32)
  u32[hiWord] = s.hi
  u32[loWord] = s.lo
  s.value = f64[0]!
  return s.value
}

/** readXor reads the next value of an XOR-compressed stream. */
export function readXor(r: BitReader, s: XorState): number {
  if (r.readBit() === 0) return s.value
  if (r.readBit() === 1) {
    const b = r.readBits(11)
    const sig = b & 63 || 64
    s.leading = b >>> 6
    s.trailing = 64 - s.leading - sig
    if (s.trailing < 0) throw r.corrupt('XOR window wider than 64 bits')
  } else if (s.leading < 0) throw r.corrupt('XOR window reused before one was set')
  const trailing = s.trailing
  const sig = 64 - s.leading - trailing
  let dhi: number
  let dlo: number
  if (sig > 32) {
    const hi = r.readBits(sig - 32)
    const lo = r.readBits(32)
    dhi = trailing === 0 ? hi : (hi << trailing) | (lo >>> (32 - trailing))
    dlo = lo << trailing
  } else {
    const lo = r.readBits(sig)
    if (trailing >= 32) {
      dhi = lo << (trailing - 32)
      dlo = 0
    } else {
      dhi = trailing === 0 ? 0 : lo >>> (32 - trailing)
      dlo = lo << trailing
    }
  }
  s.hi ^= dhi
  s.lo ^= dlo
  u32[hiWord] = s.hi
  u32[loWord] = s.lo
  s.value = f64[0]!
  return s.value
}

/** writeDod writes a timestamp delta-of-delta in Prometheus's buckets (0, 14, 17, 20, 64 bits). */
export function writeDod(w: BitWriter, dod: number): void {
  if (dod === 0) w.writeBit(0)
  else if (dod >= -8191 && dod <= 8192) w.writeBits((0b10 << 14) | (dod & 0x3fff), 16)
  else if (dod >= -65535 && dod <= 65536) w.writeBits((0b110 << 17) | (dod & 0x1ffff), 20)
  else if (dod >= -524287 && dod <= 524288) w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24)
  else {
    // |dod| < 2^53 (callers keep deltas safe), so the halves are exact.
    const hi = Math.floor(dod / two32)
    w.writeBits(0b1111, 4)
    w.writeBits(hi >>> 0, 32)
    w.writeBits(dod - hi * two32, 32)
  }
}

/** readDod reads a delta-of-delta written by writeDod. */
export function readDod(r: BitReader): number {
  if (r.readBit() === 0) return 0
  let v: number
  if (r.readBit() === 0) return (v = r.readBits(14)) > 8192 ? v - 16384 : v
  if (r.readBit() === 0) return (v = r.readBits(17)) > 65536 ? v - 131072 : v
  if (r.readBit() === 0) return (v = r.readBits(20)) > 524288 ? v - 1048576 : v
  const hi = r.readBits(32) | 0
  if (hi < -2097152 || hi >= 2097152) throw r.corrupt('timestamp delta beyond 2^53')
  return hi * two32 + r.readBits(32)
}
