/**
 * `npm run bench:alerting`: the time from POSTing a sample that crosses a `for: 0s` threshold to
 * the rule evaluator calling `sink.fire`, printed, never asserted. In process, with the real
 * engine over a temporary libSQL file (the ingest route, the WAL commit, the bus wake-up, the
 * debounce, the PromQL query). Each crossing is followed by a sample back under the threshold and
 * its resolve, so every crossing starts a new episode; the first 3 crossings warm up (JIT, first
 * queries) and are printed apart. 20 more rules on other metrics stand by.
 * A rule evaluates at once on the first sample of its metric, and once more at the end of the
 * debounce for samples that come within it: `--gap` is the pause after each resolve (default
 * 100 ms, an isolated crossing; `--gap 0` shows a crossing during the debounce, when the figure
 * is about the debounce).
 * Flags: --crossings N (default 60), --debounce MS (default the evaluator's 50), --gap MS.
 */
import { parseArgs } from 'node:util'
import { RuleEvaluator } from '../../src/alerting/runner.ts'
import type { Alert, AlertSink } from '../../src/alerting/types.ts'
import { makeApp } from '../helpers/app.ts'
import { pct } from './lib.ts'

const { values } = parseArgs({
  options: {
    crossings: { type: 'string', default: '60' },
    debounce: { type: 'string', default: '50' },
    gap: { type: 'string', default: '100' },
  },
})
const crossings = Number(values.crossings)
const debounceMs = Number(values.debounce)
const gapMs = Number(values.gap)

/** WaitingSink resolves the waiter of the next fire or resolve. */
class WaitingSink implements AlertSink {
  next: { what: 'fire' | 'resolve'; done: (at: number) => void } | undefined
  async fire(_: Alert) {
    this.settle('fire')
  }
  async resolve(_: Alert) {
    this.settle('resolve')
  }
  wait(what: 'fire' | 'resolve'): Promise<number> {
    return new Promise((done) => (this.next = { what, done }))
  }
  private settle(what: 'fire' | 'resolve') {
    if (this.next?.what !== what) return
    const { done } = this.next
    this.next = undefined
    done(performance.now())
  }
}

const t = await makeApp()
const sink = new WaitingSink()
const evaluator = new RuleEvaluator({
  policies: t.policies,
  engine: t.engine,
  logs: t.logs,
  anomalies: t.anomalies,
  db: t.db,
  bus: t.bus,
  sink,
  now: Date.now,
  logger: t.logger,
  registry: t.metrics.registry,
  intervalMs: t.config.alerting.intervalMs,
  debounceMs,
})

async function request(path: string, body: unknown) {
  const res = await t.app.request(path, {
    method: 'POST',
    headers: { ...t.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`)
}

const rule = (name: string, expr: string) => ({
  apiVersion: 'vigil/v1',
  kind: 'AlertRule',
  metadata: { name },
  spec: { expr, for: '0s', severity: 'high' },
})
await request('/api/v1/policies', rule('bench-hot', 'max by (room) (bench_temperature) > 80'))
for (let i = 0; i < 20; i++) {
  await request('/api/v1/policies', rule(`bench-other-${i}`, `bench_other_${i} > 100`))
}
const controller = new AbortController()
const running = evaluator.run(controller.signal)
await Bun.sleep(200)

let ts = Date.now()
const sample = (value: number) => {
  ts = Math.max(ts + 1, Date.now())
  return request('/api/v1/ingest/metrics', {
    samples: [{ name: 'bench_temperature', labels: { room: 'a' }, value, ts }],
  })
}

const warmup = 3
const latencies: number[] = []
const cold: number[] = []
for (let i = 0; i < warmup + crossings; i++) {
  const fired = sink.wait('fire')
  const sent = performance.now()
  await sample(90)
  const took = (await fired) - sent
  if (i < warmup) cold.push(took)
  else latencies.push(took)
  const resolved = sink.wait('resolve')
  await sample(10)
  await resolved
  if (gapMs > 0) await Bun.sleep(gapMs)
}
controller.abort()
await running
t.close()

latencies.sort((a, b) => a - b)
console.log(
  `alerting: ${crossings} crossings of a for: 0s threshold, debounce ${debounceMs} ms, ${gapMs} ms after each resolve`,
)
console.log(`  warm-up crossings: ${cold.map((l) => l.toFixed(1)).join(', ')} ms`)
console.log(
  `  sample POST → sink.fire: median ${pct(latencies, 0.5).toFixed(1)} ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
)
