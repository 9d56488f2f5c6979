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
const adminPassword = 'browser-logs-secret-7h2q'

const api = (path: string, body?: unknown) => callApi(server, path, body)

function ingestLine(message: string, level = 'info') {
  return api('/api/v1/ingest/logs', { logs: [{ service: 'checkout', level, message }] })
}

/** until polls `check` until it holds: the mover makes lines searchable in the background. */
async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await Bun.sleep(100)
  }
  throw new Error(`timed out waiting for ${what}`)
}

beforeAll(async () => {
  server = await startServer(adminPassword, 'ingest:write,logs:read,events:read')
  const now = Date.now()
  const logs = [
    { message: 'order 41 paid', level: 'info' },
    { message: 'payment gateway timeout after 30s <b>retrying</b>', level: 'error' },
    { message: 'order 42 paid', level: 'info' },
  ].map((l, i) => ({
    ...l,
    service: 'checkout',
    ts: now - (10 - i) * 1000,
    labels: { pod: 'c-1' },
  }))
  await api('/api/v1/ingest/logs', { logs })
  // More than one page of `batch`, for "load older".
  const batch = Array.from({ length: 120 }, (_, i) => ({
    service: 'batch',
    message: `job ${i} done`,
    ts: now - (120 - i) * 1000,
  }))
  await api('/api/v1/ingest/logs', { logs: batch })
  const deploy = {
    source: 'argocd',
    kind: 'deploy',
    severity: 'info',
    subject: 'deploy/checkout',
    message: 'checkout v2.3 rolled out',
    attributes: { revision: 'abc123' },
  }
  await api('/api/v1/ingest/events', { events: [deploy] })
  await until(async () => (await api('/api/v1/logs/checkout')).logs!.length === 3, 'the lines')
  await until(async () => (await api('/api/v1/events')).events!.length === 1, 'the event')
  await until(
    async () => (await api('/api/v1/logs/batch?limit=200')).logs!.length === 120,
    'the batch',
  )
  ;({ browser, page, problems } = await openBrowser())
  await signIn(page, server.vigil.url, adminPassword)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('Logs and Events pages in Chromium', () => {
  it('picks a service and marks the searched word in its lines, the state in the URL', async () => {
    await page.click('nav.sidebar >> text=Logs')
    await page.waitForURL(`${server.vigil.url}/dashboard/logs`)
    expect(await page.locator('#services').textContent()).toContain('checkout')
    await page.click('#services >> text=checkout')
    await page.waitForSelector('#log-lines li.log-line')
    expect(await page.locator('#log-lines li.log-line').count()).toBe(3)
    await page.fill('#search', 'timeout')
    await page.click('#logs-form button[type=submit]')
    await page.waitForSelector('#log-lines mark')
    expect(await page.locator('#log-lines mark').allTextContents()).toEqual(['timeout'])
    expect(await page.locator('#log-lines .message').textContent()).toContain('<b>retrying</b>')
    const url = new URL(page.url())
    expect(url.searchParams.get('service')).toBe('checkout')
    expect(url.searchParams.get('search')).toBe('timeout')
    await page.click('#log-lines summary')
    expect(await page.locator('#log-lines .line-detail').textContent()).toContain('pod=c-1')
    await page.screenshot({ path: join(outputDir, 'logs.png'), fullPage: true })
    // The other theme, for a look at the marks and levels in it.
    await page.click('#theme-toggle')
    const theme = await page.evaluate(() => document.documentElement.dataset.theme)
    await page.screenshot({ path: join(outputDir, `logs-${theme}.png`), fullPage: true })
    await page.click('#theme-toggle')
    expect(problems).toEqual([])
  })

  it('shows a bad search as a form error', async () => {
    await page.fill('#search', '"unclosed')
    await page.click('#logs-form button[type=submit]')
    await page.waitForSelector('#search-error')
    expect(await page.locator('#search-error').textContent()).toContain('unbalanced quote')
    // Chromium logs the 400 of the page itself as a failed resource; nothing else.
    expect(problems.filter((p) => !p.includes('400'))).toEqual([])
    problems.length = 0
    await page.fill('#search', 'timeout')
    await page.click('#logs-form button[type=submit]')
    await page.waitForSelector('#log-lines mark')
  })

  it('live tail shows new lines without a reload, and holds them while paused', async () => {
    await page.click('#tail-toggle')
    await page.waitForSelector('#tail[data-state="live"]')
    await ingestLine('checkout timeout live-1', 'warn')
    await page.waitForSelector('#log-lines li.live >> text=live-1')
    expect(await page.locator('#log-lines li.log-line').first().textContent()).toContain('live-1')
    expect(await page.locator('#log-lines li.live mark').textContent()).toBe('timeout')
    // A line that does not match the search is not tailed.
    await ingestLine('checkout healthy live-x')

    await page.click('#tail-pause')
    await ingestLine('checkout timeout live-2')
    await page.waitForFunction(() =>
      document.querySelector('#tail-status')?.textContent?.includes('1 new line held'),
    )
    expect(await page.locator('#log-lines >> text=live-2').count()).toBe(0)
    await page.screenshot({ path: join(outputDir, 'logs-tail-paused.png'), fullPage: true })

    await page.click('#tail-pause')
    await page.waitForSelector('#log-lines li.live >> text=live-2')
    expect(await page.locator('#log-lines li.log-line').first().textContent()).toContain('live-2')
    expect(await page.locator('#log-lines >> text=live-x').count()).toBe(0)
    await page.screenshot({ path: join(outputDir, 'logs-tail.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 30_000)

  it('says so when the tail had to drop lines it could not send in time', async () => {
    // One batch larger than a tail's queue of 1000 overflows it however fast the page reads.
    const flood = Array.from({ length: 1050 }, (_, i) => ({
      service: 'checkout',
      level: 'error',
      message: `flood timeout ${i}`,
    }))
    await api('/api/v1/ingest/logs', { logs: flood })
    await page.waitForSelector('#tail-dropped:not([hidden])')
    expect(await page.locator('#tail-dropped').textContent()).toContain('Dropped 50 lines')
    await page.waitForSelector('#log-lines >> text=flood timeout 999')
    // The page keeps at most 1000 lines.
    expect(await page.locator('#log-lines li.log-line').count()).toBe(1000)
    await page.screenshot({ path: join(outputDir, 'logs-tail-dropped.png') })
    await page.click('#tail-toggle')
    await page.waitForSelector('#tail[data-state="off"]')
    expect(problems).toEqual([])
  }, 30_000)

  it('loads older lines in place with htmx', async () => {
    // The service links keep the search; this one starts without it.
    await page.goto(`${server.vigil.url}/dashboard/logs?service=batch`)
    await page.waitForSelector('#log-lines li.log-line')
    expect(await page.locator('#log-lines li.log-line').count()).toBe(100)
    await page.click('#log-lines >> text=Load older')
    await page.waitForFunction(
      () => document.querySelectorAll('#log-lines li.log-line').length > 100,
    )
    expect(await page.locator('#log-lines li.log-line').count()).toBe(120)
    expect(await page.locator('#log-lines li.log-line').last().textContent()).toContain(
      'job 0 done',
    )
    expect(await page.locator('#log-lines >> text=Load older').count()).toBe(0)
    expect(problems).toEqual([])
  }, 30_000)

  it('shows the ingested event on the Events timeline with its attributes', async () => {
    await page.click('nav.sidebar >> text=Events')
    await page.waitForURL(`${server.vigil.url}/dashboard/events`)
    expect(await page.locator('#events li.event').count()).toBe(1)
    expect(await page.locator('#events summary').textContent()).toContain('deploy/checkout')
    await page.click('#events summary')
    expect(await page.locator('#events .line-detail pre').textContent()).toContain('abc123')
    await page.screenshot({ path: join(outputDir, 'events.png'), fullPage: true })
    expect(problems).toEqual([])
  })
})
