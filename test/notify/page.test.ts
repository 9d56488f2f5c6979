import { afterAll, afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { addUser, login, origin } from '../helpers/auth.ts'

let t: TestApp | undefined
afterEach(() => t?.close())
const hits: string[] = []
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    hits.push(((await req.json()) as { event: string }).event)
    return new Response('ok')
  },
})
afterAll(() => receiver.stop(true))

describe('Channels page', () => {
  it('lists the channels with secrets masked and sends a test from the button', async () => {
    t = await makeApp()
    const loop = new AbortController()
    void t.notifier.run(loop.signal)
    try {
      const created = await t.app.request('/api/v1/channels', {
        method: 'POST',
        headers: { ...t.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'ops-hook',
          type: 'webhook',
          config: { url: `http://127.0.0.1:${receiver.port}/x`, secret: 'very-secret-value-9' },
        }),
      })
      expect(created.status).toBe(201)
      await addUser(t, 'ops', 'operator')
      const session = await login(t, 'ops', 'correct-horse-battery')
      const browser = { Cookie: session.cookie, Origin: origin }
      const page = await t.app.request('/dashboard/channels', { headers: browser })
      const html = await page.text()
      expect(page.status).toBe(200)
      expect(html).toContain('<code>ops-hook</code>')
      expect(html).not.toContain('very-secret-value-9')
      expect(html).toContain('Send test')
      const sent = await t.app.request('/dashboard/channels/ops-hook/test', {
        method: 'POST',
        headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: session.csrf }).toString(),
      })
      expect(sent.status).toBe(200)
      expect(await sent.text()).toContain('Test sent to ops-hook')
      expect(hits).toContain('test')
      const missing = await t.app.request('/dashboard/channels/nope/test', {
        method: 'POST',
        headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: session.csrf }).toString(),
      })
      expect(missing.status).toBe(404)
      const forged = await t.app.request('/dashboard/channels/ops-hook/test', {
        method: 'POST',
        headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: '',
      })
      expect(forged.status).toBe(403)
    } finally {
      loop.abort()
    }
  })
})
