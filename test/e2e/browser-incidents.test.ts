import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import {
  callApi,
  openBrowser,
  outputDir,
  signIn,
  startServer,
  type BrowserServer,
} from './browser.ts'

let server: BrowserServer
let browser: Browser
let list: Page
let detail: Page
let problems: string[]
const adminPassword = 'browser-incident-secret-7q2w'

const api = (path: string, body: unknown) =>
  callApi<{ incident: { id: number } }>(server, path, body, 201)

const live = (page: Page) =>
  page.waitForSelector('#incidents-live-status[data-state=live]', { timeout: 10_000 })

beforeAll(async () => {
  server = await startServer(adminPassword, 'incidents:read,incidents:write')
  ;({ browser, page: list, problems } = await openBrowser())
  await signIn(list, server.vigil.url, adminPassword)
  // A second browser session: one watches the list while the other acts.
  detail = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  detail.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  await signIn(detail, server.vigil.url, adminPassword)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('Incidents in Chromium', () => {
  it('shows a new incident live, then its acknowledgement and resolution', async () => {
    await list.click('nav.sidebar >> text=Incidents')
    await list.waitForURL(`${server.vigil.url}/dashboard/incidents`)
    expect(await list.locator('#no-incidents').count()).toBe(1)
    await live(list)
    // Set on the window: still there after the updates means the page never reloaded.
    await list.evaluate(() => ((window as unknown as { marker: number }).marker = 42))

    const { incident } = await api('/api/v1/incidents', {
      title: 'Checkout answers 502',
      severity: 'critical',
      labels: { service: 'checkout' },
    })
    const row = list.locator(`tr[data-incident="${incident.id}"]`)
    await row.waitFor({ timeout: 10_000 })
    expect(await row.getAttribute('data-status')).toBe('triggered')
    expect(await row.textContent()).toContain('Checkout answers 502')

    await detail.goto(`${server.vigil.url}/dashboard/incidents/${incident.id}`)
    await live(detail)
    await detail.click('#incident-ack')
    await detail.waitForSelector('#incident-state[data-status=acknowledged]')
    expect(await detail.locator('#acknowledged-by').textContent()).toContain('admin')
    await list.waitForSelector(`tr[data-incident="${incident.id}"][data-status=acknowledged]`)

    // A note from elsewhere shows on the open incident page without a reload.
    await live(detail)
    await api(`/api/v1/incidents/${incident.id}/notes`, { text: 'rolled back the deploy' })
    await detail.waitForSelector('#incident-timeline li[data-kind=note]', { timeout: 10_000 })

    await detail.click('#incident-resolve')
    await detail.waitForSelector('#incident-state[data-status=resolved]')
    await list.waitForSelector(`tr[data-incident="${incident.id}"][data-status=resolved]`)
    expect(await list.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42)
    await list.screenshot({ path: join(outputDir, 'incidents.png'), fullPage: true })
    await detail.screenshot({ path: join(outputDir, 'incident.png'), fullPage: true })
    const kinds = await detail
      .locator('#incident-timeline li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')))
    expect(kinds).toEqual(['triggered', 'acknowledged', 'note', 'resolved'])
    expect(problems).toEqual([])
  }, 60_000)

  it('silences like an incident from its page', async () => {
    const { incident } = await api('/api/v1/incidents', {
      title: 'Disk filling on db-1',
      severity: 'high',
      labels: { host: 'db-1' },
    })
    await detail.goto(`${server.vigil.url}/dashboard/incidents/${incident.id}`)
    await detail.click('#silence-like-this')
    expect(await detail.inputValue('textarea[name=matchers]')).toBe('host="db-1"')
    await detail.click('#create-silence')
    await detail.waitForSelector('#silences tr[data-state=active]')
    expect(problems).toEqual([])
  }, 30_000)
})
