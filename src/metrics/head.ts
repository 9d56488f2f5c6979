/**
 * The head: every sample committed to the WAL since the last flush, in memory, per series. In-order
 * samples go into an open Gorilla chunk (about 1.5 bytes each); the few out-of-order ones wait in a
 * small side list and are merged when the head is flushed to chunks.
 */
import type { ColumnBuilder } from './columns.ts'
import { ChunkAppender, forEachSample } from './encode.ts'
import type { Sample } from './types.ts'

/** AppendOutcome says what happened to one sample. */
export type AppendOutcome = 'ok' | 'duplicate' | 'conflict'

/** HeadSeries is one series' unflushed samples. */
export class HeadSeries {
  readonly appender = new ChunkAppender()
  private lastT = -Infinity
  private lastV = 0
  private ooo: Sample[] | undefined

  /** count is how many samples the series holds. */
  get count(): number {
    return this.appender.count + (this.ooo?.length ?? 0)
  }

  /** append adds a sample; the same time with the same value is a harmless duplicate. */
  append(t: number, v: number): AppendOutcome {
    if (t > this.lastT) {
      this.appender.append(t, v)
      this.lastT = t
      this.lastV = v
      return 'ok'
    }
    if (t === this.lastT)
      return Object.is(v, this.lastV) || (v !== v && this.lastV !== this.lastV)
        ? 'duplicate'
        : 'conflict'
    ;(this.ooo ??= []).push({ t, v })
    return 'ok'
  }

  /** collect pushes the samples in [start, end] into a builder, in-order ones first. */
  collect(start: number, end: number, into: ColumnBuilder): void {
    if (this.appender.count > 0 && this.lastT >= start) {
      forEachSample(this.appender.bytes(), (t, v) => {
        if (t >= start && t <= end) into.push(t, v)
      })
    }
    if (this.ooo) for (const s of this.ooo) if (s.t >= start && s.t <= end) into.push(s.t, s.v)
  }

  /** samples returns the samples in [start, end], sorted, one per time. */
  samples(start: number, end: number): Sample[] {
    const out: Sample[] = []
    if (this.appender.count > 0 && this.lastT >= start) {
      forEachSample(this.appender.bytes(), (t, v) => {
        if (t >= start && t <= end) out.push({ t, v })
      })
    }
    if (!this.ooo) return out
    for (const s of this.ooo) if (s.t >= start && s.t <= end) out.push(s)
    return sortUnique(out)
  }
}

/** sortUnique sorts samples by time, keeping the first of equal times (the in-order one). */
export function sortUnique(samples: Sample[]): Sample[] {
  // Most inputs are already in order: one pass to check, and no copy.
  let ordered = true
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.t <= samples[i - 1]!.t) {
      ordered = false
      break
    }
  }
  if (ordered) return samples
  const sorted = samples.map((s, i) => ({ s, i })).sort((a, b) => a.s.t - b.s.t || a.i - b.i)
  const out: Sample[] = []
  for (const { s } of sorted) if (out.length === 0 || out[out.length - 1]!.t !== s.t) out.push(s)
  return out
}

/** Head is the set of head series with a running sample count. */
export class Head {
  readonly series = new Map<number, HeadSeries>()
  sampleCount = 0

  /** append adds a sample to a series, creating its head entry. */
  append(id: number, t: number, v: number): AppendOutcome {
    let s = this.series.get(id)
    if (!s) this.series.set(id, (s = new HeadSeries()))
    const outcome = s.append(t, v)
    if (outcome === 'ok') this.sampleCount++
    return outcome
  }
}
