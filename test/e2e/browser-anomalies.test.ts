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
let page: Page
let problems: string[]
const adminPassword = 'browser-anomaly-secret-4m8x'

const api = (path: string, body?: unknown) => callApi(server, path, body)

beforeAll(async () => {
  server = await startServer(adminPassword, 'ingest:write,anomalies:read')
  // An hour of a steady series, 10 s apart, with one spike ten minutes ago.
  const now = Date.now()
  let seed = 5
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2
  const samples = Array.from({ length: 360 }, (_, i) => ({
    name: 'node_cpu_usage_percent',
    labels: { host: 'web-1' },
    value: i === 300 ? 97 : 40 + noise(),
    ts: now - (360 - i) * 10_000,
  }))
  await api('/api/v1/ingest/metrics', { samples })
  for (let i = 0; i < 100; i++) {
    if ((await api('/api/v1/anomalies')).anomalies!.length > 0) break
    await Bun.sleep(100)
  }
  ;({ browser, page, problems } = await openBrowser())
  await signIn(page, server.vigil.url, adminPassword)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('Anomalies in Chromium', () => {
  it('lists what the detector found and draws its band and marker on the Metrics chart', async () => {
    await page.click('nav.sidebar >> text=Anomalies')
    await page.waitForURL(`${server.vigil.url}/dashboard/anomalies`)
    expect(await page.locator('#detector-status').textContent()).toContain('scores 1 series')
    const item = page.locator('#anomalies li.anomaly')
    expect(await item.count()).toBe(1)
    expect(await item.locator('.event-subject').textContent()).toBe(
      'node_cpu_usage_percent{host="web-1"}',
    )
    await item.locator('summary').click()
    expect(await item.locator('.line-detail').textContent()).toMatch(/: 97 where 40\.\d+ \(/)
    await page.screenshot({ path: join(outputDir, 'anomalies.png'), fullPage: true })
    await item.locator('text=Show on the Metrics page').click()
    await page.waitForSelector('.uplot canvas')
    await page.waitForFunction(() =>
      document.querySelector('#chart-status')?.textContent?.startsWith('1 series, 1 anomaly'),
    )
    const legend = await page.locator('.u-legend').textContent()
    expect(legend).toContain('expected high')
    expect(legend).toContain('anomalies')
    await page.screenshot({ path: join(outputDir, 'metrics-anomaly.png'), fullPage: true })
    expect(problems).toEqual([])
  })

  it('filters by a series selector and shows a bad one as a form error', async () => {
    await page.goto(
      `${server.vigil.url}/dashboard/anomalies?series=${encodeURIComponent('{host="web-2"}')}`,
    )
    expect(await page.locator('#no-anomalies').count()).toBe(1)
    await page.fill('input[name=series]', 'sum(x)')
    await page.click('#anomalies-form button[type=submit]')
    await page.waitForSelector('.form-error')
    expect(await page.locator('.form-error').textContent()).toContain('series selector')
    expect(problems.filter((p) => !p.includes('400'))).toEqual([])
  })
})
