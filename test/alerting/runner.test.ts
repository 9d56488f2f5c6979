import { afterEach, describe, expect, it } from 'bun:test'
import type { Alert, AlertSink } from '../../src/alerting/types.ts'
import { post } from '../helpers/records.ts'
import { harness, postRule, samples, until, type Harness } from './setup.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.evaluator.stop()
  h?.t.close()
})

const syncFailed = (app: string, subject = `app/${app}`) => ({
  source: 'argocd',
  kind: 'SyncFailed',
  severity: 'error',
  subject,
  message: `sync of ${app} failed`,
  attributes: { app, cluster: 'prod' },
})

async function events(h: Harness, list: unknown[]) {
  expect((await post(h.t, '/api/v1/ingest/events', { events: list })).status).toBe(200)
}

/** IncidentBook is a sink such as incidents will be: one entry per fingerprint, episodes counted. */
class IncidentBook implements AlertSink {
  readonly open = new Map<string, { since: number; seen: number; episodes: number; last: Alert }>()
  readonly closed: Alert[] = []

  async fire(alert: Alert) {
    const known = this.open.get(alert.fingerprint)
    if (known && known.since === alert.since) {
      known.seen++
      known.last = alert
      return
    }
    this.open.set(alert.fingerprint, {
      since: alert.since,
      seen: 1,
      episodes: (known?.episodes ?? 0) + 1,
      last: alert,
    })
  }

  async resolve(alert: Alert) {
    this.open.delete(alert.fingerprint)
    this.closed.push(alert)
  }
}

describe('RuleEvaluator', () => {
  it('an event condition fires as the event arrives, without waiting for the interval', async () => {
    h = await harness(undefined, { intervalMs: 60_000, debounceMs: 50 })
    const { t, sink, evaluator } = h
    await postRule(t, 'sync-failed', {
      events: {
        source: 'argo*',
        kind: 'SyncFailed',
        severity: 'warning',
        attributes: { app: 'shop*' },
      },
      annotations: { summary: '{{ $labels.subject }} failed {{ $value }} time(s)' },
    })
    await evaluator.start()
    await events(h, [syncFailed('billing'), { ...syncFailed('shop'), severity: 'info' }])
    await Bun.sleep(80)
    expect(sink.of('fire')).toEqual([])
    const sent = performance.now()
    await events(h, [syncFailed('shop-web')])
    await until(() => sink.of('fire').length > 0, 1000)
    const took = sink.calls[0]!.at - sent
    expect(took).toBeLessThan(100)
    expect(sink.of('fire')[0]).toMatchObject({
      labels: { source: 'argocd', kind: 'SyncFailed', subject: 'app/shop-web' },
      annotations: { summary: 'app/shop-web failed 1 time(s)' },
      source: { kind: 'events' },
      value: 1,
    })
  })

  it('an event condition resolves at the first evaluation with no matching event in the interval', async () => {
    h = await harness(undefined, { intervalMs: 60_000 })
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'sync-failed', { events: { kind: 'SyncFailed' }, group_by: ['cluster'] })
    await evaluator.start()
    await events(h, [syncFailed('a'), syncFailed('b')])
    await until(() => sink.of('fire').length > 0)
    // group_by reaches into the attributes: both apps fold into one alert for the cluster.
    expect(sink.of('fire').map((a) => [a.labels, a.value])).toEqual([[{ cluster: 'prod' }, 2]])
    clock.now += 30_000
    await evaluator.evaluateAll()
    expect(sink.of('resolve')).toEqual([])
    clock.now += 31_000
    await evaluator.evaluateAll()
    expect(sink.of('resolve').map((a) => a.labels)).toEqual([{ cluster: 'prod' }])
  })

  it('a metrics rule with for 0 fires within well under a second of the sample crossing, via the bus', async () => {
    h = await harness(undefined, { intervalMs: 60_000 })
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'hot', { expr: 'temperature_celsius > 80' })
    await postRule(t, 'other', { expr: 'unrelated_metric > 0' })
    await evaluator.start()
    await samples(t, 'temperature_celsius', [
      { labels: { room: 'a' }, value: 20, ts: clock.now - 1000 },
    ])
    await Bun.sleep(40)
    expect(sink.calls).toEqual([])
    const sent = performance.now()
    await samples(t, 'temperature_celsius', [{ labels: { room: 'a' }, value: 85, ts: clock.now }])
    await until(() => sink.of('fire').length > 0, 1000)
    expect(sink.calls[0]!.at - sent).toBeLessThan(500)
    expect(sink.of('fire').map((a) => [a.rule, a.labels])).toEqual([['hot', { room: 'a' }]])
  })

  it('a changed condition resolves the old alerts; a changed annotation keeps the episode', async () => {
    h = await harness()
    const { t, sink, evaluator, clock } = h
    await postRule(t, 'hot', { expr: 'temperature_celsius > 80', annotations: { summary: 'v1' } })
    await samples(t, 'temperature_celsius', [{ labels: { room: 'a' }, value: 90, ts: clock.now }])
    await evaluator.reload()
    await evaluator.evaluateAll()
    const since = sink.of('fire')[0]!.since
    const put = (spec: Record<string, unknown>) =>
      t.app.request('/api/v1/policies/AlertRule/hot', {
        method: 'PUT',
        headers: { ...t.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'vigil/v1',
          kind: 'AlertRule',
          metadata: { name: 'hot' },
          spec: { severity: 'high', ...spec },
        }),
      })
    expect(
      (await put({ expr: 'temperature_celsius > 80', annotations: { summary: 'v2' } })).status,
    ).toBe(200)
    clock.now += 15_000
    await evaluator.reload()
    await evaluator.evaluateAll()
    expect(sink.of('fire').map((a) => [a.annotations.summary, a.since])).toEqual([
      ['v1', since],
      ['v2', since],
    ])
    expect(sink.of('resolve')).toEqual([])
    expect((await put({ expr: 'temperature_celsius > 85' })).status).toBe(200)
    clock.now += 15_000
    await evaluator.reload()
    expect(sink.of('resolve').map((a) => a.since)).toEqual([since])
    await evaluator.evaluateAll()
    expect(sink.of('fire').at(-1)!.since).toBe(clock.now)
  })

  it('end to end into an incident-like sink: one entry per fingerprint, repeats counted, a new episode after resolve', async () => {
    const book = new IncidentBook()
    h = await harness(undefined, { sink: book })
    const { t, evaluator, clock } = h
    await postRule(t, 'hot', {
      expr: 'max by (room) (temperature_celsius) > 80',
      keep_firing_for: '30s',
    })
    await evaluator.reload()
    const round = async (value: number) => {
      await samples(t, 'temperature_celsius', [{ labels: { room: 'a' }, value, ts: clock.now }])
      await evaluator.evaluateAll()
      clock.now += 15_000
    }
    for (const v of [90, 91, 92]) await round(v)
    expect([...book.open.values()].map((i) => [i.seen, i.episodes, i.last.value])).toEqual([
      [3, 1, 92],
    ])
    // Below the threshold, kept firing for 30 s, then resolved.
    for (const v of [10, 10]) await round(v)
    expect(book.open.size).toBe(1)
    await round(10)
    expect(book.open.size).toBe(0)
    expect(book.closed.map((a) => a.labels)).toEqual([{ room: 'a' }])
    await round(95)
    expect([...book.open.values()].map((i) => [i.seen, i.episodes])).toEqual([[1, 1]])
    expect(book.open.keys().next().value).toBe(book.closed[0]!.fingerprint)
  })
})
