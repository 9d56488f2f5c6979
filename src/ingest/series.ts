/**
 * Cumulative counters kept in memory (log lines by service and level, events by source, kind and
 * severity) written as ordinary samples into the metrics engine, so PromQL works over them:
 * `rate(vigil_log_lines_total[5m])`. Counts start at 0 with the process; `rate` treats the restart
 * as a counter reset.
 */
import type { MetricsEngine } from '../metrics/engine.ts'
import { defaultIngestLimits, validateSample, type ValidSample } from '../metrics/validate.ts'

/**
 * CounterSet counts occurrences by label set. It holds at most `maxSets` label sets (services and
 * sources come from clients): beyond that, new ones are counted under every value `_other`.
 */
export class CounterSet {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>()

  constructor(private readonly maxSets = 10_000) {}

  /** add counts `n` more for `labels`. */
  add(labels: Record<string, string>, n = 1): void {
    let key = JSON.stringify(labels)
    if (this.counts.size >= this.maxSets && !this.counts.has(key)) {
      labels = Object.fromEntries(Object.keys(labels).map((k) => [k, '_other']))
      key = JSON.stringify(labels)
    }
    const entry = this.counts.get(key)
    if (entry) entry.value += n
    else this.counts.set(key, { labels, value: n })
  }

  /** samples writes every counter as a sample of metric `name` at time `t`. */
  samples(name: string, t: number): ValidSample[] {
    const out: ValidSample[] = []
    for (const { labels, value } of this.counts.values()) {
      const result = validateSample({ name, labels, value, ts: t }, t, defaultIngestLimits)
      if (result.ok) out.push(result.sample)
    }
    return out
  }
}

/** writeCounters ingests the counters as samples of `name` owned by `vigil`. */
export async function writeCounters(
  engine: MetricsEngine,
  name: string,
  counters: CounterSet,
  t: number,
): Promise<void> {
  const samples = counters.samples(name, t)
  if (samples.length > 0) await engine.ingest(samples, 'vigil')
}
