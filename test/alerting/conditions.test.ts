import { afterEach, describe, expect, it } from 'bun:test'
import { FindingsLedger } from '../../src/drift/findings-store.ts'
import type { Finding } from '../../src/drift/types.ts'
import { gaussian } from '../anomaly/series.ts'
import { line, post } from '../helpers/records.ts'
import { harness, postRule, samples, until, type Harness } from './setup.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.evaluator.stop()
  h?.t.close()
})

async function logs(h: Harness, list: ReturnType<typeof line>[]) {
  expect((await post(h.t, '/api/v1/ingest/logs', { logs: list })).status).toBe(200)
  await h.t.logs.drain()
}

const finding = (name: string, severity: Finding['severity'] = 'high'): Finding => ({
  key: `mismatch:${name}`,
  type: 'mismatch',
  severity,
  resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name },
  diffs: [],
  ownedElsewhere: [],
  revision: null,
  source: null,
})

describe('conditions', () => {
  it('logs: a count above the threshold per service, a glob over services, a rate', async () => {
    h = await harness()
    const { t, sink, evaluator } = h
    await postRule(t, 'api-errors', {
      logs: { service: 'api', level: 'error', count_above: 2, window: '5m' },
      annotations: { summary: '{{ $value }} errors in {{ $labels.service }}' },
    })
    await postRule(t, 'any-errors', {
      logs: { service: '*', level: 'error', count_above: 0, window: '5m' },
    })
    await postRule(t, 'chatty', { logs: { service: 'api', rate_above: 0.02, window: '5m' } })
    const err = (s: string) => line(s, 'db timeout', { level: 'error' })
    await logs(h, [err('api'), err('api'), err('api'), line('api', 'ok'), err('web')])
    await evaluator.reload()
    await evaluator.evaluateAll()
    const fired = (rule: string) => sink.of('fire', rule).map((a) => [a.labels.service, a.value])
    expect(fired('api-errors')).toEqual([['api', 3]])
    expect(sink.of('fire', 'api-errors')[0]!.annotations.summary).toBe('3 errors in api')
    expect(fired('any-errors').sort()).toEqual([
      ['api', 3],
      ['web', 1],
    ])
    // 4 lines in 300 s is 0.0133 per second: under 0.02.
    expect(fired('chatty')).toEqual([])
    await logs(h, [line('api', 'a'), line('api', 'b'), line('api', 'c')])
    await evaluator.evaluateAll()
    expect(fired('chatty')).toEqual([['api', 7 / 300]])
    expect(sink.of('fire', 'chatty')[0]!.source).toEqual({ kind: 'logs', query: 'api' })
    // Past the window the errors no longer count.
    h.clock.now += 6 * 60_000
    await evaluator.evaluateAll()
    expect(
      sink
        .of('resolve')
        .map((a) => a.rule)
        .sort(),
    ).toEqual(['any-errors', 'any-errors', 'api-errors', 'chatty'])
  })

  it('anomalies: a spike in an ingested series fires a group per series, with the anomaly ids', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'cpu-anomaly', {
      anomalies: {
        min_severity: 'low',
        selector: 'cpu_usage_percent{host="a"}',
        sustained_for: '15m',
      },
      annotations: { summary: 'anomaly on {{ $labels.host }}: {{ $value }}' },
    })
    const noise = gaussian(7)
    const start = clock.now - 60_000 - 399 * 10_000
    const list = Array.from({ length: 400 }, (_, i) => ({
      labels: { host: 'a' },
      value: i === 350 ? 95 : 50 + noise(),
      ts: start + i * 10_000,
    }))
    for (let i = 0; i < 400; i += 150) await samples(t, 'cpu_usage_percent', list.slice(i, i + 150))
    await t.anomalies.idle()
    await evaluator.reload()
    await evaluator.evaluateAll()
    const [alert, ...more] = sink.of('fire')
    expect(more).toHaveLength(0)
    expect(alert!.labels).toEqual({ host: 'a', series: 'cpu_usage_percent{host="a"}' })
    expect(alert!.annotations.summary).toBe('anomaly on a: 95')
    expect(alert!.source.kind).toBe('anomalies')
    expect(alert!.source.ids!.length).toBeGreaterThan(0)
    // The spike was 9 minutes before the clock: 15 minutes later it has aged out.
    clock.now += 15 * 60_000
    await evaluator.evaluateAll()
    expect(sink.of('resolve')).toHaveLength(1)
  })

  it('drift: open findings matching the globs, one group per resource; they resolve with the finding', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'shop-drift', {
      drift: { namespace: 'sho*', kind: 'Deploy*', min_severity: 'medium' },
      annotations: {
        summary: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} drifted',
      },
    })
    await evaluator.start()
    const ledger = new FindingsLedger(t.db.client)
    const opened = await ledger.sync(
      [
        { category: 'drift', finding: finding('web') },
        { category: 'drift', finding: finding('cache', 'low') },
      ],
      clock.now,
    )
    // As the scanner does: the bus wakes the rule, no interval needed.
    t.bus.publish('findings', { opened: opened.opened, resolved: [] })
    await until(() => sink.of('fire').length > 0)
    const [alert] = sink.of('fire')
    expect(alert!.labels).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' })
    expect(alert!.annotations.summary).toBe('Deployment shop/web drifted')
    expect(alert!.source).toEqual({
      kind: 'drift',
      ids: [opened.opened.find((f) => f.resource.name === 'web')!.id],
    })
    const resolved = await ledger.sync([], clock.now + 1000)
    t.bus.publish('findings', { opened: [], resolved: resolved.resolved })
    await until(() => sink.of('resolve').length > 0)
    expect(sink.of('resolve')[0]!.labels.name).toBe('web')
  })
})
