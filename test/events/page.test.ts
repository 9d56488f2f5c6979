import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, bearer, login } from '../helpers/auth.ts'
import { post } from '../helpers/records.ts'

const now = Date.parse('2026-11-22T10:00:00Z')
let t: TestApp

async function page(path: string, headers: Record<string, string> = t.headers) {
  const res = await t.app.request(path, { headers })
  return { status: res.status, html: await res.text() }
}

const deploy = (i: number) => ({
  ts: now - (120 - i) * 60_000,
  source: 'argocd',
  kind: 'deploy',
  severity: 'info',
  subject: 'deploy/api',
  message: `api v1.${i} rolled out`,
  attributes: { version: `1.${i}` },
})

beforeAll(async () => {
  t = await makeApp({ now: () => now })
  const events: Record<string, unknown>[] = Array.from({ length: 110 }, (_, i) => deploy(i))
  events.push({
    ...deploy(119),
    source: 'kubernetes',
    kind: 'restart',
    severity: 'error',
    subject: 'pod/web-1',
    message: 'OOMKilled <img src=x onerror=alert(1)>',
    attributes: { reason: '<b>OOM</b>', restarts: 3 },
  })
  expect((await post(t, '/api/v1/ingest/events', { events })).status).toBe(200)
  await t.events.drain()
})
afterAll(() => t.close())

describe('events page', () => {
  it('GET /dashboard/events shows the newest 100 events first with their attributes', async () => {
    const { status, html } = await page('/dashboard/events')
    expect(status).toBe(200)
    expect(html).toContain('<h1>Events</h1>')
    expect(html).toContain('aria-current="page">Events')
    expect(html.match(/<li class="event"/g)).toHaveLength(100)
    expect(html.indexOf('pod/web-1')).toBeLessThan(html.indexOf('api v1.109 rolled out'))
    expect(html).toContain('OOMKilled &lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&quot;reason&quot;: &quot;&lt;b&gt;OOM&lt;/b&gt;&quot;')
    expect(html).toMatch(/hx-get="\/dashboard\/events\?since=24h&amp;start=\d+&amp;cursor=/)
  })

  it('"load older" with HX-Request returns only the next items', async () => {
    const first = await page('/dashboard/events')
    const next = /hx-get="([^"]+)"/.exec(first.html)![1]!.replaceAll('&amp;', '&')
    const { status, html } = await page(next, { ...t.headers, 'HX-Request': 'true' })
    expect(status).toBe(200)
    expect(html).toStartWith('<li class="event"')
    expect(html).not.toContain('<html')
    expect(html.match(/<li class="event"/g)).toHaveLength(11)
    expect(html).not.toContain('Load older')
  })

  it('filters by source, kind and severity, keeping them in the URL', async () => {
    const { html } = await page('/dashboard/events?source=kubernetes&severity=error')
    expect(html.match(/<li class="event"/g)).toHaveLength(1)
    expect(html).toContain('value="kubernetes"')
    expect(html).toContain('<option value="error" selected="">error</option>')
  })

  it('says when no events match, and how events arrive', async () => {
    const { html } = await page('/dashboard/events?kind=config&since=15m')
    expect(html).toContain('No events match these filters in the last 15m.')
    expect(html).toContain('POST /api/v1/ingest/events')
  })

  it('shows a bad cursor as an error with a 400', async () => {
    const { status, html } = await page('/dashboard/events?cursor=nope')
    expect(status).toBe(400)
    expect(html).toContain('cursor: must be a next_cursor from a previous page')
  })

  it('audits one read per page load for a signed-in person', async () => {
    await addUser(t, 'ops', 'operator')
    const session = await login(t, 'ops', 'correct-horse-battery')
    await page('/dashboard/events?source=argocd', { Cookie: session.cookie })
    const { entries } = await t.audit.list({ actor: 'ops', action: 'events.query', limit: 10 })
    expect(entries).toHaveLength(1)
    expect(entries[0]!.details).toMatchObject({ source: 'argocd', returned: 100 })
  })

  it('needs events:read: 401 without credentials, 403 without the scope', async () => {
    expect((await page('/dashboard/events', { Accept: 'application/json' })).status).toBe(401)
    expect((await page('/dashboard/events', await bearer(t, ['logs:read']))).status).toBe(403)
    expect((await page('/dashboard/events', await bearer(t, ['events:read']))).status).toBe(200)
  })
})
