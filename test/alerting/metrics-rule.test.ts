import { afterEach, describe, expect, it } from 'bun:test'
import { counter } from '../helpers/records.ts'
import { harness, postRule, samples, type Harness } from './setup.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.evaluator.stop()
  h?.t.close()
})

const cpuRule = {
  expr: 'avg by (host) (cpu_usage_percent) > 90',
  labels: { service: 'web' },
  annotations: { summary: 'CPU at {{ $value }}% on {{ $labels.host }}' },
  notify: ['ops-webhook'],
}

describe('RuleEvaluator with a metrics rule', () => {
  it('fires the series over the threshold, again while firing with the same since, then resolves once', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'high-cpu', cpuRule)
    const at = clock.now - 1000
    await samples(t, 'cpu_usage_percent', [
      { labels: { host: 'a' }, value: 95.123456, ts: at },
      { labels: { host: 'b' }, value: 50, ts: at },
    ])
    await evaluator.reload()
    await evaluator.evaluateAll()
    const [alert, ...more] = sink.of('fire')
    expect(more).toHaveLength(0)
    expect(alert).toMatchObject({
      rule: 'high-cpu',
      state: 'firing',
      severity: 'high',
      labels: { host: 'a', service: 'web' },
      annotations: { summary: 'CPU at 95.12% on a' },
      value: 95.123456,
      source: { kind: 'metrics', query: cpuRule.expr },
      notify: ['ops-webhook'],
      at: clock.now,
      since: clock.now,
    })
    const since = clock.now
    clock.now += 15_000
    await evaluator.evaluateAll()
    expect(sink.of('fire').map((a) => [a.fingerprint, a.since, a.at])).toEqual([
      [alert!.fingerprint, since, since],
      [alert!.fingerprint, since, clock.now],
    ])
    expect(t.policies.status.get('AlertRule', 'high-cpu')).toMatchObject({
      status: 'firing',
      matches: 1,
      lastEvalAt: clock.now,
    })
    expect(await counter(t, 'vigil_alerting_alerts_firing')).toBe(1)
    await samples(t, 'cpu_usage_percent', [{ labels: { host: 'a' }, value: 10, ts: clock.now }])
    clock.now += 15_000
    await evaluator.evaluateAll()
    clock.now += 15_000
    await evaluator.evaluateAll()
    const resolved = sink.of('resolve')
    expect(resolved.map((a) => [a.fingerprint, a.state, a.since, a.value])).toEqual([
      [alert!.fingerprint, 'resolved', since, 95.123456],
    ])
    expect(t.policies.status.get('AlertRule', 'high-cpu')).toMatchObject({
      status: 'ok',
      matches: 0,
    })
    expect(await counter(t, 'vigil_alerting_evaluations_total{kind="expr",outcome="firing"}')).toBe(
      2,
    )
    expect(await counter(t, 'vigil_alerting_alerts_firing')).toBe(0)
  })

  it('an expression without a comparison fires whenever it returns a series; group_by merges groups', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'any-restart', { expr: 'restarts_total', group_by: ['zone'] })
    await samples(t, 'restarts_total', [
      { labels: { pod: 'a', zone: 'eu' }, value: 1, ts: clock.now - 1000 },
      { labels: { pod: 'b', zone: 'eu' }, value: 3, ts: clock.now - 1000 },
    ])
    await evaluator.reload()
    await evaluator.evaluateAll()
    expect(sink.of('fire').map((a) => [a.labels, a.value])).toEqual([[{ zone: 'eu' }, 3]])
  })

  it('waits for `for`, and a rule deleted while firing resolves its alerts', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'slow', { ...cpuRule, for: '1m' })
    await samples(t, 'cpu_usage_percent', [{ labels: { host: 'a' }, value: 99, ts: clock.now }])
    await evaluator.reload()
    await evaluator.evaluateAll()
    expect(evaluator.states('slow').map((s) => s.state)).toEqual(['pending'])
    clock.now += 60_000
    await samples(t, 'cpu_usage_percent', [{ labels: { host: 'a' }, value: 99, ts: clock.now }])
    await evaluator.evaluateAll()
    expect(sink.of('fire')).toHaveLength(1)
    await evaluator.start()
    const res = await t.app.request('/api/v1/policies/AlertRule/slow', {
      method: 'DELETE',
      headers: t.headers,
    })
    expect(res.status).toBe(200)
    await evaluator.reload()
    expect(sink.of('resolve').map((a) => [a.rule, a.labels.host])).toEqual([['slow', 'a']])
    expect(evaluator.firing()).toBe(0)
  })

  it('a rule that fails at run time reports error with the message; the others carry on', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'broken', { expr: 'time()' })
    await postRule(t, 'high-cpu', cpuRule)
    await samples(t, 'cpu_usage_percent', [{ labels: { host: 'a' }, value: 99, ts: clock.now }])
    await evaluator.reload()
    await evaluator.evaluateAll()
    expect(t.policies.status.get('AlertRule', 'broken')).toMatchObject({
      status: 'error',
      message: 'the expression returns a scalar, not an instant vector',
      lastEvalAt: clock.now,
    })
    expect(sink.of('fire').map((a) => a.rule)).toEqual(['high-cpu'])
    expect(await counter(t, 'vigil_alerting_evaluations_total{kind="expr",outcome="error"}')).toBe(
      1,
    )
    // The policies page (as JSON for an API client) shows what the evaluator reported.
    const page = await t.app.request('/ui/policies', { headers: t.headers })
    const { policies } = (await page.json()) as { policies: Record<string, unknown>[] }
    expect(policies.map((p) => [p.name, p.status, p.matches, p.message])).toEqual([
      ['broken', 'error', 0, 'the expression returns a scalar, not an instant vector'],
      ['high-cpu', 'firing', 1, null],
    ])
  })
})
