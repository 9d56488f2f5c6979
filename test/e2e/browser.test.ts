import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openBrowser, outputDir, startServer, type BrowserServer } from './browser.ts'
import type { VigilProcess } from './process.ts'

let server: BrowserServer
let vigil: VigilProcess
let browser: Browser
let page: Page
let problems: string[]
const adminPassword = 'browser-test-secret-9f3k'

beforeAll(async () => {
  server = await startServer(adminPassword, 'ingest:write')
  vigil = server.vigil
  const token = server.token
  // Half an hour of two hosts' CPU for the Metrics page.
  const now = Date.now()
  const samples = []
  for (let i = 0; i < 180; i++) {
    for (const host of ['web-1', 'web-2']) {
      const value = 40 + 20 * Math.sin(i / 15 + (host === 'web-2' ? 1 : 0))
      samples.push({
        name: 'node_cpu_usage_percent',
        labels: { host },
        value,
        ts: now - (180 - i) * 10_000,
      })
    }
  }
  const ingest = await fetch(`${vigil.url}/api/v1/ingest/metrics`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ samples }),
  })
  if (ingest.status !== 200) throw new Error(`ingest answered ${ingest.status}`)
  ;({ browser, page, problems } = await openBrowser())
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('dashboard in Chromium', () => {
  it('sends an anonymous visitor to the login page and refuses a wrong password', async () => {
    await page.goto(`${vigil.url}/`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'not-the-password-at-all')
    await page.click('button[type=submit]')
    expect(await page.locator('.error').textContent()).toBe('Wrong username or password.')
    await page.screenshot({ path: join(outputDir, 'login-failed.png') })
    // The 401 of the refused login is logged by Chromium as a failed resource; nothing else.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([])
    problems.length = 0
  })

  it('signs in and lands on the Overview with htmx running and no console errors', async () => {
    await page.fill('input[name=password]', adminPassword)
    await page.click('button[type=submit]')
    await page.waitForURL(`${vigil.url}/`)
    await page.waitForFunction(() => 'htmx' in window)
    expect(await page.title()).toBe('Overview · vigil')
    expect(await page.locator('nav.sidebar a').count()).toBe(11)
    expect(await page.locator('[data-stat="version"]').textContent()).toMatch(/^\d+\.\d+\.\d+$/)
    expect(problems).toEqual([])
  })

  it('switches between light and dark theme and remembers the choice', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const before = await background()
    const themeBefore = await page.evaluate(() => document.documentElement.dataset.theme ?? 'auto')
    await page.click('#theme-toggle')
    const after = await background()
    const themeAfter = await page.evaluate(() => document.documentElement.dataset.theme)
    expect(after).not.toBe(before)
    expect(themeAfter).not.toBe(themeBefore)
    await page.screenshot({ path: join(outputDir, `dashboard-${themeAfter}.png`), fullPage: true })
    await page.reload()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(themeAfter!)
    expect(await background()).toBe(after)
    await page.click('#theme-toggle')
    expect(await background()).toBe(before)
    expect(problems).toEqual([])
  })

  it('refreshes the Overview panel by itself', async () => {
    const panel = page.locator('#overview-panel')
    const first = await panel.getAttribute('data-generated-at')
    const requestsBefore = await page.locator('[data-stat="requests"]').textContent()
    await page.waitForFunction(
      (previous) =>
        document.querySelector('#overview-panel')?.getAttribute('data-generated-at') !== previous,
      first,
      { timeout: 15_000 },
    )
    const requestsAfter = await page.locator('[data-stat="requests"]').textContent()
    expect(Number(requestsAfter!.replace(/,/g, ''))).toBeGreaterThan(
      Number(requestsBefore!.replace(/,/g, '')),
    )
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 30_000)

  it('shows the audit trail with the sign-ins', async () => {
    await page.click('nav.sidebar >> text=Audit')
    await page.waitForURL(`${vigil.url}/dashboard/audit`)
    const actions = await page.locator('tbody td code').allTextContents()
    expect(actions).toContain('auth.login')
    await page.click('text=Verify chain')
    await page.waitForSelector('#chain-status.success')
    expect(await page.locator('#chain-status').textContent()).toContain('Chain intact')
    expect(problems).toEqual([])
  })

  it('draws a metric on the Metrics page with uPlot, its state in the URL', async () => {
    await page.click('nav.sidebar >> text=Metrics')
    await page.waitForURL(`${vigil.url}/dashboard/metrics`)
    await page.selectOption('#metric-picker', 'node_cpu_usage_percent')
    await page.waitForSelector('#label-pickers select[data-label="host"]')
    await page.selectOption('#label-pickers select[data-label="host"]', 'web-2')
    expect(await page.inputValue('#query')).toBe('node_cpu_usage_percent{host="web-2"}')
    await page.selectOption('select[name=range]', '1h')
    await page.click('#metrics-form button[type=submit]')
    await page.waitForSelector('.uplot canvas')
    const url = new URL(page.url())
    expect(url.searchParams.get('query')).toBe('node_cpu_usage_percent{host="web-2"}')
    expect(url.searchParams.get('range')).toBe('1h')
    await page.waitForFunction(() =>
      document.querySelector('#chart-status')?.textContent?.startsWith('1 series'),
    )
    await page.screenshot({ path: join(outputDir, 'metrics.png'), fullPage: true })
    // The shared URL shows the same chart in a fresh page.
    const other = await browser.newPage()
    await other.context().addCookies(await page.context().cookies())
    await other.goto(page.url())
    await other.waitForSelector('.uplot canvas')
    await other.close()
    expect(problems).toEqual([])
  })

  it('navigates to the Remediation queue, live over its stream', async () => {
    await page.click('nav.sidebar >> text=Remediation')
    await page.waitForURL(`${vigil.url}/dashboard/remediation`)
    expect(await page.locator('h1').textContent()).toBe('Remediation')
    expect(await page.locator('main').textContent()).toContain('No tasks yet.')
    await page.waitForSelector('#incidents-live-status[data-state="live"]')
    expect(problems).toEqual([])
  })

  it('logs out: back at the login page, and the dashboard asks to sign in again', async () => {
    await page.click('text=Log out')
    await page.waitForURL(`${vigil.url}/login`)
    await page.goto(`${vigil.url}/dashboard/audit`)
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(problems).toEqual([])
  })
})
