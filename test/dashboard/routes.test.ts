import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { sections } from '../../src/dashboard/sections.ts'
import { contentSecurityPolicy } from '../../src/http/security-headers.ts'
import { assets } from '../../src/runtime/assets.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await makeApp({ now: () => Date.parse('2026-11-22T10:00:00Z') })
})
afterAll(() => t.close())

describe('dashboard routes', () => {
  it('GET / renders the whole page with every section in the navigation', async () => {
    const res = await t.app.request('/', { headers: t.headers })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toStartWith('<!doctype html><html lang="en">')
    for (const s of sections) expect(html).toContain(`href="${s.href}"`)
    for (const title of [
      'Overview',
      'Metrics',
      'Logs',
      'Events',
      'Anomalies',
      'Incidents',
      'Drift',
      'Policies',
      'Remediation',
      'Audit',
      'Settings',
    ]) {
      expect(html).toContain(`>${title}<`)
    }
    expect(html).toContain('aria-current="page">Overview')
  })

  it('GET / shows the Overview panel with uptime, version, database size and requests', async () => {
    const html = await (await t.app.request('/', { headers: t.headers })).text()
    expect(html).toContain('id="overview-panel"')
    expect(html).toContain('hx-trigger="every 5s"')
    expect(html).toContain('<dd data-stat="uptime">1h 2m</dd>')
    expect(html).toMatch(/data-stat="database">\d+\.\d KiB/)
    expect(html).toMatch(/data-stat="requests">\d+/)
    expect(html).toContain('10:00:00 UTC')
  })

  it('GET / sends a CSP that allows scripts from self only, and loads no inline script', async () => {
    const res = await t.app.request('/', { headers: t.headers })
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    expect(contentSecurityPolicy).toContain("script-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    const html = await res.text()
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/static\//)
      expect(body).toBe('')
    }
    expect(html).not.toMatch(/\son[a-z]+=/)
  })

  it('GET /partials/overview returns only the panel, counting requests served', async () => {
    const first = await (await t.app.request('/partials/overview', { headers: t.headers })).text()
    expect(first).toStartWith('<section id="overview-panel"')
    expect(first).not.toContain('<html')
    const count = (html: string) =>
      Number(/data-stat="requests">([\d,]+)/.exec(html)![1]!.replace(/,/g, ''))
    const second = await (await t.app.request('/partials/overview', { headers: t.headers })).text()
    expect(count(second)).toBeGreaterThan(count(first))
  })

  it('GET / with HX-Request returns the content without the layout', async () => {
    const html = await (
      await t.app.request('/', { headers: { ...t.headers, 'HX-Request': 'true' } })
    ).text()
    expect(html).toContain('<h1>Overview</h1>')
    expect(html).not.toContain('<nav')
  })

  it.each(sections.filter((s) => s.upcoming).map((s) => [s.href, s.title] as const))(
    'GET %s says the page is not built yet',
    async (href, title) => {
      const res = await t.app.request(href, { headers: t.headers })
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain(`<h1>${title}</h1>`)
      expect(html).toContain('This page is not built yet.')
      expect(html).toContain(`aria-current="page">${title}`)
    },
  )

  it('GET /dashboard/unknown answers an HTML 404', async () => {
    const res = await t.app.request('/dashboard/unknown', {
      headers: { ...t.headers, Accept: 'text/html' },
    })
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('There is no page at <code>/dashboard/unknown</code>')
  })
})

describe('static', () => {
  it.each(Object.entries(assets))(
    'GET /static/%s serves the embedded file',
    async (name, asset) => {
      const res = await t.app.request(`/static/${name}`, { headers: t.headers })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(asset.contentType)
      expect(res.headers.get('etag')).toBe(`"${asset.hash}"`)
      expect((await res.text()).length).toBe(asset.body.length)
    },
  )

  it('GET /static/ with the current ?v= hash may be cached for a year', async () => {
    const { hash } = assets['htmx.min.js']!
    const res = await t.app.request(`/static/htmx.min.js?v=${hash}`, { headers: t.headers })
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const stale = await t.app.request('/static/htmx.min.js?v=old', { headers: t.headers })
    expect(stale.headers.get('cache-control')).toBe('public, no-cache')
  })

  it('GET /static/ answers 304 to a matching If-None-Match', async () => {
    const { hash } = assets['app.css']!
    const res = await t.app.request('/static/app.css', {
      headers: { 'If-None-Match': `"${hash}"` },
    })
    expect(res.status).toBe(304)
    expect(await res.text()).toBe('')
  })

  it('GET /static/ answers 404 for unknown files and path tricks', async () => {
    for (const path of ['/static/nope.js', '/static/..%2Fpackage.json', '/static/toString']) {
      const res = await t.app.request(path, { headers: t.headers })
      expect(res.status).toBe(404)
    }
  })
})
