/**
 * Turning a frozen head into rows: raw chunks of at most 360 samples (Gorilla or decimal coding,
 * whichever is smaller) and one-minute and one-hour rollup chunks (min, max, sum, count, last per
 * bucket; staleness markers are not values and are left out of rollups). Pure apart from the SQL
 * text it returns.
 */
import type { InStatement } from '@libsql/client'
import { encodeChunk, encodeRollups, type RollupPoint } from './encode.ts'
import type { Head } from './head.ts'
import type { Sample } from './types.ts'

/** maxChunkSamples bounds a raw chunk: an hour at 10 s. Bigger chunks compress a little better but make queries over recent data decode more than they use. */
export const maxChunkSamples = 360

/** FlushPlan is the statements for a set of series and what they cover. */
export interface FlushPlan {
  statements: InStatement[]
  maxT: Map<number, number>
  bytes: number
}

/** rollup groups samples into buckets of `size` ms. */
export function rollup(samples: readonly Sample[], size: number): RollupPoint[] {
  const out: RollupPoint[] = []
  let current: RollupPoint | undefined
  for (const { t, v } of samples) {
    if (Number.isNaN(v)) continue
    const bucket = Math.floor(t / size) * size
    if (!current || current.t !== bucket) {
      current = { t: bucket, min: v, max: v, sum: v, count: 1, last: v }
      out.push(current)
      continue
    }
    current.min = Math.min(current.min, v)
    current.max = Math.max(current.max, v)
    current.sum += v
    current.count++
    current.last = v
  }
  return out
}

interface Row {
  id: number
  tier: number
  start: number
  end: number
  count: number
  data: Uint8Array
}

/** buildFlush encodes the given series of a frozen head. */
export function buildFlush(frozen: Head, ids: number[]): FlushPlan {
  const rows: Row[] = []
  const maxT = new Map<number, number>()
  for (const id of ids) {
    const samples = frozen.series.get(id)?.samples(-Infinity, Infinity) ?? []
    if (samples.length === 0) continue
    maxT.set(id, samples[samples.length - 1]!.t)
    for (let i = 0; i < samples.length; i += maxChunkSamples) {
      const part = samples.slice(i, i + maxChunkSamples)
      rows.push({
        id,
        tier: 0,
        start: part[0]!.t,
        end: part[part.length - 1]!.t,
        count: part.length,
        data: encodeChunk(part),
      })
    }
    const first = samples[0]!.t
    const last = samples[samples.length - 1]!.t
    for (const [tier, size] of [
      [1, 60_000],
      [2, 3_600_000],
    ] as const) {
      const points = rollup(samples, size)
      if (points.length === 0) continue
      // The chunk is keyed by the flush's first sample time: unique per series even when a bucket
      // straddles two flushes.
      rows.push({
        id,
        tier,
        start: first,
        end: last,
        count: points.length,
        data: encodeRollups(points),
      })
    }
  }
  const statements: InStatement[] = []
  let bytes = 0
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100)
    statements.push({
      sql: `INSERT INTO metric_chunks (series_id, tier, start_ts, end_ts, count, data) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      args: part.flatMap((r) => [r.id, r.tier, r.start, r.end, r.count, r.data]),
    })
    for (const r of part) bytes += r.data.byteLength
  }
  return { statements, maxT, bytes }
}
