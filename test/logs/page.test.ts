import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, bearer, login } from '../helpers/auth.ts'
import { line, post } from '../helpers/records.ts'

const now = Date.parse('2026-11-22T10:00:00Z')
let t: TestApp

async function page(path: string, headers: Record<string, string> = t.headers) {
  const res = await t.app.request(path, { headers })
  return { status: res.status, html: await res.text() }
}

beforeAll(async () => {
  t = await makeApp({ now: () => now })
  const lines = []
  // 150 lines of `api`, ten seconds apart up to now, so the first page leaves 50 for "load older".
  for (let i = 0; i < 150; i++) {
    lines.push(line('api', `request ${i} served`, { ts: now - (150 - i) * 10_000 }))
  }
  lines.push(
    line('web', 'Connection reset by peer <script>alert(1)</script>', {
      ts: now - 5000,
      level: 'error',
      labels: { host: 'web-1' },
    }),
    line('web', 'all good', { ts: now - 4000 }),
  )
  expect((await post(t, '/api/v1/ingest/logs', { logs: lines })).status).toBe(200)
  await t.logs.drain()
})
afterAll(() => t.close())

describe('logs page', () => {
  it('GET /dashboard/logs lists the services with line counts and 5-minute error rates', async () => {
    const { status, html } = await page('/dashboard/logs')
    expect(status).toBe(200)
    expect(html).toContain('<h1>Logs</h1>')
    expect(html).toContain('href="/dashboard/logs?service=api&amp;range=1h">api</a>')
    expect(html).toContain('<td class="num">150</td>')
    expect(html).toContain('50.0% of 2')
    expect(html).toContain('Choose a service to see its lines.')
    expect(html).toContain('aria-current="page">Logs')
  })

  it('GET /dashboard/logs?service= shows the newest 100 lines first and a "load older" button', async () => {
    const { html } = await page('/dashboard/logs?service=api&range=1h')
    const messages = [...html.matchAll(/request (\d+) served/g)].map((m) => Number(m[1]))
    expect(messages.length).toBe(100)
    expect(messages[0]).toBe(149)
    expect(messages.at(-1)).toBe(50)
    expect(html).toMatch(
      /hx-get="\/dashboard\/logs\?service=api&amp;range=1h&amp;start=\d+&amp;cursor=/,
    )
    expect(html).toContain('data-stream="/api/v1/logs/api/stream?"')
    expect(html).toContain('src="/static/logs.js?v=')
  })

  it('"load older" with HX-Request returns only the next lines, without the layout', async () => {
    const first = await page('/dashboard/logs?service=api&range=1h')
    const next = /hx-get="([^"]+)"/.exec(first.html)![1]!.replaceAll('&amp;', '&')
    const { status, html } = await page(next, { ...t.headers, 'HX-Request': 'true' })
    expect(status).toBe(200)
    expect(html).toStartWith('<li class="log-line"')
    expect(html).not.toContain('<html')
    expect(html).not.toContain('Load older')
    expect([...html.matchAll(/request (\d+) served/g)].map((m) => m[1])).toHaveLength(50)
  })

  it('"load older" with a bad cursor answers 400 with the reason in place of the button', async () => {
    const { status, html } = await page('/dashboard/logs?service=api&cursor=forged', {
      ...t.headers,
      'HX-Request': 'true',
    })
    expect(status).toBe(400)
    expect(html).toBe(
      '<li class="more error" role="alert">cursor: must be a next_cursor from a previous page</li>',
    )
  })

  it('marks the search matches and escapes the markup of a message', async () => {
    const { html } = await page('/dashboard/logs?service=web&search=%22connection+reset%22+script')
    expect(html).toContain(
      '<mark>Connection reset</mark> by peer &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;',
    )
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('all good')
    expect(html).toContain('<code class="label">host=web-1</code>')
    expect(html).toContain('<code>2026-11-22T09:59:55.000Z</code>')
    expect(html).toContain('search=%22connection+reset%22+script')
  })

  it('shows a bad search as a form error with a 400, keeping the page', async () => {
    const { status, html } = await page('/dashboard/logs?service=web&search=%22unbalanced')
    expect(status).toBe(400)
    expect(html).toContain('<h1>Logs</h1>')
    expect(html).toMatch(/id="search-error">search: unbalanced quote at offset 0</)
    expect(html).toContain('value="&quot;unbalanced"')
  })

  it('says when no lines match, and when no service has sent logs', async () => {
    const none = await page('/dashboard/logs?service=web&level=fatal')
    expect(none.html).toContain('No lines match these filters in the last 1h.')
    const fresh = await makeApp({ now: () => now })
    try {
      const res = await fresh.app.request('/dashboard/logs', { headers: fresh.headers })
      expect(await res.text()).toContain('No services have sent logs yet.')
    } finally {
      fresh.close()
    }
  })

  it('filters by minimum level and keeps the filters in the tail URL', async () => {
    const { html } = await page('/dashboard/logs?service=web&level=error&search=reset')
    expect(html).toContain('Connection')
    expect(html).not.toContain('all good')
    expect(html).toContain('data-stream="/api/v1/logs/web/stream?level=error&amp;search=reset"')
  })

  it('audits one read per page load for a signed-in person', async () => {
    await addUser(t, 'dev', 'developer')
    const session = await login(t, 'dev', 'correct-horse-battery')
    const before = (await t.audit.list({ actor: 'dev', action: 'logs.query', limit: 100 })).entries
    await page('/dashboard/logs?service=api', { Cookie: session.cookie })
    const after = (await t.audit.list({ actor: 'dev', action: 'logs.query', limit: 100 })).entries
    expect(after.length - before.length).toBe(1)
    expect(after[0]!.details).toMatchObject({ service: 'api', returned: 100 })
  })

  it('needs logs:read: 401 without credentials, 403 without the scope', async () => {
    expect((await page('/dashboard/logs', { Accept: 'application/json' })).status).toBe(401)
    expect((await page('/dashboard/logs', await bearer(t, ['metrics:read']))).status).toBe(403)
    expect((await page('/dashboard/logs', await bearer(t, ['logs:read']))).status).toBe(200)
  })
})
