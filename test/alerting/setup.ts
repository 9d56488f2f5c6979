/** A test app with a rule evaluator that feeds a recording sink, and helpers to post rules and data. */
import { expect } from 'bun:test'
import { RuleEvaluator } from '../../src/alerting/runner.ts'
import type { Alert, AlertSink } from '../../src/alerting/types.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { post } from '../helpers/records.ts'

/** RecordingSink keeps every alert it is handed, in order. */
export class RecordingSink implements AlertSink {
  readonly calls: { what: 'fire' | 'resolve'; alert: Alert; at: number }[] = []

  async fire(alert: Alert): Promise<void> {
    this.calls.push({ what: 'fire', alert, at: performance.now() })
  }

  async resolve(alert: Alert): Promise<void> {
    this.calls.push({ what: 'resolve', alert, at: performance.now() })
  }

  /** of lists the alerts of one kind of call, optionally of one rule. */
  of(what: 'fire' | 'resolve', rule?: string): Alert[] {
    return this.calls
      .filter((c) => c.what === what && (rule === undefined || c.alert.rule === rule))
      .map((c) => c.alert)
  }

  clear(): void {
    this.calls.length = 0
  }
}

/** Harness is a test app, its clock, a sink and an evaluator over them. */
export interface Harness {
  t: TestApp
  sink: RecordingSink
  evaluator: RuleEvaluator
  clock: { now: number }
}

/** harness builds an app at a settable clock with an evaluator (not started) over it. */
export async function harness(
  start = Date.parse('2026-11-22T10:00:00Z'),
  options: { intervalMs?: number; debounceMs?: number; sink?: AlertSink } = {},
): Promise<Harness> {
  const clock = { now: start }
  const now = () => clock.now
  const t = await makeApp({ now })
  const sink = new RecordingSink()
  const evaluator = new RuleEvaluator({
    policies: t.policies,
    engine: t.engine,
    logs: t.logs,
    anomalies: t.anomalies,
    db: t.db,
    bus: t.bus,
    sink: options.sink ?? sink,
    now,
    logger: t.logger,
    registry: t.metrics.registry,
    intervalMs: options.intervalMs ?? 60_000,
    debounceMs: options.debounceMs ?? 10,
  })
  return { t, sink, evaluator, clock }
}

/** postRule stores an AlertRule through the API. */
export async function postRule(t: TestApp, name: string, spec: Record<string, unknown>) {
  const res = await post(t, '/api/v1/policies', {
    apiVersion: 'vigil/v1',
    kind: 'AlertRule',
    metadata: { name },
    spec: { severity: 'high', ...spec },
  })
  expect(res.status).toBe(201)
}

/** samples ingests samples of one metric through the API. */
export async function samples(
  t: TestApp,
  name: string,
  list: { labels: Record<string, string>; value: number; ts: number }[],
) {
  const res = await post(t, '/api/v1/ingest/metrics', {
    samples: list.map((s) => ({ name, ...s })),
  })
  expect(res.status).toBe(200)
}

/** until polls `check` every few ms until it holds or `ms` pass. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out waiting')
    await Bun.sleep(2)
  }
}
