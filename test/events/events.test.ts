import { afterEach, describe, expect, it, test } from 'bun:test'
import { loadConfig } from '../../src/config.ts'
import { eventLimits, normalizeSeverity, validateEvent } from '../../src/events/normalize.ts'
import { recordRejectReasons } from '../../src/ingest/record.ts'
import { rejectReasons } from '../../src/metrics/validate.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { counter, get, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

let clock = Date.parse('2026-11-22T10:00:00Z')
const start = clock
const limits = eventLimits(loadConfig({}, {}))

type Page = {
  events: { id: number; ts: string; source: string; kind: string; severity: string }[]
  has_more: boolean
  next_cursor: string | null
}

const deploy = {
  source: 'argocd',
  kind: 'deploy',
  severity: 'info',
  subject: 'deploy/api',
  message: 'api v1.2 rolled out',
  attributes: { version: '1.2' },
}

async function setup(env: Record<string, string> = {}) {
  clock = start
  t = await makeApp({ now: () => clock, env })
  return t
}

describe('events normalize', () => {
  test.each([
    ['Normal', 'info'],
    ['Warning', 'warning'],
    ['WARN', 'warning'],
    ['err', 'error'],
    ['CRITICAL', 'critical'],
    ['fatal', 'critical'],
    [undefined, 'info'],
  ])('normalizeSeverity(%p) returns %p', (input, expected) => {
    expect(normalizeSeverity(input)).toBe(expected as never)
  })

  test.each([
    [{ ...deploy, severity: 'apocalyptic' }, 'invalid_severity'],
    [{ ...deploy, source: undefined }, 'missing_source'],
    [{ ...deploy, kind: 'has space' }, 'invalid_kind'],
    [{ ...deploy, attributes: [1] }, 'invalid_attributes'],
    [{ ...deploy, attributes: { big: 'x'.repeat(20_000) } }, 'attributes_too_large'],
    [{ ...deploy, subject: 's'.repeat(2000) }, 'subject_too_long'],
    [{ ...deploy, ts: start - 31 * 86_400_000 }, 'too_old'],
    [{ ...deploy, ts: 'soon' }, 'invalid_timestamp'],
  ])('validateEvent(%j) refuses with reason %s', (raw, reason) => {
    const result = validateEvent(raw, start, limits)
    expect(!result.ok && result.reason).toBe(reason)
    expect([...recordRejectReasons, ...rejectReasons]).toContain(reason)
  })
})

describe('events routes', () => {
  it('POST /api/v1/ingest/events stores events; GET /api/v1/events filters them', async () => {
    const app = await setup()
    const res = await post(app, '/api/v1/ingest/events', {
      events: [
        deploy,
        { source: 'kubernetes', kind: 'BackOff', severity: 'Warning', subject: 'pod/api-1' },
        { ...deploy, severity: 'nope' },
      ],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 1 })
    expect(await counter(app, 'vigil_ingest_rejected_total{reason="invalid_severity"}')).toBe(1)
    await app.events.drain()
    const all = (await get<Page>(app, '/api/v1/events')).body
    expect(all.events.map((e) => [e.source, e.kind, e.severity])).toEqual([
      // Same time: the later one first.
      ['kubernetes', 'BackOff', 'warning'],
      ['argocd', 'deploy', 'info'],
    ])
    expect(all.events[0]!.ts).toBe('2026-11-22T10:00:00.000Z')
    const k8s = (await get<Page>(app, '/api/v1/events?source=kubernetes&severity=Warning')).body
    expect(k8s.events.map((e) => e.kind)).toEqual(['BackOff'])
    expect((await get(app, '/api/v1/events?severity=loud')).status).toBe(400)
    expect((await get(app, '/api/v1/events?since=yesterday')).status).toBe(400)
  })

  it('answers 400 when no event is valid and for a malformed body', async () => {
    const app = await setup()
    expect((await post(app, '/api/v1/ingest/events', { events: [{}] })).status).toBe(400)
    const res = await post(app, '/api/v1/ingest/events', { nope: [] })
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('malformed_body')
  })

  it('pages never skip or repeat an event while events arrive between pages', async () => {
    const app = await setup()
    const events = Array.from({ length: 120 }, (_, i) => ({
      ...deploy,
      ts: start - (i % 7) * 1000,
    }))
    await post(app, '/api/v1/ingest/events', { events })
    await app.events.drain()
    const expected = new Set(
      (await app.db.client.execute('SELECT id FROM events')).rows.map((r) => Number(r.id)),
    )
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: Page = (
        await get<Page>(app, `/api/v1/events?limit=25${cursor ? `&cursor=${cursor}` : ''}`)
      ).body
      seen.push(...page.events.map((e) => e.id))
      cursor = page.next_cursor
      await post(app, '/api/v1/ingest/events', { events: events.slice(0, 10) })
      await app.events.drain()
    } while (cursor)
    expect(seen.length).toBe(new Set(seen).size)
    expect(new Set(seen)).toEqual(expected)
  })

  it('enforceRetention() removes events older than VIGIL_EVENTS_RETENTION', async () => {
    const app = await setup({ VIGIL_EVENTS_RETENTION: '1d' })
    await post(app, '/api/v1/ingest/events', {
      events: [
        { ...deploy, ts: start - 20 * 3600_000 },
        { ...deploy, message: 'new', ts: start },
      ],
    })
    await app.events.drain()
    clock = start + 6 * 3600_000
    expect(await app.events.enforceRetention()).toBe(1)
    expect((await get<Page>(app, '/api/v1/events')).body.events.length).toBe(1)
  })
})
