/**
 * A bounded, least-recently-used cache of decoded raw chunks per series, so that a dashboard that
 * keeps asking for the last hour neither runs SQL nor decodes again. An entry holds every raw
 * sample of one series in [from, to]; `to` is Infinity when the entry reached the newest chunk on
 * disk, so a window that slides forward keeps hitting until the next flush of that series, which
 * cuts the entry back to what it still covers. Retention empties the cache.
 */
import type { Columns } from './columns.ts'

interface Entry {
  from: number
  to: number
  ts: Float64Array
  vs: Float64Array
}

const bytesPerSample = 16

/** lowerBound returns the first index i with ts[i] >= t. */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0
  let hi = ts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ts[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** ChunkCache maps series ids to their decoded raw samples over a covered time range. */
export class ChunkCache {
  private readonly entries = new Map<number, Entry>()
  private used = 0
  /** generation changes whenever chunks on disk change; a read that saw it change stores nothing. */
  generation = 0
  hits = 0
  misses = 0

  constructor(readonly maxBytes: number) {}

  /** bytes is the memory the cached samples take. */
  get bytes(): number {
    return this.used
  }

  /** get returns the samples of series id in [from, to] when an entry covers that range. */
  get(id: number, from: number, to: number): Columns | undefined {
    const e = this.entries.get(id)
    if (!e || from < e.from || to > e.to) {
      this.misses++
      return undefined
    }
    // Most recently used goes last.
    this.entries.delete(id)
    this.entries.set(id, e)
    this.hits++
    const lo = lowerBound(e.ts, from)
    const hi = to === Infinity ? e.ts.length : lowerBound(e.ts, to + 1)
    return { ts: e.ts.subarray(lo, hi), vs: e.vs.subarray(lo, hi) }
  }

  /**
   * put stores the samples of series id covering [from, to], unless the chunks changed since the
   * read began (`generation` is the value it saw then) or the entry alone would take over a
   * quarter of the cache.
   */
  put(id: number, from: number, to: number, columns: Columns, generation: number): void {
    if (generation !== this.generation || this.maxBytes === 0) return
    const size = columns.ts.length * bytesPerSample
    if (size > this.maxBytes / 4) return
    this.drop(id)
    // Own copies: the caller's buffers may be views into something larger.
    this.entries.set(id, { from, to, ts: columns.ts.slice(), vs: columns.vs.slice() })
    this.used += size
    for (const [old] of this.entries) {
      if (this.used <= this.maxBytes) break
      this.drop(old)
    }
  }

  /** flushed records that series id got chunks after `covered` (its previous newest time). */
  flushed(id: number, covered: number): void {
    this.generation++
    const e = this.entries.get(id)
    if (!e || e.to <= covered) return
    if (covered < e.from) return this.drop(id)
    e.to = covered
  }

  /** clear empties the cache, after chunks were deleted. */
  clear(): void {
    this.generation++
    this.entries.clear()
    this.used = 0
  }

  private drop(id: number): void {
    const e = this.entries.get(id)
    if (!e) return
    this.used -= e.ts.length * bytesPerSample
    this.entries.delete(id)
  }
}
