import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, login, origin, type Session } from '../helpers/auth.ts'
import { alert, Clock } from './alerts.ts'

let t: TestApp
let admin: Session
let developer: Session
const clock = new Clock()

beforeAll(async () => {
  t = await makeApp({ now: clock.now })
  await addUser(t, 'ada', 'operator')
  await addUser(t, 'dev', 'developer')
  admin = await login(t, 'ada', 'correct-horse-battery')
  developer = await login(t, 'dev', 'correct-horse-battery')
})
afterAll(() => t.close())

const page = async (path: string, s = admin) =>
  t.app.request(path, { headers: { Cookie: s.cookie } })

function form(path: string, fields: Record<string, string>, s = admin) {
  return t.app.request(path, {
    method: 'POST',
    headers: {
      Cookie: s.cookie,
      Origin: origin,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...fields }),
  })
}

async function newest(): Promise<number> {
  const res = await t.app.request('/api/v1/incidents?limit=1', { headers: t.headers })
  return ((await res.json()) as { incidents: { id: number }[] }).incidents[0]!.id
}

describe('incident pages', () => {
  it('lists incidents with filters and links each to its page', async () => {
    await t.incidents.fire(alert({ fingerprint: 'fp-page', severity: 'critical' }))
    const id = await newest()
    const html = await (await page('/dashboard/incidents')).text()
    expect(html).toContain(`href="/dashboard/incidents/${id}"`)
    expect(html).toContain('CPU at 97% on web-1')
    expect(html).toContain('data-stream="/dashboard/incidents/stream"')
    expect(html).toContain('/static/incidents.js')
    expect(html).toContain('href="/dashboard/silences"')
    const none = await (await page('/dashboard/incidents?status=resolved')).text()
    expect(none).toContain('id="no-incidents"')
  })

  it('shows the timeline, labels and a link to the chart that fired it', async () => {
    const id = await newest()
    const html = await (await page(`/dashboard/incidents/${id}`)).text()
    expect(html).toContain('id="incident-timeline"')
    expect(html).toContain('/dashboard/metrics?query=avg+by+%28host%29')
    expect(html).toContain('id="incident-ack"')
    expect(html).toContain(`href="/dashboard/silences?incident=${id}"`)
  })

  it('acknowledges and resolves through the forms, and shows why a refused change was refused', async () => {
    const id = await newest()
    const ack = await form(`/dashboard/incidents/${id}/ack`, {})
    expect(ack.status).toBe(303)
    expect(ack.headers.get('location')).toBe(`/dashboard/incidents/${id}`)
    const again = await form(`/dashboard/incidents/${id}/ack`, {})
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('already acknowledged (by ada)')
    expect((await form(`/dashboard/incidents/${id}/notes`, { text: 'on it' })).status).toBe(303)
    expect((await form(`/dashboard/incidents/${id}/resolve`, {})).status).toBe(303)
    const html = await (await page(`/dashboard/incidents/${id}`)).text()
    expect(html).toContain('Resolved by ada')
    expect(html).toContain('on it')
    const audit = (await t.audit.list({ limit: 50 })).entries.filter((e) => e.target === String(id))
    expect(audit.map((e) => `${e.action} ${e.actor}`)).toContain('incident.acknowledge ada')
  })

  it('refuses a form without the CSRF token', async () => {
    const id = await newest()
    const res = await t.app.request(`/dashboard/incidents/${id}/notes`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'x' }),
    })
    expect(res.status).toBe(403)
  })

  it('shows a reader no buttons and refuses their changes', async () => {
    const id = await newest()
    const html = await (await page(`/dashboard/incidents/${id}`, developer)).text()
    expect(html).toContain('id="incident-timeline"')
    expect(html).not.toContain('id="incident-note"')
    expect((await form(`/dashboard/incidents/${id}/notes`, { text: 'x' }, developer)).status).toBe(
      403,
    )
  })

  it('prefills a silence from an incident, creates it and expires it', async () => {
    await t.incidents.fire(alert({ fingerprint: 'fp-silence-page', labels: { service: 'mail' } }))
    const id = await newest()
    const prefilled = await (await page(`/dashboard/silences?incident=${id}`)).text()
    expect(prefilled).toContain('service=&quot;mail&quot;')
    const bad = await form('/dashboard/silences', {
      matchers: 'service=~(',
      comment: 'x',
      duration: '1h',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('invalid regex')
    const ok = await form('/dashboard/silences', {
      matchers: 'service="mail"',
      comment: 'mail move',
      duration: '1h',
    })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('mail move')
    const detail = await (
      await t.app.request(`/api/v1/incidents/${id}`, { headers: t.headers })
    ).json()
    expect((detail as { incident: { silenced: boolean } }).incident.silenced).toBe(true)
    const list = (await (
      await t.app.request('/api/v1/silences', { headers: t.headers })
    ).json()) as {
      silences: { id: number }[]
    }
    const expire = await form(`/dashboard/silences/${list.silences[0]!.id}/expire`, {})
    expect(expire.status).toBe(303)
    const after = await (await page('/dashboard/silences')).text()
    expect(after).toContain('data-state="expired"')
  })

  it('streams a change as an SSE event', async () => {
    const res = await page('/dashboard/incidents/stream')
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    expect(text).toContain(': connected')
    await t.incidents.fire(alert({ fingerprint: 'fp-stream' }))
    const id = await newest()
    while (!text.includes('event: incident')) text += decoder.decode((await reader.read()).value)
    expect(text).toContain(`"id":${id}`)
    // At shutdown the feed ends, so draining the server does not wait for it.
    t.incidents.closeStreams()
    for (;;) if ((await reader.read()).done) break
  })

  it('shows what fired it: the chart of an expression, the diffs of drift findings', async () => {
    await t.incidents.fire(alert({ fingerprint: 'fp-chart', since: clock.now() }))
    const chart = await (await page(`/dashboard/incidents/${await newest()}`)).text()
    expect(chart).toContain('data-query="avg by (host) (node_cpu_usage_percent) &gt; 90"')
    expect(chart).toContain('/static/metrics.js')
    const { FindingsLedger } = await import('../../src/drift/findings-store.ts')
    const synced = await new FindingsLedger(t.db.client).sync(
      [
        {
          category: 'drift',
          finding: {
            key: 'mismatch:/ConfigMap/shop/settings',
            type: 'mismatch',
            severity: 'medium',
            resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
            diffs: [
              { path: '/data/LOG_LEVEL', desired: 'info', live: 'debug', reason: 'value differs' },
            ],
            ownedElsewhere: [],
            revision: null,
            source: null,
          },
        },
      ],
      clock.now(),
    )
    const id = synced.opened[0]!.id
    await t.incidents.fire(
      alert({ fingerprint: 'fp-drift', since: clock.now(), source: { kind: 'drift', ids: [id] } }),
    )
    const drift = await (await page(`/dashboard/incidents/${await newest()}`)).text()
    expect(drift).toContain('<code>/data/LOG_LEVEL</code>')
    expect(drift).toContain('<td class="live"><code>debug</code></td>')
    expect(drift).not.toContain('/static/metrics.js')
  })
})
