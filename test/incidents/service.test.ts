import { afterEach, describe, expect, it } from 'bun:test'
import type { IncidentChange } from '../../src/incidents/index.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { counter } from '../helpers/records.ts'
import { alert, Clock, t0 } from './alerts.ts'

const minute = 60_000
let t: TestApp
let clock: Clock
let changes: IncidentChange[]

async function setup(env: Record<string, string> = {}) {
  clock = new Clock()
  t = await makeApp({ env, now: clock.now })
  changes = []
  t.bus.subscribe('incidents', (c) => changes.push(c))
}
afterEach(() => t.close())

async function all() {
  const res = await t.app.request('/api/v1/incidents', { headers: t.headers })
  return ((await res.json()) as { incidents: Record<string, any>[] }).incidents
}

async function kinds(id: number) {
  return (await t.incidents.timeline(id)).map((e) => e.kind)
}

describe('IncidentService', () => {
  it('fire() opens a triggered incident with the rule, labels, value and source', async () => {
    await setup()
    await t.incidents.fire(alert())
    const [i] = await all()
    expect(i).toMatchObject({
      status: 'triggered',
      rule: 'high-cpu',
      title: 'CPU at 97% on web-1',
      severity: 'high',
      count: 1,
      value: 97,
      labels: { host: 'web-1' },
      source: { kind: 'metrics' },
      started_at: new Date(t0).toISOString(),
    })
    expect(await kinds(i!.id)).toEqual(['triggered'])
    expect(changes.map((c) => c.kind)).toEqual(['triggered'])
  })

  it('fire() with the same since updates last seen and the value only', async () => {
    await setup()
    await t.incidents.fire(alert())
    await t.incidents.fire(alert({ at: clock.advance(minute), value: 99 }))
    const list = await all()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      count: 1,
      value: 99,
      last_seen_at: new Date(t0 + minute).toISOString(),
    })
    expect(await kinds(list[0]!.id)).toEqual(['triggered'])
    expect(changes).toHaveLength(1)
  })

  it('fire() with a new since while open counts a repeat', async () => {
    await setup()
    await t.incidents.fire(alert())
    const since = clock.advance(5 * minute)
    await t.incidents.fire(alert({ at: since, since }))
    const list = await all()
    expect(list).toHaveLength(1)
    expect(list[0]!.count).toBe(2)
    expect(await kinds(list[0]!.id)).toEqual(['triggered', 'repeated'])
  })

  it('resolve() resolves the open incident as the rule', async () => {
    await setup()
    await t.incidents.fire(alert())
    await t.incidents.resolve(alert({ state: 'resolved', at: clock.advance(minute) }))
    const [i] = await all()
    expect(i).toMatchObject({ status: 'resolved', resolved_by: 'rule:high-cpu' })
    expect(await kinds(i!.id)).toEqual(['triggered', 'resolved'])
  })

  it('resolve() leaves the incident open with a note when auto-resolve is off', async () => {
    await setup({ VIGIL_INCIDENT_AUTO_RESOLVE: 'false' })
    await t.incidents.fire(alert())
    await t.incidents.resolve(alert({ state: 'resolved', at: clock.advance(minute) }))
    const [i] = await all()
    expect(i!.status).toBe('triggered')
    const timeline = await t.incidents.timeline(i!.id)
    expect(timeline.at(-1)).toMatchObject({ kind: 'note', actor: 'rule:high-cpu' })
    expect(timeline.at(-1)!.message).toContain('auto-resolve is off')
  })

  it('fire() after a resolve within the reopen window reopens the same incident', async () => {
    await setup()
    await t.incidents.fire(alert())
    await t.incidents.resolve(alert({ at: clock.advance(minute) }))
    const since = clock.advance(30 * minute)
    await t.incidents.fire(alert({ at: since, since }))
    const list = await all()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'triggered',
      reopened_count: 1,
      count: 2,
      resolved_at: null,
    })
    expect(list[0]!.started_at).toBe(new Date(since).toISOString())
    expect(await kinds(list[0]!.id)).toEqual(['triggered', 'resolved', 'reopened'])
  })

  it('fire() after the reopen window opens a new incident', async () => {
    await setup({ VIGIL_INCIDENT_REOPEN_WINDOW: '10m' })
    await t.incidents.fire(alert())
    await t.incidents.resolve(alert({ at: clock.advance(minute) }))
    const since = clock.advance(11 * minute)
    await t.incidents.fire(alert({ at: since, since }))
    const list = await all()
    expect(list.map((i) => i.status)).toEqual(['triggered', 'resolved'])
  })

  it('fire() keeps one incident per fingerprint and another for another fingerprint', async () => {
    await setup()
    await t.incidents.fire(alert())
    await t.incidents.fire(alert({ fingerprint: 'fp-high-cpu-web-2', labels: { host: 'web-2' } }))
    await t.incidents.fire(alert())
    expect((await all()).map((i) => i.labels.host)).toEqual(['web-2', 'web-1'])
  })

  it('fire() run concurrently for one fingerprint opens one incident', async () => {
    await setup()
    await Promise.all([1, 2, 3, 4].map(() => t.incidents.fire(alert())))
    expect(await all()).toHaveLength(1)
  })

  it('counts changes and open incidents in its metrics', async () => {
    await setup()
    await t.incidents.fire(alert())
    await t.incidents.fire(alert({ fingerprint: 'fp-2', severity: 'critical' }))
    await t.incidents.resolve(alert({ fingerprint: 'fp-2' }))
    expect(await counter(t, 'vigil_incidents_changes_total{kind="triggered"}')).toBe(2)
    expect(await counter(t, 'vigil_incidents_changes_total{kind="resolved"}')).toBe(1)
    expect(await counter(t, 'vigil_incidents_open{status="triggered",severity="high"}')).toBe(1)
  })
})
