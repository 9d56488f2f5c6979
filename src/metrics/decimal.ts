/**
 * Decimal value coding for finished chunks (encode.ts formats 3 and 4), next to the Gorilla XOR
 * coding of bits.ts. Scraped values are mostly decimals with a few digits (CPU seconds 100012.37,
 * load 1.23) or integers that change every scrape (byte counters, memory in 4 KiB pages): their
 * float bits differ in ~40 places from one sample to the next, but as integers their steps are small.
 *
 * A value stream qualifies when some exponent e in 0..9 makes every value v (NaN aside) a safe
 * integer mantissa m = round(v * 10^e) with m / 10^e === v exactly (the decoder computes that same
 * division); -0 and ±Inf never qualify. Every step between mantissas must be a safe integer too.
 * The stream then stores, in bits (bits.ts conventions):
 *   header   e (4 bits); mode (1 bit: 0 deltas, 1 delta-of-deltas, which needs every one of them
 *            safe); '0' for g = 1 or '1' + uvarint g, the gcd of all steps; the number of buckets
 *            minus one (2 bits); each bucket's width (6 bits, 0..54)
 *   start    per value until the first number, '0' for a NaN, then '1' + zigzag varint of the
 *            first mantissa; in mode 1 the same again for the first step (in units of g)
 *   values   per later value, x = step / g (mode 0) or step / g minus the previous one (mode 1) as
 *            a bucket prefix ('' with 1 bucket; '0' '1' with 2; '0' '10' '11' with 3; '0' '10'
 *            '110' '111' with 4) and x in the bucket's width as two's complement; a width w holds
 *            ±(2^(w-1) - 1), and -2^(w-1) in the first widest bucket is the escape for NaN (the
 *            staleness marker), which leaves the running mantissa and step as they were.
 * Widths are chosen per stream from the histogram of the widths needed, the most used bucket taking
 * the shortest prefix. A constant stream or a steady counter thus costs nothing per value (one
 * bucket of width 0), a gauge in tenths that moves by ±0.1 two or three bits.
 *
 * Why one file of this size: the size estimate, the encoder and the decoder of the decimal coding
 * must agree bit for bit, and a test checks the estimate against the written bytes; they are kept
 * side by side so that a change to one is made to all three.
 */
import type { BitReader, BitWriter } from './bits.ts'

const maxSafe = Number.MAX_SAFE_INTEGER
const two32 = 4294967296
const maxExponent = 9
// A safe integer x needs at most 54 bits: 53 for |x| and the sign.
const maxWidth = 54
const pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
// The search for bucket widths looks at this many distinct widths at most (the most frequent ones).
const maxCandidates = 11
const pow2 = Array.from({ length: 65 }, (_, i) => 2 ** i)

/** widthOf is the bits a safe integer x needs as two's complement in ±(2^(w-1) - 1): 0 for 0. */
export function widthOf(x: number): number {
  const a = x < 0 ? -x : x
  if (a === 0) return 0
  if (a < two32) return 33 - Math.clz32(a)
  return 65 - Math.clz32(Math.floor(a / two32))
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b
    a = b
    b = r
  }
  return a
}

// The bits BitWriter.writeVarint takes for a safe integer: a byte with the sign and 6 bits of |x|,
// then 7 bits of |x| a byte.
function varintBits(x: number): number {
  const a = x < 0 ? -x - 1 : x
  return a < 64 ? 8 : 8 + uvarintBits(Math.floor(a / 64))
}

function uvarintBits(x: number): number {
  let n = 8
  for (; x >= 128; n += 8) x = Math.floor(x / 128)
  return n
}

// Bucket prefix codes by bucket count, most frequent bucket first.
const prefixCode = [[0], [0, 1], [0, 2, 3], [0, 2, 6, 7]]
const prefixLength = [[0], [1, 1], [1, 2, 2], [1, 2, 3, 3]]

/** Buckets is a choice of bucket widths for one value stream, most used bucket first. */
class Buckets {
  nb = 1
  cost = 0
  readonly widths = [0, 0, 0, 0]
  private readonly best = [0, 0, 0, 0]
  private readonly order = [0, 0, 0, 0]
  private readonly counts = [0, 0, 0, 0]

  /**
   * choose picks up to 4 widths for a histogram of needed widths plus `nans` escapes (in the
   * widest bucket), `total` values in all, and returns the estimated cost in bits (also in `cost`).
   */
  choose(
    h: Float64Array,
    nans: number,
    total: number,
    cand: Int32Array,
    cum: Float64Array,
  ): number {
    let top = 0
    for (let L = maxWidth; L > 0; L--) {
      if (h[L]! > 0) {
        top = L
        break
      }
    }
    if (nans > 0 && top === 0) top = 1
    // Candidate widths below the top: those in use, at most maxCandidates of the most used.
    let nc = 0
    for (let L = 0; L < top; L++) if (h[L]! > 0) cand[nc++] = L
    if (nc > maxCandidates) {
      const keep = Array.from(cand.subarray(0, nc))
        .sort((a, b) => h[b]! - h[a]! || a - b)
        .slice(0, maxCandidates)
        .sort((a, b) => a - b)
      for (let i = 0; i < keep.length; i++) cand[i] = keep[i]!
      nc = keep.length
    }
    // cum[L + 1] = values needing at most L bits.
    cum[0] = 0
    for (let L = 0; L <= maxWidth; L++) cum[L + 1] = cum[L]! + h[L]!
    const all = total
    const best = this.best
    // One bucket: no prefix.
    let bestCost = all * top
    let bestN = 1
    best[0] = top
    // Two buckets: every value pays 1 bit of prefix.
    for (let a = 0; a < nc; a++) {
      const wa = cand[a]!
      const ca = cum[wa + 1]!
      const c = ca * wa + (all - ca) * top + all
      if (c < bestCost) {
        bestCost = c
        bestN = 2
        best[0] = wa
        best[1] = top
      }
    }
    // Three and four buckets: prefixes of 1, 2, 2 (or 1, 2, 3, 3) bits, shortest to the most used.
    for (let a = 0; a < nc; a++) {
      const wa = cand[a]!
      const ca = cum[wa + 1]!
      for (let b = a + 1; b < nc; b++) {
        const wb = cand[b]!
        const cb = cum[wb + 1]! - ca
        const ct = all - ca - cb
        const max3 = ca > cb ? (ca > ct ? ca : ct) : cb > ct ? cb : ct
        const c3 = ca * wa + cb * wb + ct * top + 2 * all - max3
        if (c3 < bestCost) {
          bestCost = c3
          bestN = 3
          best[0] = wa
          best[1] = wb
          best[2] = top
        }
        for (let d = b + 1; d < nc; d++) {
          const wd = cand[d]!
          const cd = cum[wd + 1]! - ca - cb
          const c4top = ct - cd
          // Prefix bits 3 * all - 2 * first - second, for the two largest counts.
          let f = ca
          let s = 0
          if (cb > f) {
            s = f
            f = cb
          } else s = cb
          if (cd > f) {
            s = f
            f = cd
          } else if (cd > s) s = cd
          if (c4top > f) {
            s = f
            f = c4top
          } else if (c4top > s) s = c4top
          const c4 = ca * wa + cb * wb + cd * wd + c4top * top + 3 * all - 2 * f - s
          if (c4 < bestCost) {
            bestCost = c4
            bestN = 4
            best[0] = wa
            best[1] = wb
            best[2] = wd
            best[3] = top
          }
        }
      }
    }
    // Order the buckets by use, most used first (ties: narrower first).
    const counts = this.counts
    let below = 0
    for (let i = 0; i < bestN; i++) {
      const upto = i === bestN - 1 ? all : cum[best[i]! + 1]!
      counts[i] = upto - below
      below = upto
    }
    const order = this.order
    for (let i = 0; i < bestN; i++) order[i] = i
    for (let i = 1; i < bestN; i++) {
      const o = order[i]!
      let j = i
      while (j > 0 && counts[order[j - 1]!]! < counts[o]!) {
        order[j] = order[j - 1]!
        j--
      }
      order[j] = o
    }
    for (let i = 0; i < 4; i++) this.widths[i] = i < bestN ? best[order[i]!]! : 0
    this.nb = bestN
    return (this.cost = bestCost)
  }
}

/**
 * DecimalPlan decides whether a value stream can be coded as decimals, how, and what it costs;
 * then it writes the stream. One plan is reused from stream to stream: it allocates only when a
 * stream is longer than any before.
 */
export class DecimalPlan {
  /** bits is what header and values cost, valid after plan() returned true. */
  bits = 0
  private e = 0
  private dod = 0
  private g = 1
  private nb = 1
  private readonly widths = [0, 0, 0, 0]
  private escape = 0
  private m = new Float64Array(0)
  // Per needed width (0..54): the bucket a value goes to.
  private readonly bucketOf = new Uint8Array(maxWidth + 1)
  // Per needed width: the code length (prefix and value), the prefix already shifted over the
  // value, and the mask of the value's two's complement bits.
  private readonly codeLength = new Uint8Array(maxWidth + 1)
  private readonly codePrefix = new Float64Array(maxWidth + 1)
  private readonly codeMask = new Int32Array(maxWidth + 1)
  private readonly histDelta = new Float64Array(maxWidth + 1)
  private readonly histDod = new Float64Array(maxWidth + 1)
  private readonly cum = new Float64Array(maxWidth + 2)
  private readonly cand = new Int32Array(maxWidth + 1)
  private readonly byDelta = new Buckets()
  private readonly byDod = new Buckets()
  // Writer state: numbers written so far, the last mantissa, the last step.
  private seen = 0
  private last = 0
  private step = 0

  /** layout describes the last plan: exponent, mode, step gcd and bucket widths (tests, benches). */
  get layout(): { e: number; mode: 'delta' | 'dod'; g: number; widths: number[] } {
    const mode = this.dod ? 'dod' : 'delta'
    return { e: this.e, mode, g: this.g, widths: this.widths.slice(0, this.nb) }
  }

  /** plan analyses values[0..n); false when the stream does not qualify (then use XOR). */
  plan(values: Float64Array, n: number): boolean {
    // 1. The smallest exponent: each value raises it as far as it needs.
    let e = 0
    let p = 1
    for (let i = 0; i < n; i++) {
      const v = values[i]!
      if (v !== v) continue
      if (v === 0) {
        if (1 / v < 0) return false
        continue
      }
      if (!(v <= maxSafe && v >= -maxSafe)) return false
      for (;;) {
        const m = Math.round(v * p)
        if (m / p === v && m <= maxSafe && m >= -maxSafe) break
        if (++e > maxExponent) return false
        p = pow10[e]!
      }
    }
    // 2. Mantissas at that exponent (checked again: a value fitting at e may not fit at e + 1 if
    // its mantissa grows beyond 2^51), steps, their gcd and whether delta-of-deltas stay safe.
    if (this.m.length < n) this.m = new Float64Array(Math.max(n, this.m.length * 2))
    const ms = this.m
    let started = false
    let last = 0
    let step = 0
    let g = 0
    let dodSafe = true
    // Bits before the first number: '0' per NaN, then '1' and its varint.
    let headBits = 0
    for (let i = 0; i < n; i++) {
      const v = values[i]!
      if (v !== v) {
        ms[i] = NaN
        if (!started) headBits++
        continue
      }
      const m = Math.round(v * p)
      if (m / p !== v || m > maxSafe || m < -maxSafe) return false
      ms[i] = m
      if (!started) {
        started = true
        headBits += 1 + varintBits(m)
      } else {
        const d = m - last
        if (d > maxSafe || d < -maxSafe) return false
        if (d !== 0 && g !== 1) g = gcd(d < 0 ? -d : d, g)
        const dd = d - step
        if (dd > maxSafe || dd < -maxSafe) dodSafe = false
        step = d
      }
      last = m
    }
    if (g === 0) g = 1
    // 3. Histograms of the widths needed in either mode. Delta-of-delta mode writes the first
    // step as a varint ('0' per NaN before it, '1' and the varint), then delta-of-deltas.
    const hd = this.histDelta.fill(0)
    const hdd = this.histDod.fill(0)
    let nansDelta = 0
    let nansDod = 0
    let headDod = 0
    let seen = 0
    step = 0
    for (let i = 0; i < n; i++) {
      const m = ms[i]!
      if (m !== m) {
        if (seen === 1) headDod++
        if (seen >= 1) nansDelta++
        if (seen >= 2) nansDod++
        continue
      }
      if (seen >= 1) {
        const x = (m - last) / g
        hd[widthOf(x)]!++
        if (seen === 1) headDod += 1 + varintBits(x)
        else if (dodSafe) hdd[widthOf(x - step)]!++
        step = x
      }
      seen++
      last = m
    }
    // 4. The cheaper mode with its buckets.
    const byDelta = this.byDelta
    const byDod = this.byDod
    const codedDelta = seen >= 1 ? seen - 1 + nansDelta : 0
    byDelta.choose(hd, nansDelta, codedDelta, this.cand, this.cum)
    let dod = 0
    if (dodSafe && seen >= 2) {
      const codedDod = seen - 2 + nansDod
      const cost = headDod + byDod.choose(hdd, nansDod, codedDod, this.cand, this.cum)
      if (cost < byDelta.cost) dod = 1
    }
    const chosen = dod ? byDod : byDelta
    this.nb = chosen.nb
    for (let b = 0; b < 4; b++) this.widths[b] = chosen.widths[b]!
    this.tables()
    // The exact cost with the final tables (choose() estimates by the narrowest fitting bucket).
    const h = dod ? hdd : hd
    let cost = dod ? headDod : 0
    for (let L = 0; L <= maxWidth; L++)
      if (h[L]! > 0) cost += h[L]! * this.costOf(this.bucketOf[L]!)
    cost += (dod ? nansDod : nansDelta) * this.costOf(this.escape)
    this.e = e
    this.dod = dod
    this.g = g
    const header = 4 + 1 + (g === 1 ? 1 : 1 + uvarintBits(g)) + 2 + 6 * this.nb
    this.bits = header + headBits + cost
    return true
  }

  private costOf(b: number): number {
    return prefixLength[this.nb - 1]![b]! + this.widths[b]!
  }

  /** tables fills bucketOf and escape from widths and nb. */
  private tables(): void {
    const nb = this.nb
    const widths = this.widths
    const lengths = prefixLength[nb - 1]!
    let escape = 0
    for (let b = 1; b < nb; b++) if (widths[b]! > widths[escape]!) escape = b
    this.escape = escape
    for (let L = 0; L <= maxWidth; L++) {
      let bucket = escape
      let cost = Infinity
      for (let b = 0; b < nb; b++) {
        const c = lengths[b]! + widths[b]!
        if (widths[b]! >= L && c < cost) {
          cost = c
          bucket = b
        }
      }
      this.bucketOf[L] = bucket
      const width = widths[bucket]!
      const length = lengths[bucket]! + width
      this.codeLength[L] = length
      this.codePrefix[L] = prefixCode[nb - 1]![bucket]! * pow2[width]!
      this.codeMask[L] = width >= 32 ? -1 : (1 << width) - 1
    }
  }

  /** writeHeader writes the stream header and readies write() for the stream's first value. */
  writeHeader(w: BitWriter): void {
    w.writeBits((this.e << 1) | this.dod, 5)
    if (this.g === 1) w.writeBit(0)
    else {
      w.writeBit(1)
      w.writeUvarint(this.g)
    }
    w.writeBits(this.nb - 1, 2)
    for (let b = 0; b < this.nb; b++) w.writeBits(this.widths[b]!, 6)
    this.seen = 0
    this.last = 0
    this.step = 0
  }

  /** write writes value i of the planned stream; values must come in order. */
  write(w: BitWriter, i: number): void {
    const m = this.m[i]!
    const seen = this.seen
    if (m !== m) {
      if (seen === 0 || (seen === 1 && this.dod)) return w.writeBit(0)
      const b = this.escape
      const width = this.widths[b]!
      writePrefix(w, this.nb, b)
      if (width > 32) {
        w.writeBits(1 << (width - 33), width - 32)
        w.writeBits(0, 32)
      } else w.writeBits(pow2[width - 1]!, width)
      return
    }
    this.seen = seen + 1
    if (seen === 0) {
      this.last = m
      w.writeBit(1)
      w.writeVarint(m)
      return
    }
    let x = (m - this.last) / this.g
    this.last = m
    if (this.dod) {
      if (seen === 1) {
        this.step = x
        w.writeBit(1)
        w.writeVarint(x)
        return
      }
      const dx = x - this.step
      this.step = x
      x = dx
    }
    const L = widthOf(x)
    const length = this.codeLength[L]!
    // Prefix and value in one go; `& mask` gives the two's complement bits without a branch.
    if (length <= 32) {
      if (length > 0) w.writeBits(this.codePrefix[L]! + ((x & this.codeMask[L]!) >>> 0), length)
      return
    }
    const b = this.bucketOf[L]!
    const width = this.widths[b]!
    writePrefix(w, this.nb, b)
    if (width <= 32) return w.writeBits((x & this.codeMask[L]!) >>> 0, width)
    const hi = Math.floor(x / two32)
    w.writeBits(hi & ((1 << (width - 32)) - 1), width - 32)
    w.writeBits(x - hi * two32, 32)
  }
}

function writePrefix(w: BitWriter, nb: number, b: number): void {
  const plen = prefixLength[nb - 1]![b]!
  if (plen > 0) w.writeBits(prefixCode[nb - 1]![b]!, plen)
}

/** DecimalReader reads a decimal value stream back: readHeader() once, then read() per value. */
export class DecimalReader {
  private e = 0
  private scale = 1
  private dod = false
  private g = 1
  private nb = 1
  private readonly widths = new Int32Array(4)
  private escape = 0
  // The escape pattern of the escape bucket when it is 32 bits wide or less: 2^(w-1).
  private escapeBits = 0
  // Numbers still to come as flagged varints: the first mantissa, and in mode 1 the first step.
  private pending = 0
  private m = 0
  private step = 0

  /** readHeader reads a stream header, throwing a RangeError on impossible fields. */
  readHeader(r: BitReader): void {
    const b = r.readBits(5)
    const e = b >>> 1
    if (e > maxExponent) throw r.corrupt(`decimal exponent ${e}`)
    this.e = e
    this.scale = pow10[e]!
    this.dod = (b & 1) === 1
    this.g = r.readBit() === 1 ? r.readUvarint() : 1
    if (this.g === 0) throw r.corrupt('decimal step gcd 0')
    const nb = (this.nb = r.readBits(2) + 1)
    const widths = this.widths.fill(0)
    for (let i = 0; i < nb; i++) {
      const w = r.readBits(6)
      if (w > maxWidth) throw r.corrupt(`decimal bucket width ${w}`)
      widths[i] = w
    }
    let escape = 0
    for (let i = 1; i < nb; i++) if (widths[i]! > widths[escape]!) escape = i
    this.escape = escape
    const top = widths[escape]!
    this.escapeBits = top === 0 ? -1 : pow2[top - 1]!
    this.pending = this.dod ? 2 : 1
    this.m = 0
    this.step = 0
  }

  /** read returns the next value of the stream. */
  read(r: BitReader): number {
    if (this.pending > 0) return this.first(r)
    const nb = this.nb
    const b = nb === 1 ? 0 : r.readOnes(nb - 1)
    const width = this.widths[b]!
    let x = 0
    if (width > 32) {
      x = this.wide(r, width, b === this.escape)
      if (x !== x) return NaN
    } else if (width !== 0) {
      const u = r.readBits(width)
      if (u === this.escapeBits && b === this.escape) return NaN
      // Sign extension without a branch: values are as often negative as positive.
      const shift = 32 - width
      x = (u << shift) >> shift
    }
    if (this.dod) x = this.step += x
    return this.next(r, x)
  }

  // The value a step of x units away, refused beyond 2^53.
  private next(r: BitReader, x: number): number {
    const m = (this.m += this.g * x)
    if (m > maxSafe || m < -maxSafe) throw r.corrupt('decimal mantissa beyond 2^53')
    return this.e === 0 ? m : m / this.scale
  }

  // '0' for a NaN, or '1' and the first mantissa (then, in mode 1, the first step) as a varint.
  private first(r: BitReader): number {
    if (r.readBit() === 0) return NaN
    const x = r.readVarint()
    if (this.pending-- === 2 || !this.dod) {
      this.m = x
      return x / this.scale
    }
    this.step = x
    return this.next(r, x)
  }

  // A value of more than 32 bits; NaN for the escape pattern in the escape bucket.
  private wide(r: BitReader, width: number, escape: boolean): number {
    let hi = r.readBits(width - 32)
    const lo = r.readBits(32)
    const half = pow2[width - 33]!
    if (hi >= half) {
      if (hi === half && lo === 0 && escape) return NaN
      hi -= 2 * half
    }
    return hi * two32 + lo
  }
}
