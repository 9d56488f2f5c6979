/**
 * Samples as parallel typed arrays (times, values): how chunks are read for queries, so that a
 * query over a million stored samples makes two growing buffers per series, not a million objects.
 */
import { sortUnique } from './head.ts'
import type { Sample } from './types.ts'

/** Columns are the times and values of one series, oldest first, one sample per time. */
export interface Columns {
  ts: Float64Array
  vs: Float64Array
}

/** ColumnBuilder collects samples; `finish` sorts them only if they did not arrive in order. */
export class ColumnBuilder {
  private ts = new Float64Array(256)
  private vs = new Float64Array(256)
  private n = 0
  private ordered = true

  /** push appends a sample. */
  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2)
      const vs = new Float64Array(this.n * 2)
      ts.set(this.ts)
      vs.set(this.vs)
      this.ts = ts
      this.vs = vs
    }
    if (this.n > 0 && t <= this.ts[this.n - 1]!) this.ordered = false
    this.ts[this.n] = t
    this.vs[this.n] = v
    this.n++
  }

  /** finish returns the columns, sorted by time with one sample per time. */
  finish(): Columns {
    const columns = { ts: this.ts.subarray(0, this.n), vs: this.vs.subarray(0, this.n) }
    // Chunks written by an out-of-order flush can overlap; then take the slow, exact path.
    return this.ordered ? columns : toColumns(sortUnique(toSamples(columns)))
  }
}

/** toSamples turns columns into sample objects. */
export function toSamples(columns: Columns): Sample[] {
  const out: Sample[] = new Array(columns.ts.length)
  for (let i = 0; i < columns.ts.length; i++) out[i] = { t: columns.ts[i]!, v: columns.vs[i]! }
  return out
}

/** toColumns turns sample objects into columns. */
export function toColumns(samples: readonly Sample[]): Columns {
  const ts = new Float64Array(samples.length)
  const vs = new Float64Array(samples.length)
  samples.forEach((s, i) => {
    ts[i] = s.t
    vs[i] = s.v
  })
  return { ts, vs }
}

const none: Columns = { ts: new Float64Array(0), vs: new Float64Array(0) }

/**
 * concatColumns returns stored samples followed by newer ones; where they overlap in time (a flush
 * committed while the query read the head), the sorted union with the stored sample kept.
 */
export function concatColumns(stored: Columns | undefined, fresh: Columns | undefined): Columns {
  if (!fresh || fresh.ts.length === 0) return stored ?? none
  if (!stored || stored.ts.length === 0) return fresh
  const n = stored.ts.length
  if (fresh.ts[0]! > stored.ts[n - 1]!) {
    const ts = new Float64Array(n + fresh.ts.length)
    const vs = new Float64Array(n + fresh.ts.length)
    ts.set(stored.ts)
    ts.set(fresh.ts, n)
    vs.set(stored.vs)
    vs.set(fresh.vs, n)
    return { ts, vs }
  }
  return toColumns(sortUnique([...toSamples(stored), ...toSamples(fresh)]))
}
